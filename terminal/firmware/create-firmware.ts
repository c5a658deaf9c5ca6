/**
 * `createFirmware`: the portable terminal as one running object, for the
 * interactive console, the home-visit day and the tests. It opens the two
 * readers through the drivers' session layer, provides the device's boot
 * checks (self-test: a tariff table in force today; storage: the store's
 * boot result; clock: a plausible time) and runs {@link firmwareMachine}
 * on the injected clock.
 * @module
 */
import { createActor, fromPromise, type SnapshotFrom, type StateValue } from 'xstate';
import { createReaderManager, openLink, openQuarantineArchive, type BootQuarantined, type BootResult, type LinkPort, type ReaderTransport, type TerminalStore } from '../../drivers/index.js';
import { tariffAt, type TariffBook } from '../billing/index.js';
import type { VisitOutput } from '../capture/index.js';
import { loadTariffs, openMemoryClock, openTerminalClock, type SettableClock, type TariffsInForce } from '../host/index.js';
import type { LotsOutput } from '../lots/index.js';
import { deviceMachine, type Battery, type BatteryOperation } from '../machines/index.js';
import type { Fund, ReplacedDoctors } from '../securing/index.js';
import type { DisplayLines, KeyEvent } from '../ui/index.js';
import { firmwareDisplay } from './firmware-view.js';
import { countStoreService, hostService, prepareCaptureService, prepareLotsService, type FirmwareWorld, type HostService, type QuarantineService } from './firmware-services.js';
import { adoptReleasedQuarantines } from './quarantine-adoption.js';
import { firmwareMachine, type CaptureRefusal, type StorageStatus, type StoreCount, type TransferPhase } from './firmware.machine.js';
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

/** What {@link createFirmware} needs. */
export interface FirmwareOptions {
  /** A transport with two readers: `readers.cps` (slot 0) and `readers.vitale` (slot 1). The firmware owns it: `stop()` closes it. */
  readonly transport: ReaderTransport;
  readonly readers: Readonly<Record<SlotName, string>>;
  /**
   * The opened store, or `openTerminalStore`'s boot result. A quarantine
   * refuses captures and serves the host the quarantined files on
   * `hostLink`; once the host released the last one, the firmware opens a
   * fresh store (`BootQuarantined.reopen`). The caller closes the store
   * {@link Firmware.store} holds at the end.
   */
  readonly store: TerminalStore | BootResult;
  readonly clock: FirmwareClock;
  /** The tariff book built into the firmware (the host may send a newer one: `loadTariffs`). */
  readonly tariffs: TariffBook;
  /** Version of the built-in book (default 1): the host's update must not be older. */
  readonly tariffsVersion?: number;
  readonly device: DeviceIdentity;
  /**
   * The practice's local fund, for FSEs in degraded mode (securing's
   * `DeviceInfo.localFund`, OURS). Without it "Nouvelle visite" is refused
   * ("Fonction absente").
   */
  readonly localFund?: Fund;
  /** The substitutes' registration: the replaced doctor's RPPS and billing number (DOMAIN.md "Substitute doctors"). */
  readonly replacedDoctors?: ReplacedDoctors;
  /**
   * The link to the PC (drivers `LinkPort`: serial, HID, in-memory). The
   * firmware opens it at once on its clock and answers the host's requests
   * (host/ `serveHostLink`) while "Transfert poste" shows "Transmission en
   * cours"; before, every request but identify is answered `busy`. `stop()`
   * closes it.
   */
  readonly hostLink?: LinkPort;
  /** Charge at power-on; full when absent. */
  readonly battery?: Battery;
  /** How long the CPS stays authenticated, ms (default 4 h). */
  readonly sessionLifetimeMs?: number;
  /**
   * Idle time before the terminal sleeps, ms (default 60,000). Sleep ends the CPS
   * session, so a doctor who wants to type the PIN once a day sets it longer than
   * the drive between two visits.
   */
  readonly sleepAfterMs?: number;
  /** Time limit of each card exchange, ms (default 5,000). */
  readonly exchangeTimeoutMs?: number;
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
  /**
   * `running.standby`, `running.captureRefused`, `running.preparingCapture`,
   * `running.capturing`, `running.captureEnded` (the outcome shows until a
   * key), `running.preparingLots`, `running.buildingLots`, `running.serving`.
   */
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
  /** The running capture's state (`waitingVitale`, `choosingActs`, `reviewing`, `securing`...). */
  readonly capture: string | undefined;
  /** The last visit's outcome, while its screen shows. */
  readonly lastVisit: VisitOutput | undefined;
  /** The running lot run's state (`signing`, `needsPin`...). */
  readonly lots: string | undefined;
  /** The last lot run's outcome, while the transfer screen shows. */
  readonly lastLots: LotsOutput | undefined;
  readonly transfer: TransferPhase | undefined;
  /** FSEs and lots held, as last counted (idle screen, after each host request). */
  readonly held: StoreCount | undefined;
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
  /**
   * Resolves once `predicate` holds, checked now and after each change of
   * any machine's state (never a timer): what a scripted doctor awaits
   * between keys. Rejects when `signal` aborts, or with `what` in the
   * message when the firmware stops first.
   * @example await firmware.waitFor('PIN asked', (s) => s.cpsSession === 'authenticating');
   */
  waitFor(what: string, predicate: (state: FirmwareState, display: DisplayLines) => boolean, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** The store now: absent in quarantine, the fresh one once the host released the quarantine. */
  readonly store: TerminalStore | undefined;
  /** The terminal clock: the injected clock plus the host's offset (host/ `openTerminalClock`), once booted. */
  clock(): SettableClock;
  /** The tariffs in force: built in, or the host's newer ones. */
  tariffs(): TariffsInForce;
  /** Stops every machine, ends the card sessions and closes the transport. Idempotent. */
  stop(): Promise<void>;
}

/** OURS: a clock before this (1 Jan 2025 UTC) means the real-time clock lost its time. */
export const EARLIEST_PLAUSIBLE_TIME = Date.UTC(2025, 0, 1);

/** `YYYY-MM-DD` of a time, UTC. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function storageOf(store: TerminalStore | BootResult): { status: StorageStatus; store: TerminalStore | undefined; quarantined?: BootQuarantined } {
  if (!('boot' in store)) return { status: { state: 'ok' }, store };
  if (store.boot === 'ok') return { status: { state: 'ok' }, store: store.store };
  return { status: { state: 'quarantined', reason: store.quarantined.reason, movedTo: store.quarantined.movedTo }, store: undefined, quarantined: store };
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
 * read, the CPS session starts once the CPS is ready; "Nouvelle visite"
 * runs the visit capture, "Transfert poste" builds and signs the lots then
 * serves the host on `hostLink`.
 * @throws TypeError when the two reader names are equal or empty.
 */
export function createFirmware(options: FirmwareOptions): Firmware {
  const { readers, clock, tariffs } = options;
  if (readers.cps === '' || readers.vitale === '' || readers.cps === readers.vitale) throw new TypeError('the CPS and Vitale readers need two distinct names');
  const manager = createReaderManager(options.transport, { timeoutMs: options.exchangeTimeoutMs ?? 5000 });
  const storage = storageOf(options.store);
  let store = storage.store;
  const builtIn: TariffsInForce = { version: options.tariffsVersion ?? 1, book: tariffs };
  const base = { now: () => clock.now() };
  // Until a store opens: the injected clock, the host's offset in memory only, local time = UTC until set.
  let terminalClock: SettableClock = openMemoryClock(base);
  let tariffsInForce = builtIn;
  const world: FirmwareWorld = {
    get store() {
      return store;
    },
    clock: () => terminalClock,
    // The host's updates replace the book in force (read when the next visit is prepared).
    tariffs: () => host?.server?.tariffs ?? tariffsInForce,
    agreementNumber: options.device.agreementNumber,
    localFund: options.localFund,
    replacedDoctors: options.replacedDoctors,
  };
  /** Take `opened` as the store: its clock (keeping a time the host set in memory), tariffs, the released quarantines it adopts. */
  const useStore = async (opened: TerminalStore): Promise<void> => {
    const durable = await openTerminalClock(base, opened);
    const now = terminalClock.now();
    if (store === undefined && (now !== base.now() || terminalClock.utcOffsetMinutes(now) !== 0)) await durable.set(now, terminalClock.utcOffsetMinutes(now));
    await adoptReleasedQuarantines(opened, openQuarantineArchive(opened.path));
    tariffsInForce = await loadTariffs(opened, builtIn);
    terminalClock = durable;
    store = opened;
  };
  const quarantined = storage.quarantined;
  const quarantine: QuarantineService | undefined =
    quarantined === undefined
      ? undefined
      : {
          archive: openQuarantineArchive(quarantined.path),
          async onReleased({ pending }) {
            if (pending > 0 || store !== undefined) return;
            const again = await quarantined.reopen();
            if (again.boot !== 'ok') throw new Error(`the store is still in quarantine (${again.quarantined.id})`);
            await useStore(again.store);
            actor.send({ type: 'storage.restored' });
            host?.start();
          },
        };
  const link = options.hostLink === undefined ? undefined : openLink(options.hostLink, { clock });
  const device = { model: options.device.model, serial: options.device.serial, firmware: options.device.firmware, agreementNumber: options.device.agreementNumber };
  const host: HostService | undefined = link === undefined ? undefined : hostService(link, world, device, quarantine);
  const checks = {
    selfTest: fromPromise<void, void>(async () => {
      if (tariffAt(tariffs, isoDay(clock.now())) === undefined) throw new Error(`no tariff table in force on ${isoDay(clock.now())}`);
    }),
    storageCheck: fromPromise<void, void>(async () => {
      // A quarantine is not a boot failure: the terminal runs, refuses captures and serves the host the quarantined files.
      if (store !== undefined) {
        await store.usage();
        await useStore(store);
      }
      host?.start();
    }),
    clockCheck: fromPromise<void, void>(async () => {
      const now = terminalClock.now();
      if (!Number.isFinite(now) || now < EARLIEST_PLAUSIBLE_TIME) throw new Error(`the clock reads ${Number.isFinite(now) ? isoDay(now) : String(now)}: not set`);
    }),
  };
  const machine = firmwareMachine.provide({
    actors: {
      device: deviceMachine.provide({ actors: checks, ...(options.sleepAfterMs === undefined ? {} : { delays: { idleTimeout: options.sleepAfterMs } }) }),
      prepareCapture: prepareCaptureService(world),
      prepareLots: prepareLotsService(world),
      countStore: countStoreService(world),
      ...(host === undefined ? {} : { hostServing: host.serving }),
    },
  });
  const listeners = new Set<(lines: DisplayLines) => void>();
  const waiters = new Set<() => void>();
  let shown: string | undefined;
  let started = false;
  let stopped = false;
  const refresh = (): void => {
    if (!started) return;
    for (const check of [...waiters]) check();
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
  const firmware: Firmware = {
    get store() {
      return store;
    },
    send: (event) => actor.send(event),
    display: () => firmwareDisplay(actor.getSnapshot().context),
    onDisplay(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    state: () => summarise(actor.getSnapshot()),
    waitFor(what, predicate, waitOptions = {}) {
      return new Promise<void>((resolve, reject) => {
        const { signal } = waitOptions;
        const done = (error?: Error): void => {
          waiters.delete(check);
          signal?.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = (): void => {
          if (stopped) done(new Error(`${what}: the firmware stopped`));
          else if (predicate(firmware.state(), firmware.display())) done();
        };
        const onAbort = (): void => done(new Error(`${what}: gave up in ${JSON.stringify(firmware.state())} showing ${JSON.stringify(firmware.display())}`, { cause: signal?.reason }));
        if (signal?.aborted === true) return onAbort();
        signal?.addEventListener('abort', onAbort);
        waiters.add(check);
        check();
      });
    },
    clock: () => terminalClock,
    tariffs: () => world.tariffs(),
    stop() {
      stopping ??= (async () => {
        actor.stop();
        stopped = true;
        for (const check of [...waiters]) check();
        listeners.clear();
        await link?.close();
        await manager.close();
      })();
      return stopping;
    },
  };
  return firmware;
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
    capture: context.capture === undefined ? undefined : stateName(context.capture.getSnapshot().value),
    lastVisit: context.lastVisit,
    lots: context.lots === undefined ? undefined : stateName(context.lots.getSnapshot().value),
    lastLots: context.lastLots,
    transfer: context.transfer,
    held: context.held,
  };
}
