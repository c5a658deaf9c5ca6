/**
 * The terminal of the home-visit day: the firmware (`createFirmware`) over
 * two in-process readers holding the emulator's persona cards, a store on
 * disk, a `SimulatedClock` and the terminal's end of the link to the PC,
 * with the robot's {@link TerminalFace} on it. The firmware captures the
 * visits, builds and signs the lots and serves the host by itself; the face
 * only presses keys, reads the display and lets simulated time pass.
 * @module
 */
import type { SimulatedClock } from 'xstate';
import { createInProcessTransport, type InProcessTransport, type LinkPort, type TerminalStore } from '../../drivers/index.js';
import { fromCard, openCps, openVitale } from '../../emulator/index.js';
import { createFirmware, type DeviceIdentity, type Firmware, type Fund, type TariffBook } from '../../terminal/index.js';
import type { TerminalFace } from './robot.js';

/** Reader names of the day's terminal. */
export const DAY_READERS = { cps: 'bifente CPS 00', vitale: 'bifente Vitale 01' } as const;

/** What the day's terminal is built from. */
export interface DayTerminalOptions {
  readonly clock: SimulatedClock;
  readonly store: TerminalStore;
  readonly tariffs: TariffBook;
  readonly identity: DeviceIdentity;
  /** The practice's local fund, for degraded FSEs. */
  readonly localFund: Fund;
  /** Where the cards keep their state (PIN counters...). */
  readonly cardDir: string;
  readonly seed: number;
  /** The terminal's end of the link to the PC. */
  readonly hostLink: LinkPort;
}

/** The terminal on the doctor's desk and in the car. */
export interface DayTerminal {
  readonly face: TerminalFace;
  readonly firmware: Firmware;
  insertCps(doctorId: string): Promise<void>;
  insertVitale(patientId: string): Promise<void>;
  removeVitale(): Promise<void>;
  stop(): Promise<void>;
}

/** Most promise turns a settle takes; card and store work in process needs far fewer. */
const MAX_TURNS = 5000;
/** Turns without a change that mean the terminal is idle. */
const QUIET_TURNS = 20;

/** Build the terminal and power it on. */
export function openDayTerminal(options: DayTerminalOptions): DayTerminal {
  const { clock } = options;
  const transport: InProcessTransport = createInProcessTransport();
  transport.addReader(DAY_READERS.cps);
  transport.addReader(DAY_READERS.vitale);
  const firmware = createFirmware({
    transport,
    readers: DAY_READERS,
    store: options.store,
    clock,
    tariffs: options.tariffs,
    device: options.identity,
    localFund: options.localFund,
    hostLink: options.hostLink,
    // The day's terminal (OURS) sleeps after an hour idle, and the CPS stays authenticated
    // 20 hours (20 visits of at most 55 minutes, drive included): no gap between two
    // captures reaches the hour, so the doctor types the PIN once in the morning.
    sleepAfterMs: 60 * 60_000,
    sessionLifetimeMs: 20 * 3600_000,
  });
  const settle = async (): Promise<void> => {
    let last = '';
    let quiet = 0;
    for (let turn = 0; turn < MAX_TURNS && quiet < QUIET_TURNS; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const now = JSON.stringify([firmware.state(), firmware.display()]);
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
  };
  const face: TerminalFace = {
    display: () => firmware.display(),
    send: (key) => firmware.send(key),
    settle,
    async elapse(ms) {
      await settle();
      clock.increment(ms);
      await settle();
    },
  };
  return {
    face,
    firmware,
    async insertCps(doctorId) {
      await transport.insert(DAY_READERS.cps, fromCard(await openCps(doctorId, { stateDir: options.cardDir, seed: options.seed })));
    },
    async insertVitale(patientId) {
      await transport.insert(DAY_READERS.vitale, fromCard(await openVitale(patientId, { stateDir: options.cardDir, seed: options.seed })));
    },
    removeVitale: () => transport.remove(DAY_READERS.vitale),
    stop: () => firmware.stop(),
  };
}
