/**
 * The field rules of the NIR, shared by the text parser, the ASCII byte
 * codec and the smart constructor. Front ends copy the 13 or 15
 * significant characters into a module scratch area, then `checkFields`
 * judges them without allocating: `validateNir` runs millions of times a
 * second this way. Internal to `protocol/nir/`.
 *
 * Sources: INSEE, RNIPP layout (sex, year, month, department, commune,
 * order, key); the key rule and Corsica substitution as in python-stdnum
 * `stdnum/fr/nir.py`; pseudo-months as accepted by django-localflavor's
 * French NIR field; 96 (Tunisia) from service-public.fr F33078.
 * @module
 */

/** Significant characters of a NIR with its key (INSEE: 13 + 2). */
export const NIR_LENGTH = 15;

/** Significant characters of a NIR without its key. */
export const NIR_BODY_LENGTH = 13;

/**
 * Longest text `parseNir` looks at: 15 characters with generous
 * separators. Longer text is refused at once (`bad-length`), which bounds
 * the work on hostile input.
 */
export const MAX_NIR_TEXT_LENGTH = 64;

/**
 * Why a NIR was refused. Each field has its own reason; `bad-year` only
 * comes from the smart constructor (two digits always make a year).
 */
export type NirReason =
  | 'bad-length'
  | 'bad-character'
  | 'bad-sex'
  | 'bad-year'
  | 'bad-month'
  | 'bad-department'
  | 'bad-commune'
  | 'bad-order'
  | 'bad-key';

/** The error path of each reason: the field it is about, empty for the whole text. */
export const REASON_PATH: Readonly<Record<NirReason, string>> = {
  'bad-length': '',
  'bad-character': '',
  'bad-sex': 'sex',
  'bad-year': 'year',
  'bad-month': 'month',
  'bad-department': 'department',
  'bad-commune': 'commune',
  'bad-order': 'order',
  'bad-key': 'key',
};

/**
 * First digit of the NIR: 1 male, 2 female (certified by INSEE); 3, 4 the
 * same for a person born abroad whose registration is pending; 7, 8 a
 * temporary number (NIA, numéro identifiant d'attente).
 */
export type NirSex = 1 | 2 | 3 | 4 | 7 | 8;

/** The value 'A' and 'B' take in the scratch (Corsica, department 2A / 2B). */
export const LETTER_A = 10;
export const LETTER_B = 11;

/** Significant character values: 0-9, or LETTER_A / LETTER_B at index 6. */
export const digits = new Uint8Array(NIR_LENGTH);
/** Where each significant character sits in the caller's input. */
export const offsets = new Int32Array(NIR_LENGTH);
/** Input offset of the last failure `checkFields` or a front end found. */
export const failure = { offset: 0 };

const SEX_OK = [false, true, true, true, true, false, false, true, true, false];

/** 01-12 real months; 20, 30-42 and 50-99 INSEE pseudo-months (month unknown). */
export function isNirMonth(month: number): boolean {
  return (month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || (month >= 50 && month <= 99);
}

const MONTH_OK = Array.from({ length: 100 }, (_, m) => isNirMonth(m));

// 10^6 mod 97: the key is computed from a 7-digit high part and a 6-digit
// low part, so every intermediate stays a small integer (no float, no BigInt).
const TEN6_MOD97 = 10 ** 6 % 97;

function failAt(index: number, reason: NirReason): NirReason {
  failure.offset = offsets[index]!;
  return reason;
}

/** Index of the first commune character: 8 after a 3-digit overseas department, else 7. */
export function communeStart(): number {
  return digits[6]! < 10 && (digits[5]! * 10 + digits[6]! === 97 || digits[5]! * 10 + digits[6]! === 98) ? 8 : 7;
}

/**
 * The key of the 13 characters in the scratch: 97 − (body mod 97), with
 * 2A read as 19 and 2B as 18 (python-stdnum `calc_check_digits`).
 */
export function scratchKey(): number {
  const d = digits;
  const corsica = d[6]! >= 10;
  const d5 = corsica ? 1 : d[5]!;
  const d6 = corsica ? (d[6] === LETTER_A ? 9 : 8) : d[6]!;
  const high = (((((d[0]! * 10 + d[1]!) * 10 + d[2]!) * 10 + d[3]!) * 10 + d[4]!) * 10 + d5) * 10 + d6;
  const low = ((((d[7]! * 10 + d[8]!) * 10 + d[9]!) * 10 + d[10]!) * 10 + d[11]!) * 10 + d[12]!;
  return 97 - (((high % 97) * TEN6_MOD97 + low) % 97);
}

/**
 * Judge the `significant` (13 or 15) characters in the scratch, field by
 * field in reading order. Returns the first reason, with its input offset
 * (the field's first character) in `failure.offset`, or undefined.
 */
export function checkFields(significant: number): NirReason | undefined {
  const d = digits;
  if (!SEX_OK[d[0]!]) return failAt(0, 'bad-sex');
  if (!MONTH_OK[d[3]! * 10 + d[4]!]) return failAt(3, 'bad-month');
  if (d[6]! >= 10) {
    if (d[5] !== 2) return failAt(5, 'bad-department');
  } else {
    const department = d[5]! * 10 + d[6]!;
    // 97x: 971-978; 98x: 981-989 (overseas collectivities, TAAF, former territories).
    if (department === 0) return failAt(5, 'bad-department');
    if (department === 97 && (d[7] === 0 || d[7] === 9)) return failAt(5, 'bad-department');
    if (department === 98 && d[7] === 0) return failAt(5, 'bad-department');
  }
  const start = communeStart();
  if (start === 7 ? d[7]! + d[8]! + d[9]! === 0 : d[8]! + d[9]! === 0) return failAt(start, 'bad-commune');
  if (d[10]! + d[11]! + d[12]! === 0) return failAt(10, 'bad-order');
  if (significant === NIR_LENGTH && d[13]! * 10 + d[14]! !== scratchKey()) return failAt(13, 'bad-key');
  return undefined;
}

/** Scratch characters `from` to `to` (exclusive) as canonical text: upper case, no separators. */
export function scratchText(from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += digits[i] === LETTER_A ? 'A' : digits[i] === LETTER_B ? 'B' : String(digits[i]);
  return out;
}

/** One sentence on a field failure, read from the scratch (only on the error path). */
export function fieldMessage(reason: NirReason): string {
  switch (reason) {
    case 'bad-sex':
      return `first digit ${digits[0]} is not a sex code (1, 2; 3, 4 pending; 7, 8 temporary)`;
    case 'bad-month':
      return `month ${scratchText(3, 5)} is neither 01-12 nor an INSEE pseudo-month (20, 30-42, 50-99)`;
    case 'bad-department':
      return `department ${scratchText(5, communeStart())} is not a birth department (01-19, 2A, 2B, 20-96, 971-978, 981-989, 99)`;
    case 'bad-commune':
      return `commune ${scratchText(communeStart(), 10)} is all zeros`;
    case 'bad-order':
      return `order number ${scratchText(10, 13)} is 000`;
    case 'bad-key': {
      const key = scratchText(13, 15);
      const expected = String(scratchKey()).padStart(2, '0');
      return Number(key) < 1 || Number(key) > 97 ? `key ${key} is outside 01-97 (expected ${expected})` : `key ${key} does not match the number (expected ${expected})`;
    }
    default:
      return reason;
  }
}
