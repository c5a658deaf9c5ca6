/**
 * An emulated home-visit day (issue 6 "npm start: a home-visit day"): the
 * terminal boots, the doctor's CPS goes in (one wrong PIN, then the right
 * one, the situation chosen), the visits of the seeded plan are captured,
 * secured and stored, and back at the practice the lots are signed and the
 * host stand-in fetches, verifies and acknowledges everything, over an
 * in-memory link. The robot drives the firmware with keys on a
 * `SimulatedClock`; the store, the lots and `report.json` land in the
 * output folder.
 *
 * OURS: the day's timeline (start 08:30 Paris, the RTC running 5-90 s slow
 * until the host sets it, 20 minutes back to the practice), the device's
 * identity, the local fund of degraded FSEs, wiping the output folder's
 * store, cards and lots at the start so that one seed gives one day.
 * @module
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { createMemoryLinkPair, expectStore, openLink, openTerminalStore } from '../../drivers/index.js';
import { loadDoctors, loadPatients, mulberry32 } from '../../emulator/index.js';
import { localDateTime, openTerminalClock, parseTariffBook, type DeviceIdentity, type Fund } from '../../terminal/index.js';
import { syncWithTerminal } from './host-stand-in.js';
import { lotFileName, totalsOf, type DayReport, type VisitRecord } from './report.js';
import { DoctorRobot, UnexpectedScreen } from './robot.js';
import { planDay, type PlannedVisit } from './scenario.js';
import { openDayTerminal } from './terminal-rig.js';

const ROOT = new URL('../../', import.meta.url);
const TARIFFS = fileURLToPath(new URL('test-vectors/tariffs/tariffs.json', ROOT));
const CA = fileURLToPath(new URL('test-vectors/pki/ca/ca.cert.pem', ROOT));

/** The day's terminal (OURS). */
export const DAY_DEVICE: DeviceIdentity = { model: 'bifente TLA', serial: 'BF000001', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' };
/** The practice's fund, for degraded FSEs (OURS: Lyon's CPAM). */
const LOCAL_FUND: Fund = { regime: '01', caisse: '691', centre: '1001' };
/** The doctor when `--doctor` is absent: a GP with two practices, so the situation is chosen. */
export const DEFAULT_DOCTOR = 'dr-lefebvre';
/** Minutes back to the practice after the last visit (OURS). */
const DRIVE_BACK_MINUTES = 20;
const MINUTE = 60_000;

/** What a day is run with. */
export interface DayOptions {
  readonly seed: number;
  readonly outDir: string;
  readonly doctorId: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Number of visits; drawn from the seed (12-20) when absent. */
  readonly visits?: number;
  /** One line of progress at a time. */
  readonly progress: (line: string) => void;
}

/** The day's report and the lot files written. */
export interface DayResult {
  readonly report: DayReport;
  readonly lotFiles: readonly string[];
}

/** The UTC offset of Paris on `date` (EU summer time: last Sunday of March to last Sunday of October), minutes. */
export function parisOffsetMinutes(date: string): number {
  const year = Number(date.slice(0, 4));
  const lastSunday = (month: number): string => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    last.setUTCDate(last.getUTCDate() - last.getUTCDay());
    return last.toISOString().slice(0, 10);
  };
  return date >= lastSunday(2) && date < lastSunday(9) ? 120 : 60;
}

/** The day's local start, 08:30 in Paris, as ms since 1970. */
export function dayStart(date: string): number {
  return Date.parse(`${date}T08:30:00Z`) - parisOffsetMinutes(date) * MINUTE;
}

/** Run the day. Rejects with {@link UnexpectedScreen} when the terminal shows what a doctor would not expect. */
export async function runDay(options: DayOptions): Promise<DayResult> {
  const { outDir, seed, progress } = options;
  const [doctors, patients] = await Promise.all([loadDoctors(), loadPatients()]);
  const doctor = doctors.find((d) => d.id === options.doctorId);
  if (doctor === undefined) throw new RangeError(`no doctor persona "${options.doctorId}"`);
  const billable = doctor.situations.filter((s) => s.rights.signFse && s.rights.signLot);
  const prng = mulberry32(seed ^ 0x5a17);
  const situation = billable[prng.below(billable.length)];
  if (situation === undefined) throw new RangeError(`${doctor.id} has no situation that may sign FSEs and lots`);
  const plan = planDay(seed, patients, options.visits);
  for (const owned of ['terminal.db', 'terminal.db-wal', 'terminal.db-shm', 'cards', 'lots', 'report.json']) rmSync(join(outDir, owned), { recursive: true, force: true });
  mkdirSync(join(outDir, 'lots'), { recursive: true });
  const tariffs = parseTariffBook(JSON.parse(readFileSync(TARIFFS, 'utf8')));
  if (!tariffs.ok) throw new Error(`${TARIFFS}: ${tariffs.error.message}`);

  const offset = parisOffsetMinutes(options.date);
  const clock = new SimulatedClock();
  clock.set(dayStart(options.date));
  const store = expectStore(await openTerminalStore(join(outDir, 'terminal.db'), { capacity: 1000, clock }));
  // The RTC runs slow since the last sync; the firmware reads this offset at boot.
  await (await openTerminalClock(clock, store)).set(clock.now() - (5 + prng.below(86)) * 1000, offset);
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openDayTerminal({
    clock,
    store,
    tariffs: tariffs.value,
    identity: DAY_DEVICE,
    localFund: LOCAL_FUND,
    cardDir: join(outDir, 'cards'),
    seed,
    hostLink: terminalPort,
  });
  const robot = new DoctorRobot(terminal.face);
  const localTime = (): string => {
    const terminalClock = terminal.firmware.clock();
    return localDateTime(terminalClock.now(), terminalClock.utcOffsetMinutes(terminalClock.now())).slice(11, 16);
  };
  const pin = { wrong: 0, entries: 0 };
  try {
    await robot.face.elapse(1000);
    const startBattery = terminal.firmware.state().battery;
    robot.expectLine('Inserer carte CPS');
    progress(`${localTime()} Terminal allume, CPS de ${doctor.firstName} ${doctor.lastName} inseree`);
    await terminal.insertCps(doctor.id);
    await robot.face.elapse(1000);
    await robot.enterPin(doctor.pin, true);
    pin.wrong += 1;
    pin.entries += 2;
    await robot.chooseSituation(situation.billingNumber);
    robot.expect('"CPS prete"', (lines) => lines[0] === 'CPS prete');
    progress(`${localTime()} Code faux puis bon, situation ${situation.structure.name} (${situation.billingNumber})`);

    const visits: VisitRecord[] = [];
    for (const [index, visit] of plan.visits.entries()) {
      await robot.face.elapse((visit.driveMinutes + visit.visitMinutes) * MINUTE);
      const pinAgain = await robot.wakeAndAuthenticate(doctor.pin, situation.billingNumber);
      if (pinAgain) pin.entries += 1;
      const record = await captureVisit(robot, terminal, visit, pinAgain, localTime);
      visits.push(record);
      progress(
        `${record.time} Visite ${index + 1}/${plan.visits.length} ${visit.patientId.padEnd(26)} ${record.securing}  FSE ${String(record.invoiceNumber).padStart(3)}  ${[...record.acts, ...(record.oneWayKm === null ? [] : [`IK ${record.oneWayKm} km`]), ...(record.pdsaUrgent ? ['PDSA'] : [])].join('+').padEnd(22)} ${(record.totalCents / 100).toFixed(2).padStart(7)} EUR  ${record.thirdParty}`,
      );
    }

    await robot.face.elapse(DRIVE_BACK_MINUTES * MINUTE);
    if (await robot.wakeAndAuthenticate(doctor.pin, situation.billingNumber)) pin.entries += 1;
    progress(`${localTime()} Retour au cabinet : lots et transfert au poste`);
    await robot.openMenu('Transfert poste');
    await robot.face.elapse(1000);
    const lotsOutput = terminal.firmware.state().lastLots;
    if (terminal.firmware.state().firmware !== 'running.serving' || lotsOutput?.result !== 'done') {
      throw new UnexpectedScreen(`the lots built and the link served (lots: ${lotsOutput?.result ?? 'none'})`, terminal.face.display());
    }
    const host = openLink(hostPort, { requestTimeoutMs: 10_000 });
    const session = await syncWithTerminal(host, { ca: readFileSync(CA, 'utf8'), now: () => clock.now(), utcOffsetMinutes: offset });
    await host.close();
    await robot.press({ type: 'key.cancel' });
    robot.expect('the menu or "CPS prete" after the transfer', (lines) => lines[0] === 'Menu' || lines[0] === 'CPS prete');
    checkAgreement(visits, session.fses);

    const lotFiles = session.lots.map((lot) => {
      const file = join('lots', lotFileName(lot.destination, lot.number));
      writeFileSync(join(outDir, file), lot.bytes);
      return file;
    });
    for (const lot of session.lots) progress(`${localTime()} Lot ${lotFileName(lot.destination, lot.number)} : ${lot.fseCount} FSE, signe CPS, verifie et acquitte`);
    const report: DayReport = {
      seed,
      date: options.date,
      doctor: { id: doctor.id, name: `Dr ${doctor.firstName} ${doctor.lastName}`, situation: situation.billingNumber },
      device: session.identity,
      pin,
      visits,
      totals: totalsOf(visits),
      lots: session.lots.map((lot, i) => ({ destination: lot.destination, number: lot.number, fses: lot.fseCount, totalCents: lot.totalCents, file: lotFiles[i]! })),
      host: {
        clockCorrectionMs: session.clockCorrectionMs,
        listed: session.listed,
        signaturesVerified: { ...session.verified, total: session.verified.vitale + session.verified.cps + session.verified.lots },
        failures: session.failures,
        freed: session.freed.length,
        remaining: session.remaining,
      },
      battery: { startPerMille: startBattery, endPerMille: terminal.firmware.state().battery },
      keys: robot.keys,
    };
    writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return { report, lotFiles };
  } finally {
    await terminal.stop();
    await store.close();
  }
}

/** One visit: the Vitale in (or the patient keyed in), the beneficiary, the acts, confirm; the Vitale out. */
async function captureVisit(robot: DoctorRobot, terminal: ReturnType<typeof openDayTerminal>, visit: PlannedVisit, pinAgain: boolean, localTime: () => string): Promise<VisitRecord> {
  let beneficiary = '';
  if (visit.keyed === undefined) {
    await terminal.insertVitale(visit.patientId);
    await robot.face.elapse(2000);
    await robot.openMenu('Nouvelle visite');
    beneficiary = await robot.chooseBeneficiary(visit.beneficiary);
  } else {
    await robot.openMenu('Nouvelle visite');
    await robot.keyPatient(visit.keyed);
  }
  await robot.chooseActs(visit);
  const time = localTime();
  const read = await robot.confirm();
  if (visit.keyed === undefined) {
    await terminal.removeVitale();
    await robot.face.elapse(3000);
  }
  robot.expect('the menu or "CPS prete" after the visit', (lines) => lines[0] === 'Menu' || lines[0] === 'CPS prete');
  const securing = read.securing === 'Securisee Vitale' ? 'S' : read.securing === 'Sans Vitale' ? 'F' : 'D';
  return {
    time,
    patientId: visit.patientId,
    kind: visit.kind,
    beneficiary,
    invoiceNumber: read.invoiceNumber,
    securing,
    acts: visit.acts,
    oneWayKm: visit.oneWayKm ?? null,
    pdsaUrgent: visit.pdsaUrgent,
    totalCents: read.totalCents,
    dueNowCents: read.dueNowCents,
    thirdParty: read.mode,
    pinAgain,
  };
}

/** What the robot read on the screens must be what the host verified. */
function checkAgreement(visits: readonly VisitRecord[], fses: readonly { invoiceNumber: number; securing: string; totalCents: number }[]): void {
  for (const visit of visits) {
    const fse = fses.find((f) => f.invoiceNumber === visit.invoiceNumber);
    if (fse === undefined || fse.securing !== visit.securing || fse.totalCents !== visit.totalCents) {
      throw new Error(`FSE ${visit.invoiceNumber}: the screen said ${visit.securing} ${visit.totalCents} cents, the host got ${JSON.stringify(fse)}`);
    }
  }
  if (fses.length !== visits.length) throw new Error(`${visits.length} visits, but the host fetched ${fses.length} FSEs`);
}

