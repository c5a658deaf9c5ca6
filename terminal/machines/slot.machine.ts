/**
 * One card slot of the bi-fente reader (issue 6 "Slots"): empty →
 * inserted → powering → atrReceived → ready, or mute (no ATR in time, or
 * an ATR nobody can talk to), unknownCard (not the card this slot is for),
 * removed. A card pulled while an operation runs on it is recorded
 * (`abandoned`) and shown; the operation's own actor gets the drivers'
 * `card-removed` rejection and abandons it (the session manager ends the
 * session when its card leaves).
 *
 * OURS: the settle delay after the presence switch, the ATR time limit
 * (ISO/IEC 7816-3 §8.1 allows 40,000 clock cycles; with the reader's own
 * power-up we allow 1.5 s), the "card removed" notice time.
 * @module
 */
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import type { CardSession, Reader } from '../../drivers/index.js';
import { hex, toHex } from '../../protocol/index.js';
import type { CardKind, View } from '../ui/index.js';
import { cardFailureOf, type CardFailure } from './card-failure.js';
import { cardKindOfAtr } from './card-kind.js';
import { errorOf, outputOf } from './actor-events.js';

/** What a slot machine is given. */
export interface SlotInput {
  /** The drivers reader of this slot (its events, its connection). */
  readonly reader: Reader;
  /** The card this slot is for. */
  readonly expects: CardKind;
}

/** The slot's context. */
export interface SlotContext {
  readonly reader: Reader;
  readonly expects: CardKind;
  /** The ATR of the card in the slot, hex, once powered. */
  readonly atr: string | undefined;
  /** The open session to the card while it is ready (or unknown): the other machines' channel to it. */
  readonly session: CardSession | undefined;
  /** The operation running on the card, as announced by `operation.started`. */
  readonly operation: string | undefined;
  /** The operation the card was pulled in the middle of, until the slot is empty again. */
  readonly abandoned: string | undefined;
  /** Why the card is mute. */
  readonly failure: CardFailure | undefined;
}

/** What a slot machine hears: the reader's presence switch and the operations run on the card. */
export type SlotEvent =
  | { readonly type: 'card.inserted' }
  | { readonly type: 'card.removed' }
  | { readonly type: 'operation.started'; readonly operation: string }
  | { readonly type: 'operation.ended' };

/** The ready card, as the `powerCard` actor resolves it. */
export interface PoweredCard {
  readonly session: CardSession;
}

/** Power the card and open a session (drivers `Reader.connect`). */
export const powerCard = fromPromise<PoweredCard, { readonly reader: Reader }>(async ({ input, signal }) => ({ session: await input.reader.connect({ signal }) }));

/** Forward the reader's `card.inserted` / `card.removed` events to the slot. */
export const watchPresence = fromCallback<SlotEvent, { readonly reader: Reader }>(({ input, sendBack }) =>
  input.reader.onEvent((event) => {
    if (event.type === 'card.inserted' || event.type === 'card.removed') sendBack({ type: event.type });
  }),
);

/** The slot statechart; provide `powerCard`, `watchPresence` and the delays per target. */
export const slotMachine = setup({
  types: {
    context: {} as SlotContext,
    events: {} as SlotEvent,
    input: {} as SlotInput,
  },
  actors: { powerCard, watchPresence },
  delays: {
    /** Contacts settling after the presence switch closes. */
    cardSettle: 50,
    /** Time for the card to answer power-up with an ATR. */
    atrTimeout: 1500,
    /** How long "Carte retiree" stays on the display. */
    removedNotice: 2000,
  },
  guards: {
    expectedCard: ({ context }) => context.atr !== undefined && cardKindOfAtr(hex(context.atr)) === context.expects,
    cardGone: ({ event }) => cardFailureOf(errorOf(event)).kind === 'card-removed',
    operationPending: ({ context }) => context.operation !== undefined,
  },
  actions: {
    forgetCard: assign({ atr: undefined, session: undefined, operation: undefined, abandoned: undefined, failure: undefined }),
    storeCard: assign(({ event }) => {
      const { session } = outputOf<PoweredCard>(event);
      return { session, atr: toHex(session.atr) };
    }),
    storeFailure: assign({ failure: ({ event }) => cardFailureOf(errorOf(event)) }),
    noteMute: assign({ failure: { kind: 'card-mute' } as CardFailure }),
    noteOperation: assign({ operation: ({ event }) => (event.type === 'operation.started' ? event.operation : undefined) }),
    clearOperation: assign({ operation: undefined }),
    noteAbandoned: assign(({ context }) => ({ abandoned: context.operation, operation: undefined, session: undefined })),
    dropSession: assign({ session: undefined, operation: undefined }),
  },
}).createMachine({
  id: 'slot',
  context: ({ input }) => ({ reader: input.reader, expects: input.expects, atr: undefined, session: undefined, operation: undefined, abandoned: undefined, failure: undefined }),
  invoke: { id: 'presence', src: 'watchPresence', input: ({ context }) => ({ reader: context.reader }) },
  initial: 'empty',
  states: {
    empty: {
      entry: 'forgetCard',
      on: { 'card.inserted': 'inserted' },
    },
    inserted: {
      after: { cardSettle: 'powering' },
      on: { 'card.removed': 'empty' },
    },
    powering: {
      invoke: {
        id: 'power',
        src: 'powerCard',
        input: ({ context }) => ({ reader: context.reader }),
        onDone: { target: 'atrReceived', actions: 'storeCard' },
        onError: [
          { guard: 'cardGone', target: 'removed' },
          { target: 'mute', actions: 'storeFailure' },
        ],
      },
      after: { atrTimeout: { target: 'mute', actions: 'noteMute' } },
      on: { 'card.removed': 'removed' },
    },
    atrReceived: {
      always: [{ guard: 'expectedCard', target: 'ready' }, { target: 'unknownCard' }],
    },
    ready: {
      initial: 'idle',
      states: {
        idle: { on: { 'operation.started': { target: 'busy', actions: 'noteOperation' } } },
        busy: { on: { 'operation.ended': { target: 'idle', actions: 'clearOperation' } } },
      },
      on: {
        'card.removed': [
          { guard: 'operationPending', target: 'removed', actions: 'noteAbandoned' },
          { target: 'removed', actions: 'dropSession' },
        ],
      },
    },
    mute: { on: { 'card.removed': 'removed' } },
    unknownCard: { on: { 'card.removed': { target: 'removed', actions: 'dropSession' } } },
    removed: {
      after: { removedNotice: 'empty' },
      on: { 'card.inserted': 'inserted' },
    },
  },
});

/** A snapshot of {@link slotMachine}, as {@link slotView} reads it. */
export interface SlotSnapshotLike {
  matches(state: 'empty' | 'inserted' | 'powering' | 'atrReceived' | 'ready' | 'mute' | 'unknownCard' | 'removed'): boolean;
  readonly context: SlotContext;
}

/** What the display shows for a slot (ui/screens). */
export function slotView(snapshot: SlotSnapshotLike): View {
  const { context } = snapshot;
  if (snapshot.matches('ready')) return { kind: 'card-ready', card: context.expects };
  if (snapshot.matches('mute')) return { kind: 'card-mute' };
  if (snapshot.matches('unknownCard')) return { kind: 'card-unknown', expected: context.expects };
  if (snapshot.matches('removed')) return { kind: 'card-removed', duringOperation: context.abandoned !== undefined };
  if (snapshot.matches('empty')) return { kind: 'insert-card', card: context.expects };
  return { kind: 'card-reading' };
}
