/**
 * The composed firmware (issue 6): one parent statechart that spawns the
 * device machine and the two slot machines, starts a CPS session (with its
 * PIN child) on the CPS slot's session when that slot is ready, and routes
 * what happens between them:
 *
 * - a card already in a reader at boot gets `card.inserted` (the slots'
 *   presence watchers only hear later changes);
 * - the CPS slot losing its card sends `card.removed` to the session (and
 *   to a running capture or lot run); the Vitale slot's card coming or going
 *   is told to a running capture (`vitale.inserted`, `card.removed`);
 * - the device falling asleep sends `device.sleep` to the session;
 * - each key goes to exactly one machine ({@link keyTarget}); a key another
 *   machine takes is `user.activity` for the device's idle timer;
 * - "Nouvelle visite" prepares a visit (`prepareCapture`: the invoice
 *   number, act date, signer, tariffs, store-full refusal) and spawns the
 *   visit machine (`visitCapture`); its outcome stays on the display until a
 *   key. A capture is refused (a screen, any key returns to the menu) when
 *   the store is in quarantine, the CPS is not authenticated or no capture
 *   can be prepared; `storage.restored` (the host released the quarantine,
 *   a fresh store opened) lifts the quarantine;
 * - "Transfert poste" builds the day's lots first (`prepareLots`, then the
 *   lots machine, `lotsRun`) when a CPS situation was chosen and the store
 *   is readable, then serves the host (`hostServing`) until validate or
 *   cancel;
 * - around each card operation the slots hear `operation.started/ended`
 *   ({@link watchWork}).
 *
 * Children report to the parent through {@link watchChildren} and
 * {@link watchWork}; the transitions only assign, spawn, stop, send and
 * raise (STYLE.md "Statecharts"). The I/O actors (`prepareCapture`,
 * `prepareLots`, `countStore`, `hostServing`) are provided by
 * `createFirmware`; their defaults here say the function is absent.
 *
 * OURS: the key routing and display priorities, refusing a capture without
 * an authenticated CPS, building lots before serving the host.
 * @module
 */
import { and, assign, fromCallback, fromPromise, not, raise, sendTo, setup, stopChild, type ActorRefFrom } from 'xstate';
import type { CardSession, Reader } from '../../drivers/index.js';
import { visitMachine, type VisitInput, type VisitOutput } from '../capture/index.js';
import { lotsMachine, type LotsInput, type LotsOutput } from '../lots/index.js';
import { cpsSessionMachine, deviceMachine, slotMachine, type BatteryOperation, type CpsSituation, type DeviceInput } from '../machines/index.js';
import type { KeyEvent } from '../ui/index.js';
import { cpsSessionIn, keyTarget, type KeyTarget } from './key-routing.js';
import { watchChildren, type ChildReport, type SlotName } from './watch-children.js';
import { watchWork, type WorkReport } from './watch-work.js';

/** How the store booted, as the firmware needs it (drivers' `openTerminalStore` result, summarised). */
export type StorageStatus =
  | { readonly state: 'ok' }
  /** The database was moved aside: no capture until the host took the data (drivers/store README "Boot and quarantine"). */
  | { readonly state: 'quarantined'; readonly reason: string; readonly movedTo: string };

/** Why "Nouvelle visite" was refused before a capture started. */
export type CaptureRefusal = 'storage-quarantined' | 'cps-not-ready' | 'capture-unavailable';

/** What the firmware gives `prepareCapture`: the authenticated CPS. */
export interface CapturePreparation {
  /** The CPS session's card channel. */
  readonly cps: CardSession;
  /** The situation the doctor chose (what the FSE carries). */
  readonly situation: CpsSituation;
}

/** A capture ready to start: the visit machine's input but the Vitale, which the firmware adds (the one in its slot, if any). */
export type PreparedCapture = Omit<VisitInput, 'vitale'>;

/** What the firmware gives `prepareLots`: the CPS session's channel and situation. */
export type LotsPreparation = Pick<LotsInput, 'channel' | 'situation'>;

/** FSEs and lots the store holds (the idle and transfer screens). */
export interface StoreCount {
  readonly fses: number;
  readonly lots: number;
}

/** What the firmware machine is given. */
export interface FirmwareMachineInput {
  readonly readers: Readonly<Record<SlotName, Reader>>;
  readonly device: DeviceInput;
  readonly storage: StorageStatus;
  /** How long the CPS stays authenticated, ms (CPS session default: 4 h). */
  readonly sessionLifetimeMs?: number;
}

/** Where a transfer stands: building lots, or serving the host. */
export type TransferPhase = 'lots' | 'serving';

/** The firmware's context: its children, the storage status, the screens it keeps. */
export interface FirmwareContext {
  readonly readers: Readonly<Record<SlotName, Reader>>;
  readonly storage: StorageStatus;
  readonly sessionLifetimeMs: number | undefined;
  readonly device: ActorRefFrom<typeof deviceMachine>;
  readonly slots: Readonly<Record<SlotName, ActorRefFrom<typeof slotMachine>>>;
  /** The CPS session of the card in the CPS slot; kept after it ends until the next CPS is ready. */
  readonly cpsSession: ActorRefFrom<typeof cpsSessionMachine> | undefined;
  /** The ready Vitale's session, for the capture. */
  readonly vitale: CardSession | undefined;
  readonly refusal: CaptureRefusal | undefined;
  /** True from "Nouvelle visite" until its outcome is dismissed. */
  readonly capturing: boolean;
  /** The running visit capture. */
  readonly capture: ActorRefFrom<typeof visitMachine> | undefined;
  /** The last visit's outcome, shown until a key. */
  readonly lastVisit: VisitOutput | undefined;
  /** The running lot run. */
  readonly lots: ActorRefFrom<typeof lotsMachine> | undefined;
  /** The last lot run's outcome (shown on the transfer screen). */
  readonly lastLots: LotsOutput | undefined;
  readonly transfer: TransferPhase | undefined;
  /** What the store holds, counted on the idle screen and after each host request. */
  readonly held: StoreCount | undefined;
  /** Why a reader could not be asked whether a card was in at boot. */
  readonly presenceFailure: string | undefined;
}

/** What the firmware hears: keys, its children's reports, and the device's power events. */
export type FirmwareEvent =
  | KeyEvent
  | ChildReport
  | WorkReport
  | { readonly type: 'power.off' }
  | { readonly type: 'charger.connected' }
  | { readonly type: 'charger.disconnected' }
  | { readonly type: 'operation.done'; readonly operation: BatteryOperation }
  /** `hostServing` answered a host request; the store now holds `held`. */
  | { readonly type: 'host.served'; readonly held: StoreCount | undefined }
  /** The host released the last pending quarantine and a fresh store opened: captures are accepted again. */
  | { readonly type: 'storage.restored' }
  /** Raised: a slot's card left while a capture or lot run may be using it. */
  | { readonly type: 'work.card-removed'; readonly card: SlotName }
  /** Raised: a Vitale became ready while a capture may be waiting for it. */
  | { readonly type: 'work.vitale-ready'; readonly session: CardSession }
  | { readonly type: 'xstate.done.actor.capture'; readonly output: VisitOutput }
  | { readonly type: 'xstate.error.actor.capture'; readonly error: unknown }
  | { readonly type: 'xstate.done.actor.lots'; readonly output: LotsOutput }
  | { readonly type: 'xstate.error.actor.lots'; readonly error: unknown };

export { cpsSessionIn, keyTarget, type KeyTarget };

const slotEvent = (event: FirmwareEvent): SlotName | undefined => (event.type === 'slot.ready' || event.type === 'slot.left' || event.type === 'slot.work' ? event.slot : undefined);
const outputOf = <T>(event: FirmwareEvent): T => (event as unknown as { output: T }).output;
const situationOf = (context: FirmwareContext): CpsSituation | undefined => context.cpsSession?.getSnapshot().context.situation;

/** Ask a reader whether a card is in it now (the drivers' `Reader.cardPresent`). */
export const cardPresent = fromPromise<boolean, { readonly reader: Reader }>(({ input }) => input.reader.cardPresent());

/** Prepare a visit (provided by `createFirmware`); the default says no capture is built in, and the firmware shows it refused. */
export const prepareCapture = fromPromise<PreparedCapture, CapturePreparation>(async () => {
  throw new Error('no visit capture in this firmware (prepareCapture not provided)');
});

/** Prepare a lot run (provided by `createFirmware`); the default skips the lots and goes to the transfer. */
export const prepareLots = fromPromise<LotsInput, LotsPreparation>(async () => {
  throw new Error('no lots in this firmware (prepareLots not provided)');
});

/** Count what the store holds (provided by `createFirmware`); the default knows nothing. */
export const countStore = fromPromise<StoreCount | undefined, void>(async () => undefined);

/**
 * Serve the host while the transfer screen shows (provided by
 * `createFirmware` over its host link); reports `host.served` after each
 * request. The default serves nothing: the doctor ends the transfer.
 */
export const hostServing = fromCallback<{ readonly type: 'host.served'; readonly held: StoreCount | undefined }>(() => undefined);

/** The composed firmware statechart; `createFirmware` provides the device's boot checks and the I/O actors. */
export const firmwareMachine = setup({
  types: {
    context: {} as FirmwareContext,
    events: {} as FirmwareEvent,
    input: {} as FirmwareMachineInput,
  },
  actors: {
    device: deviceMachine,
    slot: slotMachine,
    cpsSession: cpsSessionMachine,
    watchChildren,
    watchWork,
    cardPresent,
    prepareCapture,
    visitCapture: visitMachine,
    prepareLots,
    lotsRun: lotsMachine,
    countStore,
    hostServing,
  },
  guards: {
    isTrue: ({ event }) => outputOf<unknown>(event) === true,
    slotIs: ({ event }, params: { slot: SlotName }) => slotEvent(event) === params.slot,
    hasCpsSession: ({ context }) => context.cpsSession !== undefined,
    storageQuarantined: ({ context }) => context.storage.state === 'quarantined',
    cpsAuthenticated: ({ context }) => cpsSessionIn(context, ['authenticated']),
    /** A situation was chosen and the session still holds the card (authenticated, or lapsed: the PIN is asked again). */
    maySignLots: ({ context }) => context.storage.state === 'ok' && situationOf(context) !== undefined && cpsSessionIn(context, ['authenticated', 'lapsed', 'locked']),
    activityIs: ({ event }, params: { activity: 'capturing' | 'transfer' }) => event.type === 'device.activity' && event.activity === params.activity,
    keyFor: ({ context, event }, params: { target: KeyTarget }) => event.type.startsWith('key.') && keyTarget(context, event as KeyEvent) === params.target,
    workStarts: ({ event }) => event.type === 'slot.work' && event.operation !== undefined,
    removedCardIs: ({ event }, params: { card: SlotName }) => event.type === 'work.card-removed' && event.card === params.card,
  },
  actions: {
    powerOn: sendTo(({ context }) => context.device, { type: 'power.on' }),
    insertCard: sendTo(({ context }, params: { slot: SlotName }) => context.slots[params.slot], { type: 'card.inserted' }),
    notePresenceFailure: assign({ presenceFailure: ({ event }) => String((event as unknown as { error?: unknown }).error) }),
    stopCpsSession: stopChild(({ context }) => context.cpsSession ?? ''),
    startCpsSession: assign({
      cpsSession: ({ context, event, spawn }) =>
        event.type === 'slot.ready'
          ? spawn('cpsSession', { input: { session: event.session, ...(context.sessionLifetimeMs === undefined ? {} : { sessionLifetimeMs: context.sessionLifetimeMs }) } })
          : context.cpsSession,
    }),
    tellCpsSession: sendTo(({ context }) => context.cpsSession!, ({ event }) => (event.type === 'device.sleep' ? event : { type: 'card.removed' as const })),
    keepVitale: assign({ vitale: ({ event }) => (event.type === 'slot.ready' ? event.session : undefined) }),
    raiseCardRemoved: raise((_, params: { card: SlotName }) => ({ type: 'work.card-removed' as const, card: params.card })),
    raiseVitaleReady: raise(({ event }) => ({ type: 'work.vitale-ready' as const, session: (event as Extract<FirmwareEvent, { type: 'slot.ready' }>).session })),
    drainBattery: sendTo(({ context }) => context.device, (_, params: { operation: BatteryOperation }) => ({ type: 'operation.done' as const, operation: params.operation })),
    forwardToDevice: sendTo(({ context }) => context.device, ({ event }) => event as never),
    noteActivity: sendTo(({ context }) => context.device, { type: 'user.activity' }),
    forwardToCpsSession: sendTo(({ context }) => context.cpsSession!, ({ event }) => event as KeyEvent),
    forwardToCapture: sendTo(({ context }) => context.capture!, ({ event }) => event as KeyEvent),
    forwardToLots: sendTo(({ context }) => context.lots!, { type: 'key.cancel' }),
    tellCaptureVitale: sendTo(({ context }) => context.capture!, ({ event }) => ({ type: 'vitale.inserted' as const, channel: (event as Extract<FirmwareEvent, { type: 'work.vitale-ready' }>).session })),
    tellCaptureRemoved: sendTo(({ context }) => context.capture!, ({ event }) => ({ type: 'card.removed' as const, card: (event as Extract<FirmwareEvent, { type: 'work.card-removed' }>).card })),
    tellLotsRemoved: sendTo(({ context }) => context.lots!, { type: 'card.removed' }),
    tellLotsAuthenticated: sendTo(({ context }) => context.lots!, { type: 'cps.authenticated' }),
    startOperation: sendTo(({ context, event }) => context.slots[slotEvent(event) ?? 'cps'], ({ event }) => ({ type: 'operation.started' as const, operation: (event as Extract<FirmwareEvent, { type: 'slot.work' }>).operation ?? '' })),
    endOperation: sendTo(({ context, event }) => context.slots[slotEvent(event) ?? 'cps'], { type: 'operation.ended' }),
    endSlotOperation: sendTo(({ context }, params: { slot: SlotName }) => context.slots[params.slot], { type: 'operation.ended' }),
    refuse: assign((_, params: { refusal: CaptureRefusal }) => ({ refusal: params.refusal })),
    clearRefusal: assign({ refusal: undefined }),
    markCapturing: assign((_, params: { capturing: boolean }) => ({ capturing: params.capturing })),
    startCapture: assign({
      capture: ({ context, event, spawn }) => spawn('visitCapture', { id: 'capture', input: { ...outputOf<PreparedCapture>(event), ...(context.vitale === undefined ? {} : { vitale: context.vitale }) } }),
    }),
    stopCapture: stopChild('capture'),
    keepVisitOutcome: assign({ lastVisit: ({ event }) => (event.type === 'xstate.done.actor.capture' ? event.output : ({ result: 'failed' } as VisitOutput)), capture: undefined }),
    clearVisitOutcome: assign({ lastVisit: undefined, capturing: false }),
    endCapture: sendTo(({ context }) => context.device, { type: 'capture.ended' }),
    enterTransfer: assign((_, params: { phase: TransferPhase }) => ({ transfer: params.phase })),
    startLots: assign({ lots: ({ event, spawn }) => spawn('lotsRun', { id: 'lots', input: outputOf<LotsInput>(event) }) }),
    stopLots: stopChild('lots'),
    keepLotsOutcome: assign({ lastLots: ({ event }) => (event.type === 'xstate.done.actor.lots' ? event.output : ({ result: 'failed', built: [], unbatchable: [] } as LotsOutput)), lots: undefined }),
    restoreStorage: assign({ storage: { state: 'ok' as const } }),
    keepCount: assign({ held: ({ context, event }) => (event.type === 'host.served' ? event.held : outputOf<StoreCount | undefined>(event)) ?? context.held }),
    leaveTransfer: assign({ transfer: undefined, lastLots: undefined }),
    endTransfer: sendTo(({ context }) => context.device, { type: 'transfer.ended' }),
  },
}).createMachine({
  id: 'firmware',
  context: ({ input, spawn }) => ({
    readers: input.readers,
    storage: input.storage,
    sessionLifetimeMs: input.sessionLifetimeMs,
    device: spawn('device', { id: 'device', input: input.device }),
    slots: {
      cps: spawn('slot', { id: 'cpsSlot', input: { reader: input.readers.cps, expects: 'cps' } }),
      vitale: spawn('slot', { id: 'vitaleSlot', input: { reader: input.readers.vitale, expects: 'vitale' } }),
    },
    cpsSession: undefined,
    vitale: undefined,
    refusal: undefined,
    capturing: false,
    capture: undefined,
    lastVisit: undefined,
    lots: undefined,
    lastLots: undefined,
    transfer: undefined,
    held: undefined,
    presenceFailure: undefined,
  }),
  entry: 'powerOn',
  invoke: [
    { id: 'watch', src: 'watchChildren', input: ({ context }) => ({ device: context.device, slots: context.slots }) },
    {
      id: 'cpsPresent',
      src: 'cardPresent',
      input: ({ context }) => ({ reader: context.readers.cps }),
      onDone: { guard: 'isTrue', actions: { type: 'insertCard', params: { slot: 'cps' } } },
      onError: { actions: 'notePresenceFailure' },
    },
    {
      id: 'vitalePresent',
      src: 'cardPresent',
      input: ({ context }) => ({ reader: context.readers.vitale }),
      onDone: { guard: 'isTrue', actions: { type: 'insertCard', params: { slot: 'vitale' } } },
      onError: { actions: 'notePresenceFailure' },
    },
  ],
  on: {
    'slot.ready': [
      { guard: { type: 'slotIs', params: { slot: 'cps' } }, actions: ['stopCpsSession', 'startCpsSession', { type: 'drainBattery', params: { operation: 'cardRead' } }] },
      { actions: ['keepVitale', { type: 'drainBattery', params: { operation: 'cardRead' } }, 'raiseVitaleReady'] },
    ],
    'slot.left': [
      { guard: and([{ type: 'slotIs', params: { slot: 'cps' as const } }, 'hasCpsSession']), actions: ['tellCpsSession', { type: 'raiseCardRemoved', params: { card: 'cps' } }] },
      { guard: { type: 'slotIs', params: { slot: 'vitale' } }, actions: ['keepVitale', { type: 'raiseCardRemoved', params: { card: 'vitale' } }] },
    ],
    'slot.work': [{ guard: 'workStarts', actions: 'startOperation' }, { actions: 'endOperation' }],
    'device.sleep': { guard: 'hasCpsSession', actions: 'tellCpsSession' },
    'power.off': { actions: 'forwardToDevice' },
    'charger.connected': { actions: 'forwardToDevice' },
    'charger.disconnected': { actions: 'forwardToDevice' },
    'operation.done': { actions: 'forwardToDevice' },
    'storage.restored': { actions: 'restoreStorage' },
    'key.*': [
      { guard: { type: 'keyFor', params: { target: 'device' } }, actions: 'forwardToDevice' },
      { guard: { type: 'keyFor', params: { target: 'cpsSession' } }, actions: ['forwardToCpsSession', 'noteActivity'] },
      { guard: { type: 'keyFor', params: { target: 'refusal' } }, target: '.running.standby', actions: ['clearRefusal', 'endCapture', 'noteActivity'] },
      { guard: { type: 'keyFor', params: { target: 'outcome' } }, target: '.running.standby', actions: ['clearVisitOutcome', 'endCapture', 'noteActivity'] },
      { guard: { type: 'keyFor', params: { target: 'capture' } }, actions: ['forwardToCapture', 'noteActivity'] },
      { guard: { type: 'keyFor', params: { target: 'lots' } }, actions: ['forwardToLots', 'noteActivity'] },
      { guard: { type: 'keyFor', params: { target: 'transfer' } }, target: '.running.standby', actions: ['leaveTransfer', 'endTransfer', 'noteActivity'] },
      { actions: 'noteActivity' },
    ],
  },
  initial: 'running',
  states: {
    running: {
      initial: 'standby',
      states: {
        standby: {
          invoke: { id: 'count', src: 'countStore', onDone: { actions: 'keepCount' } },
          on: {
            'device.activity': [
              { guard: and([{ type: 'activityIs', params: { activity: 'capturing' as const } }, 'storageQuarantined']), target: 'captureRefused', actions: { type: 'refuse', params: { refusal: 'storage-quarantined' } } },
              { guard: and([{ type: 'activityIs', params: { activity: 'capturing' as const } }, not('cpsAuthenticated')]), target: 'captureRefused', actions: { type: 'refuse', params: { refusal: 'cps-not-ready' } } },
              { guard: { type: 'activityIs', params: { activity: 'capturing' } }, target: 'preparingCapture' },
              { guard: 'maySignLots', target: 'preparingLots' },
              { target: 'serving' },
            ],
          },
        },
        captureRefused: {},
        preparingCapture: {
          entry: { type: 'markCapturing', params: { capturing: true } },
          invoke: {
            id: 'prepare',
            src: 'prepareCapture',
            input: ({ context }) => ({ cps: context.cpsSession!.getSnapshot().context.session, situation: situationOf(context)! }),
            onDone: { target: 'capturing', actions: 'startCapture' },
            onError: { target: 'captureRefused', actions: [{ type: 'markCapturing', params: { capturing: false } }, { type: 'refuse', params: { refusal: 'capture-unavailable' } }] },
          },
        },
        capturing: {
          invoke: { id: 'work', src: 'watchWork', input: ({ context }) => ({ capture: context.capture, cpsSession: context.cpsSession }) },
          exit: ['stopCapture', { type: 'endSlotOperation', params: { slot: 'cps' } }, { type: 'endSlotOperation', params: { slot: 'vitale' } }],
          on: {
            'xstate.done.actor.capture': { target: 'captureEnded', actions: 'keepVisitOutcome' },
            'xstate.error.actor.capture': { target: 'captureEnded', actions: 'keepVisitOutcome' },
            'work.vitale-ready': { actions: 'tellCaptureVitale' },
            'work.card-removed': { actions: 'tellCaptureRemoved' },
          },
        },
        captureEnded: {},
        preparingLots: {
          entry: { type: 'enterTransfer', params: { phase: 'lots' } },
          invoke: {
            id: 'prepareLots',
            src: 'prepareLots',
            input: ({ context }) => ({ channel: context.cpsSession!.getSnapshot().context.session, situation: situationOf(context)! }),
            onDone: { target: 'buildingLots', actions: 'startLots' },
            onError: 'serving',
          },
        },
        buildingLots: {
          invoke: { id: 'work', src: 'watchWork', input: ({ context }) => ({ lots: context.lots, cpsSession: context.cpsSession }) },
          exit: ['stopLots', { type: 'endSlotOperation', params: { slot: 'cps' } }],
          on: {
            'xstate.done.actor.lots': { target: 'serving', actions: 'keepLotsOutcome' },
            'xstate.error.actor.lots': { target: 'serving', actions: 'keepLotsOutcome' },
            'cps.authenticated': { actions: 'tellLotsAuthenticated' },
            'work.card-removed': { guard: { type: 'removedCardIs', params: { card: 'cps' } }, actions: 'tellLotsRemoved' },
          },
        },
        serving: {
          entry: { type: 'enterTransfer', params: { phase: 'serving' } },
          invoke: [
            { id: 'count', src: 'countStore', onDone: { actions: 'keepCount' } },
            { id: 'host', src: 'hostServing' },
          ],
          on: { 'host.served': { actions: 'keepCount' } },
        },
      },
    },
  },
});
