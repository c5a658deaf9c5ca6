/**
 * The home-visit day's report (`report.json`, deterministic: no timing in
 * it) and its French summary for the console. Amounts are integer cents in
 * the JSON and euros on screen.
 *
 * OURS: the report's layout.
 * @module
 */
import { euros } from '../../terminal/index.js';
import type { HostSession } from './host-stand-in.js';
import type { VisitKind } from './scenario.js';

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

/** The whole day. */
export interface DayReport {
  readonly seed: number;
  readonly date: string;
  readonly doctor: { readonly id: string; readonly name: string; readonly situation: string };
  readonly device: HostSession['identity'];
  readonly pin: { readonly wrong: number; readonly entries: number };
  readonly visits: readonly VisitRecord[];
  readonly totals: {
    readonly visits: number;
    readonly fses: number;
    readonly bySecuring: { readonly S: number; readonly F: number; readonly D: number };
    readonly totalCents: number;
    readonly dueNowCents: number;
  };
  readonly lots: readonly { readonly destination: string; readonly number: number; readonly fses: number; readonly totalCents: number; readonly file: string }[];
  readonly host: {
    readonly clockCorrectionMs: number;
    readonly listed: HostSession['listed'];
    readonly signaturesVerified: HostSession['verified'] & { readonly total: number };
    readonly failures: readonly string[];
    readonly freed: number;
    readonly remaining: number;
  };
  readonly battery: { readonly startPerMille: number; readonly endPerMille: number };
  readonly keys: number;
}

/** The file name of a lot: `<destination>-<NNN>.lot`. */
export const lotFileName = (destination: string, number: number): string => `${destination}-${String(number).padStart(3, '0')}.lot`;

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

/** The summary printed at the end of the day; `elapsedMs` is the only line that changes between two runs of one seed. */
export function summaryText(report: DayReport, elapsedMs: number): string {
  const { totals, host } = report;
  const lots = report.lots.map((l) => `${l.destination}-${String(l.number).padStart(3, '0')} (${l.fses} FSE, ${euros(l.totalCents)})`).join(', ');
  return [
    '',
    `Journee du ${report.date} (graine ${report.seed}) : ${report.doctor.name}, situation ${report.doctor.situation}`,
    `  Visites          ${totals.visits}`,
    `  Montant total    ${euros(totals.totalCents)} (dont ${euros(totals.dueNowCents)} payes sur place)`,
    `  FSE              ${totals.fses} : ${totals.bySecuring.S} securisees Vitale (S), ${totals.bySecuring.F} sans Vitale (F), ${totals.bySecuring.D} en mode degrade (D)`,
    `  Code porteur     ${report.pin.entries} saisies, dont ${report.pin.wrong} fausse`,
    `  Lots             ${report.lots.length} signes CPS : ${lots}`,
    `  Signatures       ${host.signaturesVerified.total} verifiees (${host.signaturesVerified.vitale} Vitale, ${host.signaturesVerified.cps} CPS sur FSE, ${host.signaturesVerified.lots} CPS sur lot), ${host.failures.length} en echec`,
    `  Poste            horloge corrigee de ${(host.clockCorrectionMs / 1000).toFixed(1)} s, ${host.freed} elements acquittes et liberes, ${host.remaining} restants`,
    `  Batterie         ${report.battery.startPerMille / 10} % -> ${report.battery.endPerMille / 10} %`,
    `  Duree            ${(elapsedMs / 1000).toFixed(2)} s`,
    '',
  ].join('\n');
}
