/**
 * The NIR (numéro d'inscription au répertoire, the French social security
 * number) as text: `parseNir`, `validateNir`, `nirKey`, the `nir()` smart
 * constructor and `formatNir`.
 *
 * Layout (INSEE, RNIPP): sex(1) year(2) month(2) department(2) commune(3)
 * order(3) key(2); after a 3-digit overseas department (97x, 98x) the
 * commune has 2 digits. Key = 97 − (first 13 digits mod 97), with 2A read
 * as 19 and 2B as 18 (python-stdnum `stdnum/fr/nir.py`).
 * @module
 */
import { fail, ok, type ParseResult } from '../result.js';
import {
  checkFields,
  communeStart,
  digits,
  failure,
  fieldMessage,
  LETTER_A,
  LETTER_B,
  MAX_NIR_TEXT_LENGTH,
  NIR_BODY_LENGTH,
  NIR_LENGTH,
  offsets,
  REASON_PATH,
  scratchKey,
  scratchText,
  type NirReason,
  type NirSex,
} from './nir-rules.js';

/**
 * A valid NIR, field by field (INSEE RNIPP layout). Build one with
 * `parseNir` or the `nir()` smart constructor, which check every rule.
 */
export interface Nir {
  /** 1 male, 2 female; 3, 4 pending registration; 7, 8 temporary (NIA). */
  readonly sex: NirSex;
  /** Last two digits of the birth year, 0-99 (the century is not recorded). */
  readonly year: number;
  /** 1-12, or a pseudo-month when the month is unknown: 20, 30-42, 50-99. */
  readonly month: number;
  /** '01'-'95' with '2A' / '2B' (and '20' before 1976), '96', '971'-'978', '981'-'989', '99' (abroad). */
  readonly department: string;
  /** INSEE commune code: 3 digits, 2 after a 3-digit department, the country code after 99. Never all zeros. */
  readonly commune: string;
  /** Order number of the birth registration, 1-999. */
  readonly order: number;
  /** Control key, 1-97. */
  readonly key: number;
}

/** The fields of a NIR for the smart constructor; without `key` it is computed. */
export interface NirFields {
  readonly sex: number;
  readonly year: number;
  readonly month: number;
  readonly department: string;
  readonly commune: string;
  readonly order: number;
  readonly key?: number;
}

/** `'spaced'`: `2 69 05 49 588 157 80` (a space between fields); `'compact'`: the 15 characters. */
export type NirStyle = 'spaced' | 'compact';

/** What `validateNir` says: valid, or the first reason and its character offset. */
export type NirValidity =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: NirReason; readonly offset: number };

const VALID: NirValidity = { valid: true };

/**
 * Copy the significant characters of `text` into the scratch and judge them.
 * Separators (space, dot, hyphen) are ignored anywhere; 'A' / 'B' (either
 * case) are allowed only as the 7th significant character (Corsica).
 */
function scanText(text: string, significant: number): NirReason | undefined {
  if (typeof text !== 'string') throw new TypeError('a NIR is text');
  const length = text.length;
  if (length > MAX_NIR_TEXT_LENGTH) {
    failure.offset = MAX_NIR_TEXT_LENGTH;
    return 'bad-length';
  }
  let n = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c === 0x20 || c === 0x2e || c === 0x2d) continue;
    else if (n === 6 && (c | 0x20) === 0x61) v = LETTER_A;
    else if (n === 6 && (c | 0x20) === 0x62) v = LETTER_B;
    else {
      failure.offset = i;
      return 'bad-character';
    }
    if (n === significant) {
      failure.offset = i;
      return 'bad-length';
    }
    digits[n] = v;
    offsets[n] = i;
    n++;
  }
  if (n !== significant) {
    failure.offset = length;
    return 'bad-length';
  }
  return checkFields(significant);
}

function lengthMessage(text: string, significant: number): string {
  if (text.length > MAX_NIR_TEXT_LENGTH) return `text longer than ${MAX_NIR_TEXT_LENGTH} characters`;
  return significant === NIR_LENGTH
    ? 'a NIR has 15 significant characters (13 and a 2-digit key; nirKey() takes 13)'
    : 'a NIR without its key has 13 significant characters';
}

/** The error for a scan of `text` that stopped on `reason` (messages are built only here). */
function refuse<T>(reason: NirReason, text: string, significant: number): ParseResult<T, NirReason> {
  const message =
    reason === 'bad-length'
      ? lengthMessage(text, significant)
      : reason === 'bad-character'
        ? `character ${JSON.stringify(text.charAt(failure.offset))} is not a digit or a separator here`
        : fieldMessage(reason);
  return fail(reason, message, failure.offset, REASON_PATH[reason]);
}

/** The scratch (already judged valid) as a `Nir` value. Internal to `protocol/nir/`. */
export function scratchNir(): Nir {
  const start = communeStart();
  return {
    sex: digits[0] as NirSex,
    year: digits[1]! * 10 + digits[2]!,
    month: digits[3]! * 10 + digits[4]!,
    department: scratchText(5, start),
    commune: scratchText(start, 10),
    order: digits[10]! * 100 + digits[11]! * 10 + digits[12]!,
    key: digits[13]! * 10 + digits[14]!,
  };
}

/**
 * Parse a NIR written by people or software: 15 significant characters
 * (13 and the key), separators (space, dot, hyphen) ignored anywhere,
 * Corsica's 2A / 2B in either case. Offsets are character indexes in
 * `text`; a field error points at the field's first character.
 * INSEE RNIPP layout; key as in python-stdnum `stdnum/fr/nir.py`.
 * @example parseNir('2 69 05 49 588 157 80') // ok({ sex: 2, year: 69, month: 5, department: '49', commune: '588', order: 157, key: 80 })
 * @example parseNir('2 69 05 49 588 157 81') // error 'bad-key' at offset 19
 */
export function parseNir(text: string): ParseResult<Nir, NirReason> {
  const reason = scanText(text, NIR_LENGTH);
  return reason === undefined ? ok(scratchNir()) : refuse(reason, text, NIR_LENGTH);
}

/**
 * The fast check: same rules as `parseNir`, no value built and no
 * allocation when the NIR is valid.
 * @example validateNir('2 55 08 14 168 025 38') // { valid: true }
 * @example validateNir('2 55 13 14 168 025 38') // { valid: false, reason: 'bad-month', offset: 5 }
 */
export function validateNir(text: string): NirValidity {
  const reason = scanText(text, NIR_LENGTH);
  return reason === undefined ? VALID : { valid: false, reason, offset: failure.offset };
}

/**
 * The key of a NIR given without it: 13 significant characters, same
 * separators and field rules as `parseNir`. Key = 97 − (number mod 97),
 * 2A counting as 19 and 2B as 18 (python-stdnum `calc_check_digits`).
 * @example nirKey('2 69 05 49 588 157') // ok(80)
 */
export function nirKey(text: string): ParseResult<number, NirReason> {
  const reason = scanText(text, NIR_BODY_LENGTH);
  return reason === undefined ? ok(scratchKey()) : refuse(reason, text, NIR_BODY_LENGTH);
}

const DEPARTMENT_SHAPE = /^(?:[0-8]\d|9[0-69]|2[AB]|9[78][1-9])$/;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Smart constructor: check each field and compute the key when it is
 * absent (or check it when given). Offsets in errors are positions in the
 * compact 15-character form; the path names the field.
 * @example nir({ sex: 2, year: 53, month: 7, department: '2B', commune: '073', order: 4 }) // ok({ ..., key: 70 })
 */
export function nir(fields: NirFields): ParseResult<Nir, NirReason> {
  const { sex, year, month, department, commune, order, key } = fields;
  if (!isIntIn(sex, 0, 9)) return fail('bad-sex', `sex ${sex} is not a digit`, 0, 'sex');
  if (!isIntIn(year, 0, 99)) return fail('bad-year', `year ${year} is not 0-99`, 1, 'year');
  if (!isIntIn(month, 0, 99)) return fail('bad-month', `month ${month} is not two digits`, 3, 'month');
  if (typeof department !== 'string' || !DEPARTMENT_SHAPE.test(department)) {
    return fail('bad-department', `department ${JSON.stringify(department)} is not 2 digits, 2A, 2B, 97x or 98x`, 5, 'department');
  }
  const communeWidth = 10 - 5 - department.length;
  if (typeof commune !== 'string' || commune.length !== communeWidth || !/^\d+$/.test(commune)) {
    return fail('bad-commune', `commune ${JSON.stringify(commune)} is not ${communeWidth} digits after department ${department}`, 5 + department.length, 'commune');
  }
  if (!isIntIn(order, 0, 999)) return fail('bad-order', `order ${order} is not 1-999`, 10, 'order');
  if (key !== undefined && !isIntIn(key, 0, 99)) return fail('bad-key', `key ${key} is not two digits`, 13, 'key');
  const compact = `${sex}${pad(year, 2)}${pad(month, 2)}${department}${commune}${pad(order, 3)}${key === undefined ? '' : pad(key, 2)}`;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    digits[i] = c === 0x41 ? LETTER_A : c === 0x42 ? LETTER_B : c - 0x30;
    offsets[i] = i;
  }
  const significant = compact.length;
  const reason = checkFields(significant);
  if (reason !== undefined) return fail(reason, fieldMessage(reason), failure.offset, REASON_PATH[reason]);
  if (significant === NIR_BODY_LENGTH) {
    const computed = scratchKey();
    digits[13] = Math.floor(computed / 10);
    digits[14] = computed % 10;
  }
  return ok(scratchNir());
}

/**
 * Print a NIR: `'spaced'` (default) puts one space between fields, as on
 * the carte Vitale (`2 69 05 49 588 157 80`, `1 85 12 971 23 045 12`);
 * `'compact'` gives the 15 characters the card and B2 files store.
 * Throws a RangeError if `value` breaks a NIR rule (build it with `nir()`).
 * @example formatNir(value, 'compact') // '269054958815780'
 */
export function formatNir(value: Nir, style: NirStyle = 'spaced'): string {
  const checked = nir(value);
  if (!checked.ok) throw new RangeError(`not a valid NIR: ${checked.error.reason}: ${checked.error.message}`);
  const { sex, year, month, department, commune, order, key } = checked.value;
  const parts = [String(sex), pad(year, 2), pad(month, 2), department, commune, pad(order, 3), pad(key, 2)];
  return parts.join(style === 'compact' ? '' : ' ');
}
