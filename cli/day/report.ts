/**
 * The home-visit day's report (`report.json`, deterministic: no timing in
 * it) and its French summary for the console. Amounts are integer cents in
 * the JSON and euros on screen.
 *
 * OURS: the report's layout.
 * @module
 */
import { euros } from '../../terminal/index.js';
import type { LotState, TerminalIdentity } from '../../host-sdk/index.js';
import type { VisitKind } from './scenario.js';
import { lotLabel } from '../format.js';

/** One visit as the day went. */
export interface VisitRecord {
  /** Local time the FSE was confirmed, `HH:MM`. */
  readonly time: string;
  readonly patientId: string;
  readonly kind: VisitKind;
  /** The beneficiary line the robot read (empty in degraded mode). */
  readonly beneficiary: string;
  readonly invoiceNumber: number;
  readonly securing: 'S' | 'F' | 'D';
  readonly acts: readonly string[];
  readonly oneWayKm: number | null;
  readonly pdsaUrgent: boolean;
  readonly totalCents: number;
  readonly dueNowCents: number;
  readonly thirdParty: string;
  /** The PIN was typed again first (the CPS session lapsed while the terminal slept). */
  readonly pinAgain: boolean;
}

/** A lot the host holds, with its state (host SDK lot state model). */
export interface LotLine {
  readonly destination: string;
  readonly number: number;
  readonly fses: number;
  readonly totalCents: number;
  /** Its signed bytes in the output folder. */
  readonly file: string;
  readonly state: LotState;
  /** The negative ARL's reason code. */
  readonly arlReason?: string;
}

/** A rights lookup at the PC before the round. */
export interface RightsCheck {
  /** Host local time, `YYYY-MM-DD HH:MM`. */
  readonly at: string;
  readonly patientId: string;
  /** The beneficiary's initials (a PC screen shows no more to a passer-by). */
  readonly initials: string;
  readonly source: 'live' | 'cache';
  readonly ageMinutes: number;
  readonly open: boolean;
  readonly c2s: boolean;
  readonly ald: boolean;
}

/** One line of the day's timeline. */
export interface TimelineEntry {
  /** Local time, `YYYY-MM-DD HH:MM`. */
  readonly at: string;
  readonly text: string;
}

/** The whole day. */
export interface DayReport {
  readonly seed: number;
  readonly date: string;
  readonly doctor: { readonly id: string; readonly name: string; readonly situation: string };
  readonly device: TerminalIdentity;
  readonly pin: { readonly wrong: number; readonly entries: number };
  readonly visits: readonly VisitRecord[];
  readonly totals: {
    readonly visits: number;
    readonly fses: number;
    readonly bySecuring: { readonly S: number; readonly F: number; readonly D: number };
    readonly totalCents: number;
    readonly dueNowCents: number;
  };
  /** The lots today's terminal signed, with their states at the end. */
  readonly lots: readonly LotLine[];
  readonly host: {
    readonly clockCorrectionMs: number;
    readonly listed: { readonly fses: number; readonly lots: number };
    /** Signatures checked and found valid: FSE Vitale cryptograms, FSE CPS signatures, lot CPS signatures. */
    readonly signaturesVerified: { readonly vitale: number; readonly cps: number; readonly lots: number; readonly total: number };
    readonly failures: readonly string[];
    readonly freed: number;
    readonly remaining: number;
  };
  readonly battery: { readonly startPerMille: number; readonly endPerMille: number };
  readonly keys: number;
  /** The day before, on the practice's spare terminal (the cause of today's rejected lot). */
  readonly yesterday: { readonly date: string; readonly device: string; readonly patientId: string; readonly lots: readonly LotLine[] };
  readonly rights: readonly RightsCheck[];
  /** Lots the PC built and signed again from a negatively acknowledged lot's FSEs. */
  readonly rebuiltLots: readonly LotLine[];
  /** The NOEMIE-like returns received. */
  readonly returns: {
    readonly lots: readonly {
      readonly lot: string;
      readonly paidInvoices: number;
      readonly paidCents: number;
      readonly rejected: readonly { readonly invoiceNumber: number; readonly codes: readonly string[] }[];
      readonly warnings: readonly { readonly invoiceNumber: number; readonly codes: readonly string[] }[];
    }[];
    readonly paidCents: number;
    readonly paidInvoices: number;
    readonly rejectedInvoices: number;
  };
  /** Lots not final yet (`<file> <state>`). */
  readonly pending: readonly string[];
  readonly timeline: readonly TimelineEntry[];
}

/** The file name of a lot: `<destination>-<NNN>.lot`. */
export const lotFileName = (destination: string, number: number): string => `${lotLabel(destination, number)}.lot`;

/** Totals over the visits. */
export function totalsOf(visits: readonly VisitRecord[]): DayReport['totals'] {
  const count = (mode: 'S' | 'F' | 'D') => visits.filter((v) => v.securing === mode).length;
  return {
    visits: visits.length,
    fses: visits.length,
    bySecuring: { S: count('S'), F: count('F'), D: count('D') },
    totalCents: visits.reduce((sum, v) => sum + v.totalCents, 0),
    dueNowCents: visits.reduce((sum, v) => sum + v.dueNowCents, 0),
  };
}

const label = (lot: LotLine): string => lotLabel(lot.destination, lot.number);
const STATE_WORDS: Record<LotState, string> = {
  built: 'construit',
  signed: 'signe',
  sent: 'envoye',
  'arl-positive': 'ARL positif',
  'arl-negative': 'ARL negatif',
  paid: 'paye',
};

/** A lot state in words (the summary and the HTML page). */
export const lotStateWords = (lot: LotLine): string => `${STATE_WORDS[lot.state]}${lot.arlReason === undefined ? '' : ` ${lot.arlReason}`}`;

/** The summary printed at the end of the day; `elapsedMs` is the only line that changes between two runs of one seed. */
export function summaryText(report: DayReport, elapsedMs: number): string {
  const { totals, host, returns } = report;
  const lots = report.lots.map((l) => `${label(l)} (${l.fses} FSE, ${euros(l.totalCents)})`).join(', ');
  const states = [...report.yesterday.lots, ...report.lots, ...report.rebuiltLots];
  const negative = states.filter((l) => l.arlReason !== undefined);
  return [
    '',
    `Journee du ${report.date} (graine ${report.seed}) : ${report.doctor.name}, situation ${report.doctor.situation}`,
    `  Visites          ${totals.visits}`,
    `  Montant total    ${euros(totals.totalCents)} (dont ${euros(totals.dueNowCents)} payes sur place)`,
    `  FSE              ${totals.fses} : ${totals.bySecuring.S} securisees Vitale (S), ${totals.bySecuring.F} sans Vitale (F), ${totals.bySecuring.D} en mode degrade (D)`,
    `  Code porteur     ${report.pin.entries} saisies, dont ${report.pin.wrong} fausse`,
    `  Droits           ${report.rights.length} consultations : ${report.rights.filter((r) => r.source === 'live').length} en ligne, ${report.rights.filter((r) => r.source === 'cache').length} en cache, ${report.rights.filter((r) => !r.open).length} droits fermes`,
    `  Lots             ${report.lots.length} signes CPS : ${lots}`,
    `  Signatures       ${host.signaturesVerified.total} verifiees (${host.signaturesVerified.vitale} Vitale, ${host.signaturesVerified.cps} CPS sur FSE, ${host.signaturesVerified.lots} CPS sur lot), ${host.failures.length} en echec`,
    `  Poste            horloge corrigee de ${(host.clockCorrectionMs / 1000).toFixed(1)} s, ${host.freed} elements acquittes et liberes, ${host.remaining} restants`,
    `  ARL              ${states.filter((l) => l.state === 'paid' || l.state === 'arl-positive').length} positifs, ${negative.length} negatif(s)${negative.map((l) => ` : ${label(l)} ${l.arlReason}`).join('')}`,
    ...(negative.length === 0
      ? []
      : [
          `  Pourquoi         la veille, le terminal de pret ${report.yesterday.device} a envoye le lot ${report.yesterday.lots.map(label).join(', ')} ; ce terminal-ci numerote aussi a partir de 001 : numero deja pris`,
          `  Corrige          ${report.rebuiltLots.map((l) => `${label(l)} (${l.fses} FSE, signe CPS au poste, ${lotStateWords(l)})`).join(', ')}`,
        ]),
    `  Retours          ${returns.paidInvoices} FSE payees (${euros(returns.paidCents)} part AMO), ${returns.rejectedInvoices} rejetee(s)${returns.lots.flatMap((l) => l.rejected.map((r) => ` : FSE ${r.invoiceNumber} ${r.codes.join(',')}`)).join('')}`,
    `  En attente       ${report.pending.length === 0 ? 'rien' : report.pending.join(', ')}`,
    `  Batterie         ${report.battery.startPerMille / 10} % -> ${report.battery.endPerMille / 10} %`,
    `  Duree            ${(elapsedMs / 1000).toFixed(2)} s`,
    '',
  ].join('\n');
}
