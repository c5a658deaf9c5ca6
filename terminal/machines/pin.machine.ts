/**
 * PIN entry on the terminal's keypad (issue 6 "PIN entry"): the tries left
 * are read first (empty VERIFY), digits are counted and shown masked,
 * correction erases the last, cancel and a time limit end the entry, the
 * PIN is verified by the card; a wrong PIN (63Cx) shows the tries left and
 * asks again, a blocked PIN (6983 or 63C0) ends in `blocked`.
 *
 * The digits live only in the `pad` actor (pin-pad.ts); this machine's
 * context holds their count. Output: `{ result, failure? }`.
 *
 * OURS: 30 s without a key ends the entry (portable readers use 30-60 s);
 * 4 to 8 digits (DOMAIN.md: the CPS code porteur has 4; the emulated PIN
 * object stores 8, FF padded).
 * @module
 */
import { assign, sendTo, setup } from 'xstate';
import type { CardChannel } from '../../drivers/index.js';
import { SW } from '../../protocol/index.js';
import type { KeyEvent, View } from '../ui/index.js';
import { errorOf, outputOf } from './actor-events.js';
import { cardFailureOf, type CardFailure } from './card-failure.js';
import { pinPad, readPinStatus, type PinPadReport } from './pin-pad.js';

/** What a PIN machine is given. */
export interface PinInput {
  readonly channel: CardChannel;
  /** PIN reference on the card; default 1 (CPS code porteur). */
  readonly reference?: number;
  /** Default 4. */
  readonly minLength?: number;
  /** Default 8. */
  readonly maxLength?: number;
}

/** How a PIN entry ended. */
export type PinResult = 'verified' | 'blocked' | 'cancelled' | 'timed-out' | 'failed';

/** The PIN machine's output. */
export interface PinOutput {
  readonly result: PinResult;
  readonly failure?: CardFailure | undefined;
}

/** The PIN machine's context: never a digit, only their count. */
export interface PinContext {
  readonly channel: CardChannel;
  readonly reference: number;
  readonly minLength: number;
  readonly maxLength: number;
  /** Digits typed so far. */
  readonly length: number;
  /** Tries left as the card last said (63Cx). */
  readonly triesLeft: number | undefined;
  /** True after a wrong PIN, until the next digit is typed. */
  readonly wrongPin: boolean;
  readonly result: PinResult | undefined;
  readonly failure: CardFailure | undefined;
}

/** What the PIN machine hears: keys and the buffer's reports. */
export type PinEvent = KeyEvent | PinPadReport;

const triesOf = (sw: number): number | undefined => ((sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined);
const isBlockedSw = (sw: number): boolean => sw === SW.AUTH_METHOD_BLOCKED || sw === 0x63c0;
const checkedSw = (event: PinEvent): number => (event.type === 'pin.checked' ? event.sw : -1);

/** The PIN statechart; provide `pad`, `readPinStatus` and `pinEntryTimeout` per target. */
export const pinMachine = setup({
  types: {
    context: {} as PinContext,
    events: {} as PinEvent,
    input: {} as PinInput,
    output: {} as PinOutput,
  },
  actors: { pinPad, readPinStatus },
  delays: {
    /** Time without a key before the entry is abandoned. */
    pinEntryTimeout: 30_000,
  },
  guards: {
    statusVerified: ({ event }) => outputOf<number>(event) === SW.OK,
    statusBlocked: ({ event }) => isBlockedSw(outputOf<number>(event)),
    statusCounts: ({ event }) => triesOf(outputOf<number>(event)) !== undefined,
    roomForDigit: ({ context }) => context.length < context.maxLength,
    hasDigits: ({ context }) => context.length > 0,
    pinComplete: ({ context }) => context.length >= context.minLength,
    pinAccepted: ({ event }) => checkedSw(event) === SW.OK,
    pinBlocked: ({ event }) => isBlockedSw(checkedSw(event)),
    pinWrong: ({ event }) => triesOf(checkedSw(event)) !== undefined,
  },
  actions: {
    storeTries: assign({ triesLeft: ({ event }) => triesOf(outputOf<number>(event)) }),
    countDigit: assign({ length: ({ context }) => context.length + 1, wrongPin: false }),
    eraseDigit: assign({ length: ({ context }) => context.length - 1 }),
    forwardToPad: sendTo('pad', ({ event }) => event as Extract<KeyEvent, { type: 'key.digit' | 'key.correction' }>),
    submitToPad: sendTo('pad', { type: 'pin.submit' }),
    forgetCount: assign({ length: 0 }),
    storeWrongPin: assign({ triesLeft: ({ event }) => triesOf(checkedSw(event)), wrongPin: true }),
    storeRefusal: assign({ failure: ({ event }) => ({ kind: 'card-refused', sw: event.type === 'pin.checked' ? event.sw : outputOf<number>(event), command: 'VERIFY' }) as CardFailure }),
    storeStatusFailure: assign({ failure: ({ event }) => cardFailureOf(errorOf(event)) }),
    storeReportedFailure: assign({ failure: ({ event }) => (event.type === 'pin.failed' ? event.failure : undefined) }),
    settle: assign((_, params: { result: PinResult }) => ({ result: params.result, length: 0 })),
  },
}).createMachine({
  id: 'pin',
  context: ({ input }) => ({
    channel: input.channel,
    reference: input.reference ?? 1,
    minLength: input.minLength ?? 4,
    maxLength: input.maxLength ?? 8,
    length: 0,
    triesLeft: undefined,
    wrongPin: false,
    result: undefined,
    failure: undefined,
  }),
  invoke: { id: 'pad', src: 'pinPad', input: ({ context }) => ({ channel: context.channel, reference: context.reference, maxLength: context.maxLength, padTo: context.maxLength }) },
  initial: 'readingStatus',
  states: {
    readingStatus: {
      invoke: {
        id: 'status',
        src: 'readPinStatus',
        input: ({ context }) => ({ channel: context.channel, reference: context.reference }),
        onDone: [
          { guard: 'statusVerified', target: 'verified' },
          { guard: 'statusBlocked', target: 'blocked' },
          { guard: 'statusCounts', target: 'entering', actions: 'storeTries' },
          { target: 'failed', actions: 'storeRefusal' },
        ],
        onError: { target: 'failed', actions: 'storeStatusFailure' },
      },
    },
    entering: {
      after: { pinEntryTimeout: 'timedOut' },
      on: {
        'key.digit': { guard: 'roomForDigit', target: 'entering', reenter: true, actions: ['countDigit', 'forwardToPad'] },
        'key.correction': { guard: 'hasDigits', target: 'entering', reenter: true, actions: ['eraseDigit', 'forwardToPad'] },
        'key.validate': { guard: 'pinComplete', target: 'verifying' },
        'key.cancel': 'cancelled',
      },
    },
    verifying: {
      entry: ['submitToPad', 'forgetCount'],
      on: {
        'pin.checked': [
          { guard: 'pinAccepted', target: 'verified' },
          { guard: 'pinBlocked', target: 'blocked' },
          { guard: 'pinWrong', target: 'entering', actions: 'storeWrongPin' },
          { target: 'failed', actions: 'storeRefusal' },
        ],
        'pin.failed': { target: 'failed', actions: 'storeReportedFailure' },
      },
    },
    verified: { type: 'final', entry: { type: 'settle', params: { result: 'verified' } } },
    blocked: { type: 'final', entry: { type: 'settle', params: { result: 'blocked' } } },
    cancelled: { type: 'final', entry: { type: 'settle', params: { result: 'cancelled' } } },
    timedOut: { type: 'final', entry: { type: 'settle', params: { result: 'timed-out' } } },
    failed: { type: 'final', entry: { type: 'settle', params: { result: 'failed' } } },
  },
  output: ({ context }) => ({ result: context.result ?? 'failed', failure: context.failure }),
});

/** A snapshot of {@link pinMachine}, as {@link pinView} reads it. */
export interface PinSnapshotLike {
  matches(state: 'readingStatus' | 'entering' | 'verifying' | 'verified' | 'blocked' | 'cancelled' | 'timedOut' | 'failed'): boolean;
  readonly context: PinContext;
}

/** What the display shows during PIN entry (ui/screens). */
export function pinView(snapshot: PinSnapshotLike): View {
  const { context } = snapshot;
  if (snapshot.matches('entering')) return { kind: 'pin-entry', digits: context.length, triesLeft: context.wrongPin ? context.triesLeft : undefined };
  if (snapshot.matches('verified')) return { kind: 'pin-accepted' };
  if (snapshot.matches('blocked')) return { kind: 'card-blocked' };
  if (snapshot.matches('cancelled')) return { kind: 'pin-cancelled' };
  if (snapshot.matches('timedOut')) return { kind: 'pin-timeout' };
  if (snapshot.matches('failed')) return context.failure?.kind === 'card-removed' ? { kind: 'card-removed', duringOperation: true } : { kind: 'card-error' };
  return { kind: 'pin-checking' };
}
