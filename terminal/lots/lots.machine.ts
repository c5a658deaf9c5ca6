/**
 * Building the day's lots (issue 6 "Lots"): plan the stored FSEs into lots
 * (by destination, at most 999 each), read the CPS signature certificate,
 * then for each lot: number, build and sign it with the CPS, record it.
 * When the CPS answers that its PIN is not verified (the CPS session
 * lapsed: 6982), the machine waits in `needsPin` and emits
 * `lots.pin-needed`; the device routes the keys to the CPS session's PIN
 * entry and sends `cps.authenticated` once it is verified, and the same lot
 * is signed again. `key.cancel` there ends without more lots. A card pulled
 * (`card.removed`, or the drivers' `card-removed` from the actor) fails the
 * run: the lot being signed is not written and its FSEs stay `stored`;
 * lots already recorded stay.
 *
 * Why a machine and not a plain async loop: the PIN detour is a wait on the
 * doctor (keys, then the CPS session), which is an event, and the device
 * machine shows each step (`lotsView`); the I/O steps are actors the
 * targets and tests `.provide()`.
 *
 * OURS: the order (destinations ascending), one certificate read per run,
 * asking the PIN only when the card says so, cancelling from the PIN wait.
 * @module
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { CardChannel, LotSummary, NewLot, TerminalStore } from '../../drivers/index.js';
import { errorOf, outputOf } from '../machines/actor-events.js';
import type { CpsSituation } from '../machines/index.js';
import { readCpsSigner, type TerminalClock } from '../securing/index.js';
import type { View } from '../ui/index.js';
import { isPinRequired } from './cps-signature.js';
import { planStoredLots, type LotGroup, type LotPlan, type UnbatchableFse } from './lot-plan.js';
import { commitStoredLot, lotsFailureOf, prepareLot, type LotDevice, type LotsFailure } from './lot-signing.js';

/** What a lot run is given. */
export interface LotsInput {
  readonly store: TerminalStore;
  /** The CPS's card session (the CPS session's `session`). */
  readonly channel: CardChannel;
  readonly clock: TerminalClock;
  readonly device: LotDevice;
  /** The CPS situation chosen for the day: it must carry the right to sign lots. */
  readonly situation: Pick<CpsSituation, 'rights'>;
}

/** How a lot run ended. */
export type LotsResult = 'done' | 'cancelled' | 'failed';

/** The machine's context. */
export interface LotsContext extends LotsInput {
  /** The lots still to build, the current one first. */
  readonly pending: readonly LotGroup[];
  readonly unbatchable: readonly UnbatchableFse[];
  readonly certificate: Uint8Array | undefined;
  /** The current lot, signed, until it is recorded. */
  readonly prepared: NewLot | undefined;
  /** The lots recorded by this run. */
  readonly built: readonly LotSummary[];
  /** How many times the PIN was asked again. */
  readonly pinRequests: number;
  readonly failure: LotsFailure | undefined;
  /** Set by the final state. */
  readonly result: LotsResult | undefined;
}

/** What the machine hears. */
export type LotsEvent =
  /** The CPS PIN is verified again (the device sends it when the CPS session is authenticated). */
  | { readonly type: 'cps.authenticated' }
  | { readonly type: 'card.removed' }
  | { readonly type: 'key.cancel' };

/** What the machine emits: the device routes keys to the CPS PIN entry on `lots.pin-needed`. */
export type LotsEmitted = { readonly type: 'lots.pin-needed' };

/** The machine's output. */
export interface LotsOutput {
  readonly result: LotsResult;
  readonly built: readonly LotSummary[];
  readonly unbatchable: readonly UnbatchableFse[];
  readonly failure?: LotsFailure | undefined;
}

/** Plan the lots from the store (lot-plan.ts). */
export const planLots = fromPromise<LotPlan, { readonly store: TerminalStore }>(({ input }) => planStoredLots(input.store));

/** Read the CPS signature key's certificate (C001, securing's `readCpsSigner`). */
export const readCertificate = fromPromise<Uint8Array, { readonly channel: CardChannel }>(async ({ input, signal }) => (await readCpsSigner(input.channel, signal)).certificate);

/** Number, build and sign the current lot (nothing written). */
export const signLot = fromPromise<NewLot, Parameters<typeof prepareLot>[0]>(({ input, signal }) => prepareLot(input, signal));

/** Record the signed lot in the store (one transaction). */
export const commitLot = fromPromise<LotSummary, { readonly store: TerminalStore; readonly lot: NewLot }>(({ input }) => commitStoredLot(input.store, input.lot));

const failureOf = (event: { readonly type: string }): LotsFailure => lotsFailureOf(errorOf(event));

/** The lot-building statechart; provide `planLots`, `readCertificate`, `signLot`, `commitLot` per target. */
export const lotsMachine = setup({
  types: {
    context: {} as LotsContext,
    events: {} as LotsEvent,
    input: {} as LotsInput,
    output: {} as LotsOutput,
    emitted: {} as LotsEmitted,
  },
  actors: { planLots, readCertificate, signLot, commitLot },
  guards: {
    maySignLots: ({ context }) => context.situation.rights.signLot,
    nothingToBuild: ({ event }) => outputOf<LotPlan>(event).groups.length === 0,
    pinRequired: ({ event }) => {
      const failure = failureOf(event);
      return failure.kind === 'card-refused' && isPinRequired(failure);
    },
    moreLots: ({ context }) => context.pending.length > 1,
  },
  actions: {
    refuse: assign({ failure: { kind: 'not-allowed' } as LotsFailure }),
    storePlan: assign(({ event }) => {
      const plan = outputOf<LotPlan>(event);
      return { pending: plan.groups, unbatchable: plan.unbatchable };
    }),
    storeCertificate: assign({ certificate: ({ event }) => outputOf<Uint8Array>(event) }),
    storePrepared: assign({ prepared: ({ event }) => outputOf<NewLot>(event) }),
    recordLot: assign(({ context, event }) => ({ built: [...context.built, outputOf<LotSummary>(event)], pending: context.pending.slice(1), prepared: undefined })),
    countPinRequest: assign({ pinRequests: ({ context }) => context.pinRequests + 1 }),
    announcePinNeeded: emit({ type: 'lots.pin-needed' } as const),
    storeFailure: assign({ failure: ({ event }) => failureOf(event), prepared: undefined }),
    cardRemoved: assign({ failure: { kind: 'card-removed' } as LotsFailure, prepared: undefined }),
    finish: assign((_, params: { result: LotsResult }) => ({ result: params.result })),
  },
}).createMachine({
  id: 'lots',
  context: ({ input }) => ({ ...input, pending: [], unbatchable: [], certificate: undefined, prepared: undefined, built: [], pinRequests: 0, failure: undefined, result: undefined }),
  initial: 'checkingRights',
  states: {
    checkingRights: {
      always: [{ guard: 'maySignLots', target: 'planning' }, { target: 'failed', actions: 'refuse' }],
    },
    planning: {
      invoke: {
        src: 'planLots',
        input: ({ context }) => ({ store: context.store }),
        onDone: [
          { guard: 'nothingToBuild', target: 'done', actions: 'storePlan' },
          { target: 'readingCertificate', actions: 'storePlan' },
        ],
        onError: { target: 'failed', actions: 'storeFailure' },
      },
    },
    readingCertificate: {
      on: { 'card.removed': { target: 'failed', actions: 'cardRemoved' } },
      invoke: {
        src: 'readCertificate',
        input: ({ context }) => ({ channel: context.channel }),
        onDone: { target: 'signing', actions: 'storeCertificate' },
        onError: { target: 'failed', actions: 'storeFailure' },
      },
    },
    signing: {
      on: { 'card.removed': { target: 'failed', actions: 'cardRemoved' } },
      invoke: {
        src: 'signLot',
        input: ({ context }) => ({
          store: context.store,
          channel: context.channel,
          clock: context.clock,
          device: context.device,
          group: context.pending[0]!,
          certificate: context.certificate!,
        }),
        onDone: { target: 'committing', actions: 'storePrepared' },
        onError: [
          { guard: 'pinRequired', target: 'needsPin' },
          { target: 'failed', actions: 'storeFailure' },
        ],
      },
    },
    needsPin: {
      entry: ['countPinRequest', 'announcePinNeeded'],
      on: {
        'cps.authenticated': 'signing',
        'key.cancel': 'cancelled',
        'card.removed': { target: 'failed', actions: 'cardRemoved' },
      },
    },
    committing: {
      invoke: {
        src: 'commitLot',
        input: ({ context }) => ({ store: context.store, lot: context.prepared! }),
        onDone: [
          { guard: 'moreLots', target: 'signing', actions: 'recordLot' },
          { target: 'done', actions: 'recordLot' },
        ],
        onError: { target: 'failed', actions: 'storeFailure' },
      },
    },
    done: { type: 'final', entry: { type: 'finish', params: { result: 'done' } } },
    cancelled: { type: 'final', entry: { type: 'finish', params: { result: 'cancelled' } } },
    failed: { type: 'final', entry: { type: 'finish', params: { result: 'failed' } } },
  },
  output: ({ context }) => ({
    result: context.result ?? 'failed',
    built: context.built,
    unbatchable: context.unbatchable,
    failure: context.failure,
  }),
});

/** A snapshot of {@link lotsMachine}, as {@link lotsView} reads it. */
export interface LotsSnapshotLike {
  matches(state: 'checkingRights' | 'planning' | 'readingCertificate' | 'signing' | 'needsPin' | 'committing' | LotsResult): boolean;
  readonly context: LotsContext;
}

/** What the display shows while lots are built (existing screens: in-progress, CPS lapsed, card removed or error). */
export function lotsView(snapshot: LotsSnapshotLike): View {
  const { context } = snapshot;
  if (snapshot.matches('needsPin')) return { kind: 'cps-lapsed' };
  if (snapshot.matches('signing') || snapshot.matches('committing')) {
    return { kind: 'in-progress', label: `Lot ${context.built.length + 1}/${context.built.length + context.pending.length}` };
  }
  if (snapshot.matches('done')) return { kind: 'in-progress', label: `${context.built.length} lot(s) signe(s)` };
  if (snapshot.matches('failed')) {
    return context.failure?.kind === 'card-removed' ? { kind: 'card-removed', duringOperation: true } : { kind: 'card-error' };
  }
  if (snapshot.matches('cancelled')) return { kind: 'blank' };
  return { kind: 'in-progress', label: 'Preparation des lots' };
}
