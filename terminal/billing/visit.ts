/**
 * The act menu for a patient at a date, and the pricing of a home visit:
 * act lines, IK, the urgent PDSA supplement, totals split between the AMO
 * and the patient, the third-party mode and the flags (DOMAIN.md
 * "Home-visit billing"). Amounts come from the tariff table only.
 * @module
 */
import { fail, ok, type FseAct, type FseCoverage, type FseTotals, type IkZone, type ParseResult, type ThirdPartyCode } from '../../protocol/index.js';
import { amoRateFor, thirdPartyFor } from './coverage.js';
import { ikRate, type TariffAct, type TariffTable } from './tariffs.js';

/**
 * Age in whole years on `date` (both `YYYY-MM-DD`); a 29 February birthday
 * falls on 1 March in other years.
 * @example ageAt('1946-01-01', '2026-01-01') // 80
 */
export function ageAt(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * The acts the doctor may choose for this patient at `actDate`: an act with
 * `from` only from that date, one with `minAgeYears` only for patients that
 * old (GL1-3: 80 or more, from 2026-01-01 in the data). The PDSA supplement
 * is not a menu entry: it follows the visit's urgent flag.
 * @example actMenu(table, '1940-05-01', '2026-03-14').map((a) => a.code) // ['G', 'VG', 'GL1', 'GL2', 'GL3', 'MD']
 */
export function actMenu(table: TariffTable, birthDate: string, actDate: string): TariffAct[] {
  const age = ageAt(birthDate, actDate);
  return table.acts.filter(
    (a) => a.kind !== 'pdsa-urgent' && (a.from === undefined || a.from <= actDate) && (a.minAgeYears === undefined || age >= a.minAgeYears),
  );
}

/** What the doctor entered. */
export interface VisitRequest {
  /** `YYYY-MM-DD`. */
  readonly actDate: string;
  readonly birthDate: string;
  /** From `coverageAt`. */
  readonly coverage: FseCoverage;
  /** Codes from {@link actMenu}, each with a quantity (default 1). */
  readonly acts: readonly { readonly code: string; readonly quantity?: number }[];
  /** The travel, if IK are billed. */
  readonly ik?: { readonly oneWayKm: number; readonly zone: IkZone };
  readonly pdsaUrgent: boolean;
  /** The acts relate to the patient's ALD (default true). */
  readonly aldRelated?: boolean;
}

/** Something the doctor must see before confirming. */
export type VisitFlag =
  /** The AMO rights were closed at the act date: billed without third party. */
  | 'rights-expired'
  /** The distance gives no billable km (2d below the deduction). */
  | 'ik-nothing-billed';

/** A priced visit: the FSE's acts, totals and third-party mode. */
export interface PricedVisit {
  readonly tableId: string;
  readonly acts: readonly FseAct[];
  readonly totals: FseTotals;
  readonly thirdParty: ThirdPartyCode;
  /** The AMO rate applied, in percent. */
  readonly amoRatePercent: number;
  /** What the patient pays at the visit, given the third-party mode. */
  readonly dueNowCents: number;
  readonly flags: readonly VisitFlag[];
}

/** Why a visit cannot be priced. */
export type VisitReason = 'unknown-act' | 'not-allowed' | 'bad-quantity' | 'no-visit-act';

/** Billed km for a one-way distance: tripFactor × d − deduction, at least 0 (DOMAIN.md). */
export function billedKm(table: TariffTable, oneWayKm: number, zone: IkZone): number {
  return Math.max(0, table.ik.tripFactor * oneWayKm - ikRate(table, zone).deductionKm);
}

function line(code: string, quantity: number, unitCents: number): FseAct {
  return { code, quantity, unitCents, amountCents: quantity * unitCents };
}

/**
 * Price a home visit with the table in force (the caller picked it with
 * `tariffAt`). Each line's AMO part is its amount × rate / 100 rounded half
 * up; the patient part is the rest. Deterministic, integer cents only.
 * @example priceVisit(table, { actDate: '2026-03-14', birthDate: '1961-11-02', coverage, acts: [{ code: 'VG' }, { code: 'MD' }], ik: { oneWayKm: 6, zone: 'mountain' }, pdsaUrgent: false })
 */
export function priceVisit(table: TariffTable, request: VisitRequest): ParseResult<PricedVisit, VisitReason> {
  const menu = actMenu(table, request.birthDate, request.actDate);
  const lines: FseAct[] = [];
  for (const [i, entry] of request.acts.entries()) {
    const quantity = entry.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) return fail('bad-quantity', `quantity ${quantity}: 1 to 99`, i, `acts/${i}/quantity`);
    const act = menu.find((a) => a.code === entry.code);
    if (act === undefined) {
      const known = table.acts.some((a) => a.code === entry.code);
      return fail(known ? 'not-allowed' : 'unknown-act', `act ${entry.code} ${known ? 'is not allowed for this patient on this date' : 'is not in the tariff table'}`, i, `acts/${i}/code`);
    }
    lines.push(line(act.code, quantity, act.cents));
  }
  if (!request.acts.some((e) => menu.find((a) => a.code === e.code)?.kind === 'visit')) return fail('no-visit-act', 'a visit needs one visit act', 0, 'acts');
  const flags: VisitFlag[] = [];
  if (request.pdsaUrgent) {
    const pdsa = table.acts.find((a) => a.kind === 'pdsa-urgent');
    if (pdsa === undefined) return fail('unknown-act', 'the table has no PDSA supplement', 0, 'pdsaUrgent');
    lines.push(line(pdsa.code, 1, pdsa.cents));
  }
  if (request.ik !== undefined) {
    const { oneWayKm, zone } = request.ik;
    if (!Number.isInteger(oneWayKm) || oneWayKm < 0 || oneWayKm > 999) return fail('bad-quantity', `one-way distance ${oneWayKm} km: 0 to 999`, 0, 'ik/oneWayKm');
    const km = billedKm(table, oneWayKm, zone);
    if (km === 0) flags.push('ik-nothing-billed');
    else lines.push({ ...line(table.ik.code, km, ikRate(table, zone).centsPerKm), ik: { oneWayKm, zone, billedKm: km } });
  }
  const aldRelated = request.aldRelated ?? true;
  const rate = amoRateFor(table, request.coverage, aldRelated);
  const thirdParty = thirdPartyFor(request.coverage, aldRelated);
  if (!request.coverage.rightsValid) flags.push('rights-expired');
  const totalCents = lines.reduce((s, l) => s + l.amountCents, 0);
  const amoCents = lines.reduce((s, l) => s + Math.floor((l.amountCents * rate + 50) / 100), 0);
  const patientCents = totalCents - amoCents;
  const dueNowCents = { '00': totalCents, '05': patientCents, '15': 0, '25': amoCents }[thirdParty];
  return ok({ tableId: table.id, acts: lines, totals: { totalCents, amoCents, patientCents }, thirdParty, amoRatePercent: rate, dueNowCents, flags });
}
