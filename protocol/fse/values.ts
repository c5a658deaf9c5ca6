/**
 * Field domains shared by the FSE and lot records: dates, times with their
 * UTC offset, NIRs, digit strings, and the B2 codes (DOMAIN.md "FSE, lots,
 * returns").
 * @module
 */
import { formatNir, parseNir } from '../nir/index.js';
import type { FieldReader } from './canonical.js';

/** Third-party payment (tiers payant) as B2's payee code: 00 none, 05 AMO only, 15 full, 25 AMC only (DOMAIN.md, B2 invoice header). */
export type ThirdPartyCode = '00' | '05' | '15' | '25';

/**
 * How an FSE was secured, as B2's lot header "top certification" (DOMAIN.md):
 * `S` with the carte Vitale, `F` without the Vitale, `D` degraded (CPS only).
 */
export type SecuringMode = 'S' | 'F' | 'D';

/** The IK (indemnités kilométriques) zone: plain 2d − 4 km, mountain 2d − 2 km (DOMAIN.md "Home-visit billing"). */
export type IkZone = 'plain' | 'mountain';

/** Largest amount in any field, in cents (ten million euros): far above any FSE or lot, far below 2^53. */
export const MAX_CENTS = 1_000_000_000;

/** Printable text without control characters. */
export const PRINTABLE = /^[^\u0000-\u001F\u007F]+$/u;
/** Two, three, four, nine digits. */
export const DIGITS2 = /^[0-9]{2}$/;
export const DIGITS3 = /^[0-9]{3}$/;
export const DIGITS4 = /^[0-9]{4}$/;
export const DIGITS9 = /^[0-9]{9}$/;
/** An agreement number (ours): printable ASCII, no space. */
export const AGREEMENT = /^[!-~]+$/;
/** A NIR's 15 characters as the Vitale stores it (key checked apart). */
const NIR_TEXT = /^[1-8][0-9]{4}([0-9]{2}|2[AB])[0-9]{8}$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DATE_TIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})([+-])([0-9]{2}):([0-9]{2})$/;

/** True for a real calendar date `YYYY-MM-DD` (proleptic Gregorian, years 1900-2999). */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * True for a local date-time with its UTC offset, `YYYY-MM-DDTHH:MM:SS±HH:MM`
 * (ISO 8601 extended; UTC is written `+00:00`, never `Z`, so that one
 * instant-and-offset has one text).
 */
export function isIsoDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (m === null || !isIsoDate(m[1]!)) return false;
  const [h, min, s, oh, om] = [m[2], m[3], m[4], m[6], m[7]].map(Number) as [number, number, number, number, number];
  if (h > 23 || min > 59 || s > 59 || oh > 14 || om > 59) return false;
  return !(m[5] === '-' && oh === 0 && om === 0);
}

/** Read a mandatory date field. */
export function readDate(r: FieldReader, tag: number, name: string): string {
  const text = r.text(tag, name, DATE, 10);
  if (!isIsoDate(text)) r.fail('bad-value', `${name} ${text} is not a calendar date`, name);
  return text;
}

/** Read a mandatory date-time field. */
export function readDateTime(r: FieldReader, tag: number, name: string): string {
  const text = r.text(tag, name, DATE_TIME, 25);
  if (!isIsoDateTime(text)) r.fail('bad-value', `${name} ${text} is not a date-time with offset`, name);
  return text;
}

/** Read a mandatory NIR in its 15-character compact form, key checked (DOMAIN.md "NIR"). */
export function readNir(r: FieldReader, tag: number, name: string): string {
  const text = r.text(tag, name, NIR_TEXT, 15);
  const parsed = parseNir(text);
  if (!parsed.ok || formatNir(parsed.value, 'compact') !== text) {
    r.fail('bad-value', `${name}: ${parsed.ok ? 'not compact' : parsed.error.message}`, name);
  }
  return text;
}

/** Read a code among `codes` written as text. */
export function readCode<C extends string>(r: FieldReader, tag: number, name: string, codes: readonly C[]): C {
  const text = r.text(tag, name, PRINTABLE, 8);
  if (!(codes as readonly string[]).includes(text)) r.fail('bad-value', `${name} "${text}" is not one of ${codes.join(', ')}`, name);
  return text as C;
}

/** The third-party codes, in B2 order. */
export const THIRD_PARTY_CODES: readonly ThirdPartyCode[] = ['00', '05', '15', '25'];
/** The securing modes. */
export const SECURING_MODES: readonly SecuringMode[] = ['S', 'F', 'D'];
