// The firmware's test world: the emulator's real cards in two in-process
// readers, a real store in a temporary folder, a SimulatedClock, the
// tariffs, and optionally a host on the other end of an in-memory link.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { createInProcessTransport, createMemoryLinkPair, openLink, openTerminalStore, type BootResult, type InProcessTransport, type Link } from '../../drivers/index.js';
import { fromCard, loadDoctors, loadPersona, openCps, openVitale, type Doctor } from '../../emulator/index.js';
import { parseTariffBook, type TariffBook } from '../billing/index.js';
import { digitKey, type DisplayLines, type KeyEvent } from '../ui/index.js';
import { createFirmware, type Firmware, type FirmwareOptions, type FirmwareState } from './index.js';

const tariffsJson: unknown = JSON.parse(readFileSync(fileURLToPath(new URL('../../test-vectors/tariffs/tariffs.json', import.meta.url)), 'utf8'));
const parsed = parseTariffBook(tariffsJson);
if (!parsed.ok) throw new Error('tariffs.json does not parse');
/** The tariff book of test-vectors/tariffs. */
export const TARIFFS: TariffBook = parsed.value;
/** Monday 2 March 2026, 09:00 UTC. */
export const MARCH_2026 = Date.UTC(2026, 2, 2, 9, 0);
/** The device of the tests. */
export const DEVICE = { model: 'bifente TLA', serial: 'BF000042', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' };
/** The practice's local fund of the tests (degraded FSEs). */
export const LOCAL_FUND = { regime: '01', caisse: '751', centre: '1001' };
/** The test CA, PEM. */
export const CA_PEM = readFileSync(new URL('../../test-vectors/pki/ca/ca.cert.pem', import.meta.url), 'utf8');

/** A running firmware in its world. */
export interface Rig {
  readonly firmware: Firmware;
  readonly transport: InProcessTransport;
  readonly clock: SimulatedClock;
  readonly cardDir: string;
  readonly dir: string;
  /** Every screen shown, in order. */
  readonly screens: DisplayLines[];
  /** The host's end of the link (with `host: true`). */
  readonly host: Link | undefined;
  until(what: string, predicate: (state: FirmwareState, display: DisplayLines) => boolean): Promise<void>;
  insertCps(doctorId: string): Promise<void>;
  insertVitale(patientId: string): Promise<void>;
  press(...keys: readonly (KeyEvent['type'] | number)[]): void;
  close(): Promise<void>;
}

/** Options of {@link rig}. */
export interface RigOptions extends Partial<Pick<FirmwareOptions, 'battery' | 'sessionLifetimeMs' | 'localFund'>> {
  readonly boot?: (dir: string, clock: SimulatedClock) => Promise<BootResult>;
  readonly at?: number;
  readonly capacity?: number;
  readonly host?: boolean;
  /** Leave the local fund out: captures are refused. */
  readonly noLocalFund?: boolean;
  readonly before?: (transport: InProcessTransport, cardDir: string) => Promise<void>;
}

/** Doctors' registration of substitutes, from the personas. */
async function replacedDoctors(): Promise<NonNullable<FirmwareOptions['replacedDoctors']>> {
  const doctors = await loadDoctors();
  return ({ doctorId, situation }) => {
    const doctor = doctors.find((d) => d.id === doctorId);
    const billingNumber = doctor?.situations[situation]?.billingNumber;
    return doctor === undefined || billingNumber === undefined ? undefined : { id: doctor.rpps, billingNumber };
  };
}

/** Boot a firmware in a fresh world. */
export async function rig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-firmware-'));
  const cardDir = join(dir, 'cards');
  const clock = new SimulatedClock();
  clock.set(options.at ?? MARCH_2026);
  const booted = await (options.boot ?? ((d, c) => openTerminalStore(join(d, 'terminal.db'), { capacity: options.capacity ?? 50, clock: c })))(dir, clock);
  const transport = createInProcessTransport();
  transport.addReader('CPS');
  transport.addReader('Vitale');
  await options.before?.(transport, cardDir);
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const firmware = createFirmware({
    transport,
    readers: { cps: 'CPS', vitale: 'Vitale' },
    store: booted,
    clock,
    tariffs: TARIFFS,
    device: DEVICE,
    ...(options.noLocalFund === true ? {} : { localFund: options.localFund ?? LOCAL_FUND }),
    replacedDoctors: await replacedDoctors(),
    ...(options.host === true ? { hostLink: terminalPort } : {}),
    ...(options.battery === undefined ? {} : { battery: options.battery }),
    ...(options.sessionLifetimeMs === undefined ? {} : { sessionLifetimeMs: options.sessionLifetimeMs }),
  });
  const host = options.host === true ? openLink(hostPort, { requestTimeoutMs: 5000 }) : undefined;
  const screens: DisplayLines[] = [firmware.display()];
  firmware.onDisplay((lines) => screens.push(lines));
  const until: Rig['until'] = async (what, predicate) => {
    const signal = AbortSignal.timeout(4000);
    await firmware.waitFor(what, predicate, { signal });
  };
  return {
    firmware,
    transport,
    clock,
    cardDir,
    dir,
    screens,
    host,
    until,
    async insertCps(doctorId) {
      await transport.insert('CPS', fromCard(await openCps(doctorId, { stateDir: cardDir })));
      await until('CPS slot inserted', (s) => s.slots.cps !== 'empty');
      clock.increment(50); // cardSettle
    },
    async insertVitale(patientId) {
      await transport.insert('Vitale', fromCard(await openVitale(patientId, { stateDir: cardDir })));
      await until('Vitale slot inserted', (s) => s.slots.vitale !== 'empty');
      clock.increment(50);
      await until('Vitale ready', (s) => s.slots.vitale.startsWith('ready'));
    },
    press(...keys) {
      for (const key of keys) firmware.send(typeof key === 'number' ? digitKey(key) : ({ type: key } as KeyEvent));
    },
    async close() {
      await host?.close();
      await firmware.stop();
      await firmware.store?.close();
    },
  };
}

/** The display as one line: trimmed lines joined by `|`. */
export const text = (lines: DisplayLines): string => lines.map((l) => l.trim()).join('|');
/** A predicate: the display shows `fragment`. */
export const shows = (fragment: string) => (_: FirmwareState, lines: DisplayLines) => text(lines).includes(fragment);
/** A doctor persona's PIN. */
export const pinOf = async (doctorId: string): Promise<string> => ((await loadPersona(doctorId)) as Doctor).pin;

/** Type a PIN and validate. */
export function typePin(firmware: Firmware, pin: string): void {
  for (const digit of pin) firmware.send(digitKey(Number(digit)));
  firmware.send({ type: 'key.validate' });
}

/** Insert the doctor's CPS, type the PIN, choose the situation at `situation` (0-based) when asked; wait for the CPS to be ready. */
export async function authenticate(r: Rig, doctorId: string, situation = 0): Promise<void> {
  await r.until('idle', (s) => s.device === 'on.idle');
  await r.insertCps(doctorId);
  await r.until('PIN asked', shows('Code porteur'));
  typePin(r.firmware, await pinOf(doctorId));
  await r.until('PIN done', (s) => s.cpsSession === 'authenticated' || s.cpsSession === 'choosingSituation');
  if (r.firmware.state().cpsSession === 'choosingSituation') {
    for (let i = 0; i < situation; i++) r.press('key.down');
    r.press('key.validate');
  }
  await r.until('authenticated', (s) => s.cpsSession === 'authenticated');
}

/** From the idle screen or the menu: open "Nouvelle visite". */
export async function newVisit(r: Rig): Promise<void> {
  if (r.firmware.state().device === 'on.idle') r.press('key.validate');
  await r.until('menu', (s) => s.device === 'on.menu');
  r.press('key.up', 'key.up', 'key.up', 'key.validate');
}

/** From the idle screen or the menu: open "Transfert poste". */
export async function transfer(r: Rig): Promise<void> {
  if (r.firmware.state().device === 'on.idle') r.press('key.validate');
  await r.until('menu', (s) => s.device === 'on.menu');
  r.press('key.up', 'key.up', 'key.up', 'key.down', 'key.validate');
}

/** The selected line of a menu on the display (the one marked `>`), without its mark. */
export function selectedLine(lines: DisplayLines): string | undefined {
  return lines.find((l) => l.startsWith('>'))?.slice(1).trim();
}

/** Move the menu cursor down to the first line matching `match` (from the top), bounded. */
export function moveTo(r: Rig, match: (line: string) => boolean): void {
  for (let i = 0; i < 20; i++) r.press('key.up');
  for (let i = 0; i < 20; i++) {
    const line = selectedLine(r.firmware.display());
    if (line !== undefined && match(line)) return;
    r.press('key.down');
  }
  throw new Error(`no menu line matches; showing ${JSON.stringify(r.firmware.display())}`);
}

/** In the act menu: tick `codes`, key the one-way km, set the urgent PDSA flag, then "Suite". */
export function chooseActs(r: Rig, codes: readonly string[], options: { km?: number; pdsa?: boolean } = {}): void {
  for (const code of codes) {
    moveTo(r, (l) => l.startsWith(`[ ] ${code} `));
    r.press('key.validate');
  }
  if (options.km !== undefined) {
    moveTo(r, (l) => l.startsWith('IK'));
    r.press('key.validate', ...[...String(options.km)].map(Number), 'key.validate');
  }
  if (options.pdsa === true) {
    moveTo(r, (l) => l.startsWith('Urgence'));
    r.press('key.validate');
  }
  moveTo(r, (l) => l === 'Suite');
  r.press('key.validate');
}

/** Type digits then validate (degraded-mode fields). */
export function keyIn(r: Rig, digits: string): void {
  r.press(...[...digits].map(Number), 'key.validate');
}

/** A visit from the menu with the Vitale already in its slot: beneficiary `beneficiary`, acts, review, confirm; resolves with the outcome. */
export async function visitWithVitale(r: Rig, beneficiary: number, codes: readonly string[], options: { km?: number } = {}): Promise<FirmwareState['lastVisit']> {
  await newVisit(r);
  await r.until('beneficiary choice', (s) => s.capture === 'choosingBeneficiary');
  for (let i = 0; i < beneficiary; i++) r.press('key.down');
  r.press('key.validate');
  await r.until('acts', (s) => s.capture === 'choosingActs');
  chooseActs(r, codes, options);
  await r.until('review', (s) => s.capture === 'reviewing');
  r.press('key.validate');
  await r.until('visit ended', (s) => s.lastVisit !== undefined);
  return r.firmware.state().lastVisit;
}

/** Dismiss a visit's outcome screen: back to the menu. */
export async function dismiss(r: Rig): Promise<void> {
  r.press('key.validate');
  await r.until('menu after the visit', (s) => s.device === 'on.menu' && s.firmware === 'running.standby');
}
