/**
 * The composed firmware (issue 6): one parent statechart that spawns the
 * device machine and the two slot machines, starts a CPS session (with its
 * PIN child) on the CPS slot's session when that slot is ready, and routes
 * what happens between them:
 *
 * - a card already in a reader at boot gets `card.inserted` (the slots'
 *   presence watchers only hear later changes);
 * - the CPS slot losing its card sends `card.removed` to the session;
 * - the device falling asleep sends `device.sleep` to the session;
 * - each key goes to exactly one machine ({@link keyTarget});
 * - the device's "Nouvelle visite" and "Transfert poste" run the
 *   `visitCapture` and `hostTransfer` actors, hooks that the capture and
 *   host-link modules provide with `.provide({ actors })`. A capture is
 *   refused (a screen, any key returns to the menu) when the store is in
 *   quarantine or the CPS is not authenticated.
 *
 * Children report to the parent through {@link watchChildren}; the
 * transitions only assign, spawn, stop and send (STYLE.md "Statecharts").
 *
 * OURS: the key routing and display priorities, refusing a capture without
 * an authenticated CPS, the default hooks.
 * @module
 */
import { and, assign, fromCallback, fromPromise, not, sendTo, setup, stopChild, type ActorRefFrom } from 'xstate';
import type { CardSession, Reader } from '../../drivers/index.js';
import { cpsSessionMachine, deviceMachine, slotMachine, type BatteryOperation, type DeviceInput } from '../machines/index.js';
import type { KeyEvent } from '../ui/index.js';
import { watchChildren, type ChildReport, type SlotName } from './watch-children.js';

/** How the store booted, as the firmware needs it (drivers' `openTerminalStore` result, summarised). */
export type StorageStatus =
  | { readonly state: 'ok' }
  /** The database was moved aside: no capture until the host took the data (drivers/store README "Boot and quarantine"). */
  | { readonly state: 'quarantined'; readonly reason: string; readonly movedTo: string };

/** Why "Nouvelle visite" was refused. */
export type CaptureRefusal = 'storage-quarantined' | 'cps-not-ready' | 'capture-unavailable';

/** What the capture hook is given (the capture module's machine takes it as input). */
export interface CaptureHookInput {
  /** The authenticated CPS session's card channel. */
  readonly cps: CardSession;
  /** The carte Vitale's session when one is ready; absent for degraded mode (B2 certification flag D). */
  readonly vitale: CardSession | undefined;
}

/** What the firmware machine is given. */
export interface FirmwareMachineInput {
  readonly readers: Readonly<Record<SlotName, Reader>>;
  readonly device: DeviceInput;
  readonly storage: StorageStatus;
  /** How long the CPS stays authenticated, ms (CPS session default: 4 h). */
  readonly sessionLifetimeMs?: number;
}

/** The firmware's context: its children, the storage status, the refusal shown. */
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
  /** True while the capture hook runs. */
  readonly capturing: boolean;
  /** Why a reader could not be asked whether a card was in at boot. */
  readonly presenceFailure: string | undefined;
}

/** What the firmware hears: keys, its children's reports, and the device's power events. */
export type FirmwareEvent =
  | KeyEvent
  | ChildReport
  | { readonly type: 'power.off' }
  | { readonly type: 'charger.connected' }
  | { readonly type: 'charger.disconnected' }
  | { readonly type: 'operation.done'; readonly operation: BatteryOperation }
  /** The transfer hook reports the PC is done. */
  | { readonly type: 'transfer.done' };

/** Which machine a key goes to. */
export type KeyTarget = 'device' | 'cpsSession' | 'capture' | 'refusal';

const CPS_TAKES_KEYS = ['authenticating', 'choosingSituation'] as const;

/** True when the CPS session of `context` is in one of `states` (and running). */
export function cpsSessionIn(context: FirmwareContext, states: readonly string[]): boolean {
  const snapshot = context.cpsSession?.getSnapshot();
  return snapshot !== undefined && states.some((state) => snapshot.matches(state as never));
}

/**
 * Where a key goes (OURS): a switched-off, booting or sleeping device
 * takes every key (a key wakes it); then a refusal screen (any key
 * acknowledges it); then the CPS session while it asks the PIN or the
 * situation; then the capture while it runs; else the device, except
 * `key.validate` on the idle screen of a lapsed CPS session, which asks
 * the PIN again.
 */
export function keyTarget(context: FirmwareContext, key: KeyEvent): KeyTarget {
  const device = context.device.getSnapshot();
  if (!device.matches('on') || device.matches({ on: 'sleep' })) return 'device';
  if (context.refusal !== undefined) return 'refusal';
  if (cpsSessionIn(context, CPS_TAKES_KEYS)) return 'cpsSession';
  if (context.capturing) return 'capture';
  if (key.type === 'key.validate' && device.matches({ on: 'idle' }) && cpsSessionIn(context, ['locked'])) return 'cpsSession';
  return 'device';
}

const slotEvent = (event: FirmwareEvent): SlotName | undefined => (event.type === 'slot.ready' || event.type === 'slot.left' ? event.slot : undefined);

/** Ask a reader whether a card is in it now (the drivers' `Reader.cardPresent`). */
export const cardPresent = fromPromise<boolean, { readonly reader: Reader }>(({ input }) => input.reader.cardPresent());

/**
 * The capture hook: the capture module provides its visit machine here
 * (`.provide({ actors: { visitCapture } })`). The default says that no
 * capture is built into this firmware, and the firmware shows it refused.
 */
export const visitCapture = fromPromise<void, CaptureHookInput>(async () => {
  throw new Error('no visit capture in this firmware (hook visitCapture not provided)');
});

/**
 * The transfer hook: the host-link module provides the transfer to the PC
 * here. The default waits for the PC, which nothing here connects;
 * `key.cancel` leaves.
 */
export const hostTransfer = fromCallback<{ readonly type: 'transfer.done' }>(() => undefined);

/** The composed firmware statechart; `createFirmware` provides the device's boot checks. */
export const firmwareMachine = setup({
  types: {
    context: {} as FirmwareContext,
    events: {} as FirmwareEvent,
    input: {} as FirmwareMachineInput,
  },
  actors: { device: deviceMachine, slot: slotMachine, cpsSession: cpsSessionMachine, watchChildren, cardPresent, visitCapture, hostTransfer },
  guards: {
    isTrue: ({ event }) => (event as unknown as { output?: unknown }).output === true,
    slotIs: ({ event }, params: { slot: SlotName }) => slotEvent(event) === params.slot,
    hasCpsSession: ({ context }) => context.cpsSession !== undefined,
    storageQuarantined: ({ context }) => context.storage.state === 'quarantined',
    cpsAuthenticated: ({ context }) => cpsSessionIn(context, ['authenticated']),
    activityIs: ({ event }, params: { activity: 'capturing' | 'transfer' }) => event.type === 'device.activity' && event.activity === params.activity,
    keyFor: ({ context, event }, params: { target: KeyTarget }) => event.type.startsWith('key.') && keyTarget(context, event as KeyEvent) === params.target,
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
    drainBattery: sendTo(({ context }) => context.device, (_, params: { operation: BatteryOperation }) => ({ type: 'operation.done' as const, operation: params.operation })),
    forwardToDevice: sendTo(({ context }) => context.device, ({ event }) => event as never),
    forwardToCpsSession: sendTo(({ context }) => context.cpsSession!, ({ event }) => event as KeyEvent),
    forwardToCapture: sendTo('capture', ({ event }) => event),
    refuse: assign((_, params: { refusal: CaptureRefusal }) => ({ refusal: params.refusal })),
    clearRefusal: assign({ refusal: undefined }),
    markCapturing: assign((_, params: { capturing: boolean }) => ({ capturing: params.capturing })),
    endCapture: sendTo(({ context }) => context.device, { type: 'capture.ended' }),
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
      { actions: ['keepVitale', { type: 'drainBattery', params: { operation: 'cardRead' } }] },
    ],
    'slot.left': [
      { guard: and([{ type: 'slotIs', params: { slot: 'cps' as const } }, 'hasCpsSession']), actions: 'tellCpsSession' },
      { guard: { type: 'slotIs', params: { slot: 'vitale' } }, actions: 'keepVitale' },
    ],
    'device.sleep': { guard: 'hasCpsSession', actions: 'tellCpsSession' },
    'power.off': { actions: 'forwardToDevice' },
    'charger.connected': { actions: 'forwardToDevice' },
    'charger.disconnected': { actions: 'forwardToDevice' },
    'operation.done': { actions: 'forwardToDevice' },
    'key.*': [
      { guard: { type: 'keyFor', params: { target: 'cpsSession' } }, actions: 'forwardToCpsSession' },
      { guard: { type: 'keyFor', params: { target: 'device' } }, actions: 'forwardToDevice' },
    ],
  },
  initial: 'running',
  states: {
    running: {
      initial: 'standby',
      states: {
        standby: {
          on: {
            'device.activity': [
              { guard: and([{ type: 'activityIs', params: { activity: 'capturing' as const } }, 'storageQuarantined']), target: 'captureRefused', actions: { type: 'refuse', params: { refusal: 'storage-quarantined' } } },
              { guard: and([{ type: 'activityIs', params: { activity: 'capturing' as const } }, not('cpsAuthenticated')]), target: 'captureRefused', actions: { type: 'refuse', params: { refusal: 'cps-not-ready' } } },
              { guard: { type: 'activityIs', params: { activity: 'capturing' } }, target: 'capturing' },
              { target: 'transferring' },
            ],
          },
        },
        capturing: {
          entry: { type: 'markCapturing', params: { capturing: true } },
          exit: { type: 'markCapturing', params: { capturing: false } },
          invoke: {
            id: 'capture',
            src: 'visitCapture',
            input: ({ context }) => ({ cps: context.cpsSession!.getSnapshot().context.session, vitale: context.vitale }),
            onDone: { target: 'standby', actions: 'endCapture' },
            onError: { target: 'captureRefused', actions: { type: 'refuse', params: { refusal: 'capture-unavailable' } } },
          },
          on: {
            'key.*': [
              { guard: { type: 'keyFor', params: { target: 'cpsSession' } }, actions: 'forwardToCpsSession' },
              { guard: { type: 'keyFor', params: { target: 'capture' } }, actions: 'forwardToCapture' },
              { actions: 'forwardToDevice' },
            ],
          },
        },
        captureRefused: {
          on: {
            'key.*': [
              { guard: { type: 'keyFor', params: { target: 'refusal' } }, target: 'standby', actions: ['clearRefusal', 'endCapture'] },
              { actions: 'forwardToDevice' },
            ],
          },
        },
        transferring: {
          invoke: { id: 'transfer', src: 'hostTransfer' },
          on: {
            'transfer.done': { target: 'standby', actions: 'endTransfer' },
            'key.cancel': { target: 'standby', actions: 'endTransfer' },
          },
        },
      },
    },
  },
});
