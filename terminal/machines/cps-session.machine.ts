/**
 * The doctor's CPS session (issue 6 "CPS session"): read the card's
 * situations, ask the PIN (the {@link pinMachine} as a child), let the
 * doctor choose the practice situation the FSEs will carry, then stay
 * authenticated until the card is removed, the terminal sleeps
 * (`device.sleep`) or `sessionLifetime` passes. A lapsed session resets the
 * card (ISO/IEC 7816-3 §6.2.3 warm reset clears its security status) and
 * waits for `key.validate` to ask the PIN again. A substitute's situation
 * carries the replaced doctor (DOMAIN.md "Substitute doctors").
 *
 * OURS: the default lifetime (4 h), one situation chosen without asking,
 * situations without the right to sign FSEs shown but not selectable,
 * cancel during the choice ending the session.
 * @module
 */
import { assign, fromPromise, sendTo, setup } from 'xstate';
import type { CardSession } from '../../drivers/index.js';
import type { KeyEvent, View } from '../ui/index.js';
import { errorOf, outputOf } from './actor-events.js';
import { cardFailureOf, type CardFailure } from './card-failure.js';
import { readCpsCard, type CpsCardData, type CpsSituation } from './cps-card.js';
import { pinMachine, pinView, type PinOutput, type PinSnapshotLike } from './pin.machine.js';

/** What a CPS session is given: the session to the CPS its slot opened. */
export interface CpsSessionInput {
  readonly session: CardSession;
  /** How long the CPS stays authenticated, ms; default 4 h. */
  readonly sessionLifetimeMs?: number;
}

/** Why a CPS session ended. */
export type CpsSessionEnd = 'card-removed' | 'cancelled' | 'failed';

/** Why the CPS needs its PIN again. */
export type CpsLapse = 'pin-cancelled' | 'pin-timed-out' | 'expired' | 'sleep';

/** The CPS session's context. */
export interface CpsSessionContext {
  readonly session: CardSession;
  readonly sessionLifetimeMs: number;
  /** Serial and situations, once read. */
  readonly card: CpsCardData | undefined;
  /** The situation under the cursor while choosing. */
  readonly cursor: number;
  /** The chosen situation: what the FSEs carry. */
  readonly situation: CpsSituation | undefined;
  readonly lapse: CpsLapse | undefined;
  readonly end: CpsSessionEnd | undefined;
  readonly failure: CardFailure | undefined;
}

/** What a CPS session hears. */
export type CpsSessionEvent =
  | KeyEvent
  | { readonly type: 'card.removed' }
  | { readonly type: 'device.sleep' }
  /** Choose another situation (a menu entry). */
  | { readonly type: 'situation.change' };

/** Read serial and situations (cps-card.ts). */
export const readCps = fromPromise<CpsCardData, { readonly session: CardSession }>(({ input, signal }) => readCpsCard(input.session, signal));

/** Warm reset of the CPS: the PIN must be verified again. */
export const dropAuthentication = fromPromise<void, { readonly session: CardSession }>(async ({ input, signal }) => {
  await input.session.reset('reset', { signal });
});

const pinResult = (event: { readonly type: string }): PinOutput['result'] => outputOf<PinOutput>(event).result;
const situations = (context: CpsSessionContext): readonly CpsSituation[] => context.card?.situations ?? [];

/** The CPS session statechart; provide `readCps`, `dropAuthentication`, `pinEntry` and the delays per target. */
export const cpsSessionMachine = setup({
  types: {
    context: {} as CpsSessionContext,
    events: {} as CpsSessionEvent,
    input: {} as CpsSessionInput,
  },
  actors: { readCps, dropAuthentication, pinEntry: pinMachine },
  delays: {
    /** How long the CPS stays authenticated. */
    sessionLifetime: ({ context }) => context.sessionLifetimeMs,
  },
  guards: {
    hasSituations: ({ event }) => outputOf<CpsCardData>(event).situations.length > 0,
    pinVerified: ({ event }) => pinResult(event) === 'verified',
    pinBlocked: ({ event }) => pinResult(event) === 'blocked',
    pinCancelled: ({ event }) => pinResult(event) === 'cancelled',
    pinTimedOut: ({ event }) => pinResult(event) === 'timed-out',
    singleSituation: ({ context }) => situations(context).length === 1 && situations(context)[0]?.rights.signFse === true,
    manySituations: ({ context }) => situations(context).length > 1,
    canMoveUp: ({ context }) => context.cursor > 0,
    canMoveDown: ({ context }) => context.cursor < situations(context).length - 1,
    cursorMayBill: ({ context }) => situations(context)[context.cursor]?.rights.signFse === true,
  },
  actions: {
    storeCard: assign({ card: ({ event }) => outputOf<CpsCardData>(event) }),
    noSituation: assign({ end: 'failed' as const, failure: { kind: 'bad-card-data', path: 'situations' } as CardFailure }),
    storeFailure: assign({ end: 'failed' as const, failure: ({ event }) => cardFailureOf(errorOf(event)) }),
    storePinFailure: assign({ end: 'failed' as const, failure: ({ event }) => outputOf<PinOutput>(event).failure }),
    forwardKeyToPin: sendTo('pin', ({ event }) => event),
    moveUp: assign({ cursor: ({ context }) => context.cursor - 1 }),
    moveDown: assign({ cursor: ({ context }) => context.cursor + 1 }),
    chooseSituation: assign({ situation: ({ context }) => situations(context)[context.cursor], lapse: undefined }),
    lapse: assign((_, params: { lapse: CpsLapse }) => ({ lapse: params.lapse })),
    end: assign((_, params: { end: CpsSessionEnd }) => ({ end: params.end })),
  },
}).createMachine({
  id: 'cpsSession',
  context: ({ input }) => ({
    session: input.session,
    sessionLifetimeMs: input.sessionLifetimeMs ?? 4 * 3600_000,
    card: undefined,
    cursor: 0,
    situation: undefined,
    lapse: undefined,
    end: undefined,
    failure: undefined,
  }),
  initial: 'reading',
  on: { 'card.removed': { target: '.ended', actions: { type: 'end', params: { end: 'card-removed' } } } },
  states: {
    reading: {
      invoke: {
        id: 'read',
        src: 'readCps',
        input: ({ context }) => ({ session: context.session }),
        onDone: [{ guard: 'hasSituations', target: 'authenticating', actions: 'storeCard' }, { target: 'ended', actions: 'noSituation' }],
        onError: { target: 'ended', actions: 'storeFailure' },
      },
    },
    authenticating: {
      invoke: {
        id: 'pin',
        src: 'pinEntry',
        input: ({ context }) => ({ channel: context.session }),
        onDone: [
          { guard: 'pinVerified', target: 'choosingSituation' },
          { guard: 'pinBlocked', target: 'blocked' },
          { guard: 'pinCancelled', target: 'locked', actions: { type: 'lapse', params: { lapse: 'pin-cancelled' } } },
          { guard: 'pinTimedOut', target: 'locked', actions: { type: 'lapse', params: { lapse: 'pin-timed-out' } } },
          { target: 'ended', actions: 'storePinFailure' },
        ],
      },
      on: { 'key.*': { actions: 'forwardKeyToPin' } },
    },
    choosingSituation: {
      always: { guard: 'singleSituation', target: 'authenticated', actions: 'chooseSituation' },
      on: {
        'key.up': { guard: 'canMoveUp', actions: 'moveUp' },
        'key.down': { guard: 'canMoveDown', actions: 'moveDown' },
        'key.validate': { guard: 'cursorMayBill', target: 'authenticated', actions: 'chooseSituation' },
        'key.cancel': { target: 'ended', actions: { type: 'end', params: { end: 'cancelled' } } },
        'device.sleep': { target: 'lapsed', actions: { type: 'lapse', params: { lapse: 'sleep' } } },
      },
    },
    authenticated: {
      after: { sessionLifetime: { target: 'lapsed', actions: { type: 'lapse', params: { lapse: 'expired' } } } },
      on: {
        'device.sleep': { target: 'lapsed', actions: { type: 'lapse', params: { lapse: 'sleep' } } },
        'situation.change': { guard: 'manySituations', target: 'choosingSituation' },
      },
    },
    lapsed: {
      invoke: {
        id: 'drop',
        src: 'dropAuthentication',
        input: ({ context }) => ({ session: context.session }),
        onDone: 'locked',
        onError: { target: 'ended', actions: 'storeFailure' },
      },
    },
    locked: {
      on: { 'key.validate': 'authenticating' },
    },
    blocked: { type: 'final' },
    ended: { type: 'final' },
  },
});

/** A snapshot of {@link cpsSessionMachine}, as {@link cpsSessionView} reads it. */
export interface CpsSessionSnapshotLike {
  matches(state: 'reading' | 'authenticating' | 'choosingSituation' | 'authenticated' | 'lapsed' | 'locked' | 'blocked' | 'ended'): boolean;
  readonly context: CpsSessionContext;
  readonly children: { readonly pin?: { getSnapshot(): unknown } | undefined };
}

/** What the display shows for the CPS session (ui/screens); PIN entry shows the child's screen. */
export function cpsSessionView(snapshot: CpsSessionSnapshotLike): View {
  const { context } = snapshot;
  const list = situations(context);
  if (snapshot.matches('authenticating')) {
    const pin = snapshot.children.pin?.getSnapshot() as PinSnapshotLike | undefined;
    return pin === undefined ? { kind: 'pin-checking' } : pinView(pin);
  }
  if (snapshot.matches('choosingSituation')) {
    const shown = list[context.cursor];
    return {
      kind: 'situation-choice',
      position: context.cursor + 1,
      count: list.length,
      structureName: shown?.structure.name ?? '',
      billingNumber: shown?.billingNumber ?? '',
      mayBill: shown?.rights.signFse === true,
      replaces: shown?.replaces?.doctorId,
    };
  }
  if (snapshot.matches('authenticated')) return { kind: 'cps-ready', structureName: context.situation?.structure.name ?? '', replaces: context.situation?.replaces?.doctorId };
  if (snapshot.matches('lapsed') || snapshot.matches('locked')) return { kind: 'cps-lapsed' };
  if (snapshot.matches('blocked')) return { kind: 'card-blocked' };
  if (snapshot.matches('ended')) return context.end === 'card-removed' ? { kind: 'card-removed', duringOperation: true } : context.end === 'cancelled' ? { kind: 'blank' } : { kind: 'card-error' };
  return { kind: 'card-reading' };
}
