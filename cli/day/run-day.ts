/**
 * An emulated home-visit day, to the last acknowledgement (issue 6 "npm
 * start: a home-visit day", issue 7 "npm start: the whole day"):
 *
 * 1. **The day before** (OURS, the cause of the rejected lot): the doctor's
 *    own terminal was at the repairer's, so she used the practice's spare
 *    terminal for one evening visit to a patient she sees again today. Its
 *    lot to that patient's fund got number 001 (every terminal numbers its
 *    lots from 001 per destination), the PC sent it, the ARL was positive.
 * 2. **The morning**, at the PC: the CPS in the PC reader authenticates to
 *    the teleservice; rights looked up before the visits that need it
 *    (live, or from the host's cache for yesterday's patient).
 * 3. **The round** on her own terminal: boot, a wrong PIN then the right
 *    one, the visits, lots signed, and the PC syncs (host SDK `syncTerminal`:
 *    verify, store, acknowledge) over an in-memory link.
 * 4. **The evening**: the lots go to the teleservice; the one to yesterday's
 *    fund is refused (ARL L0005 "duplicate number": the teleservice keeps
 *    one sequence per partner and destination, and 001 was taken
 *    yesterday); its FSEs are rebuilt by the PC into lot 002, signed with
 *    the CPS at the PC, sent, accepted.
 * 5. **The next day**: the NOEMIE-like returns, paid and rejected invoices.
 *
 * Time is one `SimulatedClock` for the terminals, the host and the
 * teleservice (in process, on a free loopback port): its ARL and return
 * delays pass by moving the clock, never by waiting. Randomness is seeded,
 * so one seed gives one `report.json`, byte for byte.
 *
 * OURS: the day's timeline (08:30 Paris, yesterday's visit at 17:00), the
 * devices' identities, the local fund of degraded FSEs, wiping the output
 * folder's files at the start.
 * @module
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { loadDoctors, loadPatients, mulberry32, type Patient } from '../../emulator/index.js';
import type { Link } from '../../drivers/index.js';
import type { LotPayment, RightsLookup } from '../../host-sdk/index.js';
import { localDateTime, parseTariffBook, type DeviceIdentity, type Fund } from '../../terminal/index.js';
import { hostFindings, lotsOf } from './host-findings.js';
import { openPractice, type Practice } from './practice.js';
import { renderReportHtml } from './report-html.js';
import { totalsOf, type DayReport, type RightsCheck, type TimelineEntry } from './report.js';
import { planDay, type PlannedVisit } from './scenario.js';
import { collectReturns, sendLots } from './send-lots.js';
import { runTerminalRound } from './terminal-round.js';
import { lotLabel } from '../format.js';

const ROOT = new URL('../../', import.meta.url);
const TARIFFS = fileURLToPath(new URL('test-vectors/tariffs/tariffs.json', ROOT));

/** The doctor's own terminal (OURS). */
export const DAY_DEVICE: DeviceIdentity = { model: 'bifente TLA', serial: 'BF000001', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' };
/** The practice's spare terminal, used the day before (OURS). */
export const SPARE_DEVICE: DeviceIdentity = { model: 'bifente TLA', serial: 'BF000002', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' };
/** The practice's fund, for degraded FSEs (OURS: Lyon's CPAM). */
const LOCAL_FUND: Fund = { regime: '01', caisse: '691', centre: '1001' };
/** The doctor when `--doctor` is absent: a GP with two practices, so the situation is chosen. */
export const DEFAULT_DOCTOR = 'dr-lefebvre';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Files and folders of the output folder a day owns (wiped at the start). */
const OWNED = ['terminal.db', 'spare-terminal.db', 'host.db', 'teleservice.db', 'cards', 'lots', 'report.json', 'report.html'];

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

const previousDate = (date: string): string => new Date(Date.parse(`${date}T12:00:00Z`) - DAY).toISOString().slice(0, 10);

/** Yesterday's visit: the first patient of today's plan seen with a Vitale (a follow-up visit today). */
function followUpOf(visits: readonly PlannedVisit[]): PlannedVisit {
  const withCard = visits.filter((v) => v.keyed === undefined);
  const visit = withCard.find((v) => v.kind === 'other') ?? withCard[0];
  if (visit === undefined) throw new RangeError('the plan has no visit with a carte Vitale');
  return { ...visit, acts: ['VG'], pdsaUrgent: false, driveMinutes: 15, visitMinutes: 20 };
}

/** The rights request of a planned visit's beneficiary, from the persona. */
function rightsRequestOf(patients: readonly Patient[], visit: PlannedVisit) {
  const patient = patients.find((p) => p.id === visit.patientId)!;
  const person = patient.beneficiaries[visit.beneficiary]!;
  return { nir: person.nir, birthDate: person.birthDate, birthRank: person.birthRank, cardSerial: patient.card.serialNumber };
}

/** Run the day. Rejects with `UnexpectedScreen` when a terminal shows what a doctor would not expect. */
export async function runDay(options: DayOptions): Promise<DayResult> {
  const { outDir, seed } = options;
  const [doctors, patients] = await Promise.all([loadDoctors(), loadPatients()]);
  const doctor = doctors.find((d) => d.id === options.doctorId);
  if (doctor === undefined) throw new RangeError(`no doctor persona "${options.doctorId}"`);
  const billable = doctor.situations.filter((s) => s.rights.signFse && s.rights.signLot);
  const prng = mulberry32(seed ^ 0x5a17);
  const situation = billable[prng.below(billable.length)];
  if (situation === undefined) throw new RangeError(`${doctor.id} has no situation that may sign FSEs and lots`);
  const plan = planDay(seed, patients, options.visits);
  for (const owned of OWNED) for (const suffix of ['', '-wal', '-shm']) rmSync(join(outDir, owned + suffix), { recursive: true, force: true });
  mkdirSync(join(outDir, 'lots'), { recursive: true });
  const tariffs = parseTariffBook(JSON.parse(readFileSync(TARIFFS, 'utf8')));
  if (!tariffs.ok) throw new Error(`${TARIFFS}: ${tariffs.error.message}`);

  const offset = parisOffsetMinutes(options.date);
  const yesterday = previousDate(options.date);
  const clock = new SimulatedClock();
  clock.set(dayStart(yesterday) + 8.5 * HOUR); // 17:00 the day before
  const advance = (ms: number): void => clock.increment(ms);
  const timeline: TimelineEntry[] = [];
  const hostTime = (): string => localDateTime(clock.now(), offset).slice(0, 16).replace('T', ' ');
  const dayTag = (date: string): string => (date === options.date ? '' : date < options.date ? 'J-1 ' : 'J+1 ');
  const note = (at: string, text: string): void => {
    timeline.push({ at, text });
    options.progress(`${dayTag(at.slice(0, 10))}${at.slice(11)} ${text}`);
  };
  const sayAtHost = (text: string): void => note(hostTime(), text);
  const round = { clock, tariffs: tariffs.value, localFund: LOCAL_FUND, cardDir: join(outDir, 'cards'), seed, doctor, billingNumber: situation.billingNumber, utcOffsetMinutes: offset };
  const practice = await openPractice({ outDir, clock, seed, doctorId: doctor.id, pin: doctor.pin, cardDir: round.cardDir, utcOffsetMinutes: offset });
  try {
    const lookup = async (visits: readonly PlannedVisit[]): Promise<RightsCheck[]> =>
      practice.withCps(async ({ client }) => {
        const checks: RightsCheck[] = [];
        for (const visit of visits) checks.push(rightsCheckOf(visit, await practice.rights(client, rightsRequestOf(patients, visit)), hostTime()));
        for (const check of checks) sayAtHost(`Droits ${check.initials} (${check.patientId}) : ${check.open ? 'ouverts' : 'FERMES'}${check.c2s ? ', C2S' : ''}${check.ald ? ', ALD' : ''} - ${check.source === 'live' ? 'en ligne' : `en cache depuis ${Math.round(check.ageMinutes / 60)} h`}`);
        return checks;
      });

    // 1. The day before, on the spare terminal.
    const followUp = followUpOf(plan.visits);
    await lookup([followUp]);
    const spare = await runTerminalRound({
      ...round,
      storePath: join(outDir, 'spare-terminal.db'),
      identity: SPARE_DEVICE,
      visits: [followUp],
      wrongPinFirst: false,
      rtcSlowMs: 30_000,
      progress: (time, text) => note(`${yesterday} ${time}`, text),
      atPractice: (link) => practice.sync(link),
    });
    sayAtHost(`Poste : ${spare.practice.verified} elements verifies et acquittes (terminal de pret ${SPARE_DEVICE.serial})`);
    const before = await practice.withCps((cps) => sendLots(practice, cps, { now: () => clock.now(), advance }, sayAtHost));

    // 2. The morning at the PC; 3. the round on the doctor's own terminal.
    advance(dayStart(options.date) - clock.now());
    const rightsVisits = [followUp, ...plan.visits.filter((v) => v.kind === 'expired-rights' || v.kind === 'ald' || v.kind === 'c2s')];
    const rights = await lookup(rightsVisits);
    const today = await runTerminalRound({
      ...round,
      storePath: join(outDir, 'terminal.db'),
      identity: DAY_DEVICE,
      visits: plan.visits,
      wrongPinFirst: true,
      rtcSlowMs: (5 + prng.below(86)) * 1000,
      progress: (time, text) => note(`${options.date} ${time}`, text),
      atPractice: async (link) => ({ sync: await practice.sync(link), remaining: await remainingOn(link) }),
    });
    const { sync, remaining } = today.practice;
    const findings = hostFindings(practice, sync, today.visits);
    sayAtHost(`Poste : ${findings.signaturesVerified.total} signatures verifiees, ${sync.freed.length} elements acquittes et liberes, ${remaining} restants`);

    // 4. The evening: send, follow, rebuild; 5. the next day: the returns.
    const evening = await practice.withCps((cps) => sendLots(practice, cps, { now: () => clock.now(), advance }, sayAtHost));
    const earlyReturns = await practice.withCps((cps) => collectReturns(practice, cps, sayAtHost));
    advance(DAY + 30 * MINUTE);
    const returns = [...before.payments, ...evening.payments, ...earlyReturns, ...(await practice.withCps((cps) => collectReturns(practice, cps, sayAtHost)))];

    const lots = lotsOf(practice, DAY_DEVICE.serial);
    const lotFiles = lots.all.map((lot) => {
      writeFileSync(join(outDir, lot.file), practice.db.lotBytes(lot.id));
      return lot.file;
    });
    const report: DayReport = {
      seed,
      date: options.date,
      doctor: { id: doctor.id, name: `Dr ${doctor.firstName} ${doctor.lastName}`, situation: situation.billingNumber },
      device: sync.terminal,
      pin: today.pin,
      visits: today.visits,
      totals: totalsOf(today.visits),
      lots: lots.terminal,
      host: {
        clockCorrectionMs: -sync.clockDriftMs,
        listed: sync.listed,
        signaturesVerified: findings.signaturesVerified,
        failures: findings.failures,
        freed: sync.freed.length,
        remaining,
      },
      battery: today.battery,
      keys: today.keys,
      yesterday: { date: yesterday, device: SPARE_DEVICE.serial, patientId: followUp.patientId, lots: lots.spare },
      rights,
      rebuiltLots: lots.rebuilt,
      returns: returnsOf(practice, returns),
      pending: lots.pending,
      timeline,
    };
    writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, 'report.html'), renderReportHtml(report));
    return { report, lotFiles };
  } finally {
    await practice.close();
  }
}

async function remainingOn(link: Link): Promise<number> {
  const answer = await link.request({ kind: 'list-fses' });
  if (answer.kind !== 'fse-list') throw new Error(`list-fses answered ${answer.kind}`);
  return answer.fses.length;
}

function initialsOf(first: string, last: string): string {
  return `${first.slice(0, 1)}. ${last.slice(0, 1)}.`;
}

function rightsCheckOf(visit: PlannedVisit, found: RightsLookup, at: string): RightsCheck {
  const { answer } = found;
  const c2s = (answer['c2s'] as { covered?: boolean } | undefined)?.covered === true;
  const ald = (answer['exoneration'] as { ald?: boolean } | undefined)?.ald === true;
  return {
    at,
    patientId: visit.patientId,
    initials: initialsOf(answer.patient.firstName, answer.patient.lastName),
    source: found.source,
    ageMinutes: Math.round(found.ageMs / MINUTE),
    open: answer.baseRights.open,
    c2s,
    ald,
  };
}

function returnsOf(practice: Practice, payments: readonly LotPayment[]): DayReport['returns'] {
  const label = (lotId: number): string => {
    const lot = practice.db.getLot(lotId);
    return lotLabel(lot.destination, lot.lotNumber);
  };
  return {
    lots: payments.map((p) => ({ lot: label(p.lotId), paidInvoices: p.paidInvoices, paidCents: p.paidCents, rejected: p.rejected, warnings: p.warnings })),
    paidCents: payments.reduce((sum, p) => sum + p.paidCents, 0),
    paidInvoices: payments.reduce((sum, p) => sum + p.paidInvoices, 0),
    rejectedInvoices: payments.reduce((sum, p) => sum + p.rejected.length, 0),
  };
}
