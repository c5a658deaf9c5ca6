/**
 * Fixed-width ASCII records, the shape shared by the B2 lot file, the ARL and
 * the NOEMIE-like return: columns declared once ({@link Column}, 1-based as
 * the norms print them) and read and written through the same declaration,
 * every column no field claims being filler that must be spaces. Internal to
 * `protocol/b2/`: not exported by the folder's index.
 * @module
 */
import { parseNirAscii } from '../nir/index.js';
import { fail, type Err } from '../result.js';

/** Why a fixed-width file failed to parse (README "Errors"). */
export type B2Reason =
  /** The input ends inside a record or before the records the grammar still needs. */
  | 'truncated'
  /** Bytes after the end-of-file record. */
  | 'trailing-bytes'
  /** A byte outside printable ASCII (0x20-0x7E), or the entity delimiter missing. */
  | 'bad-character'
  /** A record type that is unknown or not allowed at this place. */
  | 'bad-record-type'
  /** A field outside its domain: a letter in a numeric field, a bad date, code, NIR, or a non-blank filler. */
  | 'bad-value'
  /** Fields that disagree: repeated keys, counts, totals, the trailer against the records. */
  | 'inconsistent';

/** A field: its name (the error path's last part), first column (1-based) and width. */
export interface Column {
  readonly name: string;
  /** 0-based offset in the record. */
  readonly at: number;
  readonly width: number;
}

/** Declare a field at 1-based column `start`, `width` characters long. */
export function col(name: string, start: number, width: number): Column {
  return { name, at: start - 1, width };
}

const SPACE = 0x20;
/** 10^width up to 10^15; a column of 16 digits or more holds any safe integer. */
const POW10 = Array.from({ length: 16 }, (_, w) => 10 ** w);
/** One byte, one character: the records are checked printable ASCII before any field is read as text. */
const ascii = new TextDecoder('latin1');

/** The failure a reader raises; caught at the parser's top, never seen by callers. */
export class RecordStop {
  constructor(readonly err: Err<B2Reason>) {}
}

/** Raise a typed failure from inside a record reader. */
export function stop(reason: B2Reason, message: string, offset: number, path: string): never {
  throw new RecordStop(fail(reason, message, offset, path));
}

/**
 * Where a record sits: the whole input, its offset, its index (for paths
 * like `record/7/invoiceNumber`). The input is decoded to text once (a
 * single-byte decoding: offsets are the same in both); fields are slices of
 * that text, read only from records the reader has checked printable.
 */
export class RecordCursor {
  base = 0;
  index = 0;
  /** The whole input as text, one character a byte. */
  readonly chars: string;
  constructor(
    readonly bytes: Uint8Array,
    readonly kind: string,
  ) {
    this.chars = ascii.decode(bytes);
  }

  path(name: string): string {
    return `${this.kind}/${this.index}/${name}`;
  }

  fail(reason: B2Reason, message: string, c: Column | undefined): never {
    return stop(reason, message, this.base + (c?.at ?? 0), c === undefined ? `${this.kind}/${this.index}` : this.path(c.name));
  }

  /** Digits only, as a number (leading zeros are the fixed width, not a choice). */
  uint(c: Column): number {
    const b = this.bytes;
    let n = 0;
    for (let i = this.base + c.at, end = i + c.width; i < end; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) this.fail('bad-value', `${c.name}: "${this.raw(c)}" is not ${c.width} digits`, c);
      n = n * 10 + d;
    }
    return n;
  }

  /** A number between `min` and `max`. */
  range(c: Column, min: number, max: number): number {
    const n = this.uint(c);
    if (n < min || n > max) this.fail('bad-value', `${c.name} ${n} is outside ${min}-${max}`, c);
    return n;
  }

  /** Digits only, kept as text (codes whose leading zeros mean something: regime, caisse). */
  digits(c: Column): string {
    const b = this.bytes;
    for (let i = this.base + c.at, end = i + c.width; i < end; i++) {
      if (b[i]! < 0x30 || b[i]! > 0x39) this.fail('bad-value', `${c.name}: "${this.raw(c)}" is not ${c.width} digits`, c);
    }
    return this.raw(c);
  }

  /** Text left-aligned and padded with spaces; the padding is dropped. Empty is `''`. */
  text(c: Column): string {
    const b = this.bytes;
    const start = this.base + c.at;
    let end = start + c.width;
    while (end > start && b[end - 1] === SPACE) end--;
    return this.chars.slice(start, end);
  }

  /** Text that may not be empty. */
  required(c: Column): string {
    const t = this.text(c);
    if (t === '') this.fail('bad-value', `${c.name} is blank`, c);
    return t;
  }

  /** Text that may be blank (absent). */
  optional(c: Column): string | undefined {
    const t = this.text(c);
    return t === '' ? undefined : t;
  }

  /** One of `codes` (compared on the whole column, padding included). */
  code<C extends string>(c: Column, codes: readonly C[]): C {
    const t = this.raw(c);
    if (!(codes as readonly string[]).includes(t)) this.fail('bad-value', `${c.name} "${t}" is not one of ${codes.map((x) => `"${x}"`).join(', ')}`, c);
    return t as C;
  }

  /** A one-character flag: `yes` or `no`. */
  flag(c: Column, yes: string, no: string): boolean {
    const t = this.raw(c);
    if (t !== yes && t !== no) this.fail('bad-value', `${c.name} "${t}" is neither "${yes}" nor "${no}"`, c);
    return t === yes;
  }

  /** A date `YYMMDD` (the norms' form; the century is not written). */
  date(c: Column): string {
    const n = this.uint(c);
    const month = Math.floor(n / 100) % 100;
    const day = n % 100;
    if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) this.fail('bad-value', `${c.name} ${this.raw(c)} is not a date YYMMDD`, c);
    return this.raw(c);
  }

  /** A NIR written as 13 characters + 2-digit key (15 columns), key checked (DOMAIN.md "NIR"). */
  nir(c: Column): string {
    const t = this.raw(c);
    const start = this.base + c.at;
    if (!parseNirAscii(this.bytes.subarray(start, start + c.width)).ok) this.fail('bad-value', `${c.name} "${t}" is not a NIR with a valid key`, c);
    return t;
  }

  /** The column as written. */
  raw(c: Column): string {
    const start = this.base + c.at;
    return this.chars.slice(start, start + c.width);
  }

  /** True when column `c` holds the same bytes here as in the record at `base` (keys a record repeats). */
  same(c: Column, base: number): boolean {
    const b = this.bytes;
    for (let i = c.at, end = c.at + c.width; i < end; i++) if (b[this.base + i] !== b[base + i]) return false;
    return true;
  }

  /** The record's own text at `c` must be `literal`. */
  literal(c: Column, literal: string): void {
    if (this.raw(c) !== literal) this.fail('bad-value', `${c.name} must be "${literal}"`, c);
  }
}

/**
 * Check that every byte of `bytes[from, to)` is printable ASCII; returns the
 * offset of the first that is not, or -1.
 */
export function firstNonPrintable(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return i;
  }
  return -1;
}

/**
 * The filler of a record layout: the ranges no field claims, which must be
 * spaces. Computed once per layout.
 */
export function fillerOf(width: number, fields: readonly Column[]): readonly (readonly [number, number])[] {
  const used = new Uint8Array(width);
  for (const f of fields) {
    for (let i = f.at; i < f.at + f.width; i++) {
      if (i >= width || used[i] === 1) throw new RangeError(`layout: ${f.name} overlaps or overflows`);
      used[i] = 1;
    }
  }
  const ranges: [number, number][] = [];
  for (let i = 0; i < width; i++) {
    if (used[i] === 1) continue;
    const start = i;
    while (i < width && used[i] === 0) i++;
    ranges.push([start, i]);
  }
  return ranges;
}

/** Fail unless every filler column of the record at `cursor.base` is a space. */
export function checkFiller(cursor: RecordCursor, filler: readonly (readonly [number, number])[]): void {
  const b = cursor.bytes;
  for (const [from, to] of filler) {
    for (let i = cursor.base + from, end = cursor.base + to; i < end; i++) {
      if (b[i] !== SPACE) stop('bad-value', `column ${i - cursor.base + 1} is filler and must be a space`, i, `${cursor.kind}/${cursor.index}`);
    }
  }
}

/** Writes fields into a preallocated buffer that starts as spaces. */
export class RecordWriter {
  base = 0;
  constructor(readonly out: Uint8Array) {
    out.fill(SPACE);
  }

  /** A number, zero-padded to the width; a RangeError if it does not fit. */
  uint(c: Column, n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n >= (POW10[c.width] ?? Infinity)) throw new RangeError(`${c.name}: ${n} does not fit ${c.width} digits`);
    const o = this.out;
    const start = this.base + c.at;
    let v = n;
    for (let i = start + c.width - 1; i >= start; i--) {
      const q = Math.floor(v / 10);
      o[i] = 0x30 + v - q * 10;
      v = q;
    }
  }

  /** Text left-aligned, padded with spaces; a RangeError if too long, not printable ASCII or ending with a space. */
  text(c: Column, s: string): void {
    if (s.length > c.width) throw new RangeError(`${c.name}: "${s}" is longer than ${c.width}`);
    if (s.endsWith(' ')) throw new RangeError(`${c.name}: "${s}" ends with a space (padding is the format's)`);
    this.put(c, s);
  }

  /** Text that fills the column exactly, as written (codes, dates, digit strings, certification zones). */
  exact(c: Column, s: string): void {
    if (s.length !== c.width) throw new RangeError(`${c.name}: "${s}" must be ${c.width} characters`);
    this.put(c, s);
  }

  /** Column `c` as the record at `from` has it (keys a record repeats, already checked when written there). */
  copy(c: Column, from: number): void {
    const o = this.out;
    for (let i = c.at, end = c.at + c.width; i < end; i++) o[this.base + i] = o[from + i]!;
  }

  private put(c: Column, s: string): void {
    const o = this.out;
    const start = this.base + c.at;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch < 0x20 || ch > 0x7e) throw new RangeError(`${c.name}: not printable ASCII`);
      o[start + i] = ch;
    }
  }
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` → `YYMMDD` (the norms drop the century). */
export function toYymmdd(isoDate: string): string {
  return isoDate.slice(2, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
}

/** A text value the writer can round-trip: printable ASCII, no trailing space, at most `width`. */
export function isFieldText(s: string, width: number, minLength = 0): boolean {
  return s.length >= minLength && s.length <= width && /^[ -~]*$/.test(s) && !s.endsWith(' ');
}
