/**
 * The dated tariff tables (`test-vectors/tariffs/tariffs.json`, schema next
 * to it): checking a table book the caller has read, and choosing the table
 * in force at an act date. The terminal never hard-codes an amount
 * (DOMAIN.md "Home-visit billing": tariffs change).
 * @module
 */
import { fail, isIsoDate, ok, type IkZone, type ParseResult } from '../../protocol/index.js';

/** What an act is to the menu and the pricing. */
export type TariffActKind =
  /** The main act of the visit (G, VG, GL1-3). */
  | 'visit'
  /** Added to a visit (MD). */
  | 'supplement'
  /** Added when the visit is urgent during PDSA hours. */
  | 'pdsa-urgent';

/** One act of a table. */
export interface TariffAct {
  readonly code: string;
  /** French, at most 20 characters: one display line. */
  readonly label: string;
  readonly cents: number;
  readonly kind: TariffActKind;
  /** The act exists from this date (inclusive) within the table. */
  readonly from?: string;
  /** Only for patients of at least this age at the act date. */
  readonly minAgeYears?: number;
}

/** The IK rate and deduction of one zone. */
export interface IkRate {
  readonly centsPerKm: number;
  readonly deductionKm: number;
}

/** IK: billed km = `tripFactor` × one-way km − `deductionKm`, at least 0 (DOMAIN.md: 2d − 4 plain, 2d − 2 mountain). */
export interface IkTariff {
  readonly code: string;
  readonly tripFactor: number;
  readonly plain: IkRate;
  readonly mountain: IkRate;
}

/** The AMO share in percent of the tariff (OURS: the real rules have more cases). */
export interface AmoRates {
  readonly common: number;
  readonly ald: number;
  readonly maternity: number;
}

/** One dated table. */
export interface TariffTable {
  readonly id: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly validFrom: string;
  /** `YYYY-MM-DD`, inclusive; absent while in force. */
  readonly validTo?: string;
  readonly source: string;
  readonly acts: readonly TariffAct[];
  readonly ik: IkTariff;
  readonly amoRatePercent: AmoRates;
}

/** Every table, periods not overlapping, sorted by `validFrom`. */
export interface TariffBook {
  readonly tables: readonly TariffTable[];
}

/** Why a tariff book was refused. */
export type TariffReason = 'bad-shape' | 'bad-value' | 'overlap';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const CODE = /^[A-Z0-9]{1,8}$/;
const KINDS: readonly TariffActKind[] = ['visit', 'supplement', 'pdsa-urgent'];
const MAX_TARIFF_CENTS = 1_000_000;

class Refusal {
  constructor(readonly reason: TariffReason, readonly message: string, readonly path: string) {}
}
function need(cond: boolean, reason: TariffReason, message: string, path: string): asserts cond {
  if (!cond) throw new Refusal(reason, message, path);
}
function int(v: unknown, min: number, max: number, path: string): number {
  need(Number.isInteger(v) && (v as number) >= min && (v as number) <= max, 'bad-value', `an integer ${min} to ${max}`, path);
  return v as number;
}
function date(v: unknown, path: string): string {
  need(typeof v === 'string' && isIsoDate(v), 'bad-value', 'a date YYYY-MM-DD', path);
  return v;
}
function text(v: unknown, path: string, pattern = /^.{1,200}$/su): string {
  need(typeof v === 'string' && pattern.test(v), 'bad-value', `text matching ${pattern.source}`, path);
  return v;
}
function obj(v: unknown, path: string): Json {
  need(isObject(v), 'bad-shape', 'an object', path);
  return v;
}

function readAct(v: unknown, path: string): TariffAct {
  const o = obj(v, path);
  const kind = o.kind as TariffActKind;
  need(KINDS.includes(kind), 'bad-value', `kind one of ${KINDS.join(', ')}`, `${path}/kind`);
  const act: TariffAct = {
    code: text(o.code, `${path}/code`, CODE),
    label: text(o.label, `${path}/label`, /^.{1,20}$/u),
    cents: int(o.cents, 0, MAX_TARIFF_CENTS, `${path}/cents`),
    kind,
  };
  const from = o.from === undefined ? {} : { from: date(o.from, `${path}/from`) };
  const age = o.minAgeYears === undefined ? {} : { minAgeYears: int(o.minAgeYears, 0, 130, `${path}/minAgeYears`) };
  return { ...act, ...from, ...age };
}

function readIkRate(v: unknown, path: string): IkRate {
  const o = obj(v, path);
  return { centsPerKm: int(o.centsPerKm, 0, MAX_TARIFF_CENTS, `${path}/centsPerKm`), deductionKm: int(o.deductionKm, 0, 100, `${path}/deductionKm`) };
}

function readTable(v: unknown, path: string): TariffTable {
  const o = obj(v, path);
  need(Array.isArray(o.acts) && o.acts.length > 0, 'bad-shape', 'a non-empty list of acts', `${path}/acts`);
  const acts = o.acts.map((a, i) => readAct(a, `${path}/acts/${i}`));
  const codes = new Set(acts.map((a) => a.code));
  const ik = obj(o.ik, `${path}/ik`);
  const rates = obj(o.amoRatePercent, `${path}/amoRatePercent`);
  const table: TariffTable = {
    id: text(o.id, `${path}/id`),
    validFrom: date(o.validFrom, `${path}/validFrom`),
    source: text(o.source, `${path}/source`, /^.{1,2000}$/su),
    acts,
    ik: {
      code: text(ik.code, `${path}/ik/code`, CODE),
      tripFactor: int(ik.tripFactor, 1, 2, `${path}/ik/tripFactor`),
      plain: readIkRate(ik.plain, `${path}/ik/plain`),
      mountain: readIkRate(ik.mountain, `${path}/ik/mountain`),
    },
    amoRatePercent: {
      common: int(rates.common, 0, 100, `${path}/amoRatePercent/common`),
      ald: int(rates.ald, 0, 100, `${path}/amoRatePercent/ald`),
      maternity: int(rates.maternity, 0, 100, `${path}/amoRatePercent/maternity`),
    },
  };
  need(codes.size === acts.length && !codes.has(table.ik.code), 'bad-value', 'act codes are unique, IK included', `${path}/acts`);
  if (o.validTo === undefined) return table;
  const validTo = date(o.validTo, `${path}/validTo`);
  need(validTo >= table.validFrom, 'bad-value', 'validTo on or after validFrom', `${path}/validTo`);
  return { ...table, validTo };
}

/**
 * Check a tariff book read from JSON (the caller reads the file: the
 * terminal is pure). Tables are sorted by date and may not overlap.
 * Extra fields such as `$schema` and `description` are ignored.
 * @example parseTariffBook(JSON.parse(readFileSync('test-vectors/tariffs/tariffs.json', 'utf8')))
 */
export function parseTariffBook(json: unknown): ParseResult<TariffBook, TariffReason> {
  try {
    const o = obj(json, '');
    need(Array.isArray(o.tables) && o.tables.length > 0, 'bad-shape', 'a non-empty list of tables', 'tables');
    const tables = o.tables.map((t, i) => readTable(t, `tables/${i}`)).sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
    for (let i = 1; i < tables.length; i++) {
      const before = tables[i - 1]!;
      need(before.validTo !== undefined && before.validTo < tables[i]!.validFrom, 'overlap', `table ${before.id} overlaps ${tables[i]!.id}`, `tables/${i}`);
    }
    return ok({ tables });
  } catch (e) {
    if (e instanceof Refusal) return fail(e.reason, `${e.path || 'book'}: ${e.message}`, 0, e.path);
    throw e;
  }
}

/**
 * The table in force at `actDate` (`YYYY-MM-DD`), if any.
 * @example tariffAt(book, '2024-12-21')?.id // 'gp-home-2023-12-22'
 */
export function tariffAt(book: TariffBook, actDate: string): TariffTable | undefined {
  return book.tables.find((t) => t.validFrom <= actDate && (t.validTo === undefined || actDate <= t.validTo));
}

/** The IK rate of a zone. */
export function ikRate(table: TariffTable, zone: IkZone): IkRate {
  return zone === 'plain' ? table.ik.plain : table.ik.mountain;
}
