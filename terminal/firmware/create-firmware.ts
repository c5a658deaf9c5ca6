/**
 * `createFirmware`: the portable terminal as one running object, for the
 * interactive console, the home-visit day and the tests. It opens the two
 * readers through the drivers' session layer, provides the device's boot
 * checks (self-test: a tariff table in force today; storage: the store's
 * boot result; clock: a plausible time) and runs {@link firmwareMachine}
 * on the injected clock.
 * @module
 */
import { createActor, fromPromise, type AnyActorLogic, type SnapshotFrom, type StateValue } from 'xstate';
import { createReaderManager, type BootResult, type ReaderTransport, type TerminalStore } from '../../drivers/index.js';
import { tariffAt, type TariffBook } from '../billing/index.js';
import { deviceMachine, type Battery, type BatteryOperation } from '../machines/index.js';
import type { DisplayLines, KeyEvent } from '../ui/index.js';
import { firmwareDisplay } from './firmware-view.js';
import { firmwareMachine, type CaptureRefusal, type StorageStatus } from './firmware.machine.js';
import type { SlotName } from './watch-children.js';

/** The device's identity (shown by "Informations", carried by lots: DOMAIN.md "B2 marks portable capture"). */
export interface DeviceIdentity {
  readonly model: string;
  readonly serial: string;
  /** Firmware version. */
  readonly firmware: string;
  /** The portable device's agreement number (B2 lot trailer). */
  readonly agreementNumber: string;
}

/** The firmware's time: XState's clock (timers) with the current time, ms since 1970 (`SimulatedClock` is one). */
export interface FirmwareClock {
  // The shape of XState's `Clock`, which xstate does not export.
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

/** The hooks the capture and host-link modules provide (see {@link firmwareMachine}). */
export interface FirmwareHooks {
  readonly visitCapture?: AnyActorLogic;
  readonly hostTransfer?: AnyActorLogic;
}

/** What {@link createFirmware} needs. */
export interface FirmwareOptions {
  /** A transport with two readers: `readers.cps` (slot 0) and `readers.vitale` (slot 1). The firmware owns it: `stop()` closes it. */
  readonly transport: ReaderTransport;
  readonly readers: Readonly<Record<SlotName, string>>;
  /** The opened store, or `openTerminalStore`'s boot result (a quarantine refuses captures). The caller closes it. */
  readonly store: TerminalStore | BootResult;
  readonly clock: FirmwareClock;
  readonly tariffs: TariffBook;
  readonly device: DeviceIdentity;
  /** Charge at power-on; full when absent. */
  readonly battery?: Battery;
  /** How long the CPS stays authenticated, ms (default 4 h). */
  readonly sessionLifetimeMs?: number;
  /** Time limit of each card exchange, ms (default 5,000). */
  readonly exchangeTimeoutMs?: number;
  readonly hooks?: FirmwareHooks;
}

/** What the firmware's events from outside are: keys and power. */
export type FirmwareInputEvent =
  | KeyEvent
  | { readonly type: 'power.off' }
  | { readonly type: 'charger.connected' }
  | { readonly type: 'charger.disconnected' }
  | { readonly type: 'operation.done'; readonly operation: BatteryOperation };

/** A summary of the running firmware, for tests and status lines: dotted state names. */
export interface FirmwareState {
  /** `running.standby`, `running.capturing`, `running.captureRefused`, `running.transferring`. */
  readonly firmware: string;
  /** The device machine's state, e.g. `on.idle`, `booting.clockCheck`, `bootFailed`. */
  readonly device: string;
  readonly slots: Readonly<Record<SlotName, string>>;
  /** The CPS session's state, or undefined before a CPS was ready. */
  readonly cpsSession: string | undefined;
  readonly cpsEnd: string | undefined;
  /** Billing number of the chosen situation. */
  readonly situation: string | undefined;
  readonly storage: StorageStatus['state'];
  readonly refusal: CaptureRefusal | undefined;
  /** Battery charge, per mille. */
  readonly battery: number;
  readonly bootFailure: string | undefined;
}

/** The running firmware. */
export interface Firmware {
  /** Send a key or a power event. */
  send(event: FirmwareInputEvent): void;
  /** The display now: four lines of 20 characters. */
  display(): DisplayLines;
  /** Called with the new lines each time the display changes; returns the function that stops listening. */
  onDisplay(listener: (lines: DisplayLines) => void): () => void;
  state(): FirmwareState;
  /** The store, when it booted (absent in quarantine). */
  readonly store: TerminalStore | undefined;
  /** Stops every machine, ends the card sessions and closes the transport. Idempotent. */
  stop(): Promise<void>;
}

/** OURS: a clock before this (1 Jan 2025 UTC) means the real-time clock lost its time. */
export const EARLIEST_PLAUSIBLE_TIME = Date.UTC(2025, 0, 1);

/** `YYYY-MM-DD` of a time, UTC. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function storageOf(store: TerminalStore | BootResult): { status: StorageStatus; store: TerminalStore | undefined } {
  if (!('boot' in store)) return { status: { state: 'ok' }, store };
  if (store.boot === 'ok') return { status: { state: 'ok' }, store: store.store };
  return { status: { state: 'quarantined', reason: store.quarantined.reason, movedTo: store.quarantined.movedTo }, store: undefined };
}

function stateName(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, inner]) => (inner === undefined ? key : `${key}.${stateName(inner)}`))
    .join(',');
}

/**
 * Power on the terminal: the device boots (self-test, storage check, clock
 * check), the slots watch their readers, a card already in a reader is
 * read, and the CPS session starts once the CPS is ready.
 * @throws TypeError when the two reader names are equal or empty.
 */
export function createFirmware(options: FirmwareOptions): Firmware {
  const { readers, clock, tariffs } = options;
  if (readers.cps === '' || readers.vitale === '' || readers.cps === readers.vitale) throw new TypeError('the CPS and Vitale readers need two distinct names');
  const manager = createReaderManager(options.transport, { timeoutMs: options.exchangeTimeoutMs ?? 5000 });
  const storage = storageOf(options.store);
  const checks = {
    selfTest: fromPromise<void, void>(async () => {
      if (tariffAt(tariffs, isoDay(clock.now())) === undefined) throw new Error(`no tariff table in force on ${isoDay(clock.now())}`);
    }),
    storageCheck: fromPromise<void, void>(async () => {
      // A quarantine is not a boot failure: the terminal runs, refuses captures and still transfers.
      if (storage.store !== undefined) await storage.store.usage();
    }),
    clockCheck: fromPromise<void, void>(async () => {
      const now = clock.now();
      if (!Number.isFinite(now) || now < EARLIEST_PLAUSIBLE_TIME) throw new Error(`the clock reads ${Number.isFinite(now) ? isoDay(now) : String(now)}: not set`);
    }),
  };
  const machine = firmwareMachine.provide({
    actors: {
      device: deviceMachine.provide({ actors: checks }),
      ...(options.hooks?.visitCapture === undefined ? {} : { visitCapture: options.hooks.visitCapture as never }),
      ...(options.hooks?.hostTransfer === undefined ? {} : { hostTransfer: options.hooks.hostTransfer as never }),
    },
  });
  const listeners = new Set<(lines: DisplayLines) => void>();
  let shown: string | undefined;
  let started = false;
  const refresh = (): void => {
    if (!started) return;
    const lines = firmwareDisplay(actor.getSnapshot().context);
    const key = lines.join('\n');
    if (key === shown) return;
    shown = key;
    for (const listener of [...listeners]) listener(lines);
  };
  const actor = createActor(machine, {
    clock,
    input: {
      readers: { cps: manager.reader(readers.cps), vitale: manager.reader(readers.vitale) },
      device: {
        firmware: { version: options.device.firmware, build: `${options.device.model} ${options.device.serial}`, agreement: options.device.agreementNumber },
        ...(options.battery === undefined ? {} : { battery: options.battery }),
      },
      storage: storage.status,
      ...(options.sessionLifetimeMs === undefined ? {} : { sessionLifetimeMs: options.sessionLifetimeMs }),
    },
    inspect: (event) => {
      if (event.type === '@xstate.snapshot') refresh();
    },
  });
  actor.start();
  started = true;
  refresh();
  let stopping: Promise<void> | undefined;
  return {
    store: storage.store,
    send: (event) => actor.send(event),
    display: () => firmwareDisplay(actor.getSnapshot().context),
    onDisplay(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    state: () => summarise(actor.getSnapshot()),
    stop() {
      stopping ??= (async () => {
        actor.stop();
        listeners.clear();
        await manager.close();
      })();
      return stopping;
    },
  };
}

function summarise(snapshot: SnapshotFrom<typeof firmwareMachine>): FirmwareState {
  const { context } = snapshot;
  const device = context.device.getSnapshot();
  const session = context.cpsSession?.getSnapshot();
  return {
    firmware: stateName(snapshot.value),
    device: stateName(device.value),
    slots: { cps: stateName(context.slots.cps.getSnapshot().value), vitale: stateName(context.slots.vitale.getSnapshot().value) },
    cpsSession: session === undefined ? undefined : stateName(session.value),
    cpsEnd: session?.context.end,
    situation: session?.context.situation?.billingNumber,
    storage: context.storage.state,
    refusal: context.refusal,
    battery: device.context.battery.charge,
    bootFailure: device.context.bootFailure === undefined ? undefined : `${device.context.bootFailure.step}: ${device.context.bootFailure.message}`,
  };
}
