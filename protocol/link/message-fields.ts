/**
 * Field readers and writers of the link messages: big-endian integers,
 * 64-bit millisecond times, UTF-8 strings with a 1-byte length, counted
 * lists. Internal to `protocol/link/`.
 * @module
 */
import { concatBytes } from '../bytes.js';
import { fail, ok, type CommonReason, type ParseResult } from '../result.js';

/** Why a message's bytes could not be parsed. */
export type LinkMessageReason =
  | CommonReason
  /** The type byte names no message. */
  | 'unknown-type'
  /** A string that is not well-formed UTF-8. */
  | 'bad-text'
  /** A number out of its range (a time past 2^53, a UTC offset past 14 h, an unknown FSE state). */
  | 'bad-value';

/** A failed field read. */
export class FieldError {
  constructor(
    readonly reason: LinkMessageReason,
    readonly text: string,
    readonly offset: number,
    readonly path: string,
  ) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Reads fields in order; a failed read throws a {@link FieldError}, caught once by {@link readAll}. */
export class FieldReader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  private need(n: number, path: string): number {
    const from = this.at;
    if (this.bytes.length - from < n) throw new FieldError('truncated', `${path} needs ${n} byte(s), ${this.bytes.length - from} left`, this.bytes.length, path);
    this.at += n;
    return from;
  }
  u8(path: string): number {
    return this.bytes[this.need(1, path)]!;
  }
  u16(path: string): number {
    const i = this.need(2, path);
    return (this.bytes[i]! << 8) | this.bytes[i + 1]!;
  }
  u32(path: string): number {
    const i = this.need(4, path);
    return ((this.bytes[i]! << 24) | (this.bytes[i + 1]! << 16) | (this.bytes[i + 2]! << 8) | this.bytes[i + 3]!) >>> 0;
  }
  i16(path: string): number {
    const v = this.u16(path);
    return v >= 0x8000 ? v - 0x10000 : v;
  }
  /** A 64-bit count of milliseconds, limited to safe integers. */
  u64(path: string): number {
    const from = this.at;
    const high = this.u32(path);
    const low = this.u32(path);
    if (high > 0x1fffff) throw new FieldError('bad-value', `${path} is past 2^53 - 1`, from, path);
    return high * 2 ** 32 + low;
  }
  text(path: string): string {
    const length = this.u8(`${path}/length`);
    const i = this.need(length, path);
    try {
      return utf8.decode(this.bytes.subarray(i, i + length));
    } catch {
      throw new FieldError('bad-text', `${path} is not well-formed UTF-8`, i, path);
    }
  }
  /** Fail with `bad-value` for the field that ended `back` bytes ago. */
  invalid(text: string, path: string, back: number): never {
    throw new FieldError('bad-value', text, this.at - back, path);
  }
  rest(): Uint8Array {
    const i = this.at;
    this.at = this.bytes.length;
    return this.bytes.slice(i);
  }
  list<T>(path: string, item: (path: string) => T): T[] {
    const count = this.u16(`${path}/count`);
    return Array.from({ length: count }, (_, k) => item(`${path}/${k}`));
  }
}

/** Run a reader over `bytes`; trailing bytes and field errors become a failed result. */
export function readAll<T>(bytes: Uint8Array, read: (r: FieldReader) => T): ParseResult<T, LinkMessageReason> {
  const reader = new FieldReader(bytes);
  try {
    const value = read(reader);
    if (reader.at !== bytes.length) return fail('trailing-bytes', `${bytes.length - reader.at} byte(s) after the end of the message`, reader.at);
    return ok(value);
  } catch (e) {
    if (e instanceof FieldError) return fail(e.reason, e.text, e.offset, e.path);
    throw e;
  }
}

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} ${value} is not an integer in ${min}..${max}`);
  return value;
}

/** Collects fields; out-of-range values throw RangeError (programmer errors). */
export class FieldWriter {
  private readonly parts: Uint8Array[] = [];

  u8(name: string, v: number): this {
    this.parts.push(new Uint8Array([check(name, v, 0, 0xff)]));
    return this;
  }
  u16(name: string, v: number): this {
    check(name, v, 0, 0xffff);
    this.parts.push(new Uint8Array([v >> 8, v & 0xff]));
    return this;
  }
  u32(name: string, v: number): this {
    check(name, v, 0, 0xffffffff);
    this.parts.push(new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
    return this;
  }
  i16(name: string, v: number, min: number, max: number): this {
    check(name, v, min, max);
    return this.u16(name, v & 0xffff);
  }
  u64(name: string, v: number): this {
    check(name, v, 0, Number.MAX_SAFE_INTEGER);
    return this.u32(name, Math.floor(v / 2 ** 32)).u32(name, v % 2 ** 32);
  }
  text(name: string, s: string): this {
    const bytes = utf8Encoder.encode(s);
    if (bytes.length > 0xff) throw new RangeError(`${name} is ${bytes.length} UTF-8 bytes, at most 255`);
    if (utf8.decode(bytes) !== s) throw new RangeError(`${name} is not well-formed Unicode (a lone surrogate)`);
    this.parts.push(new Uint8Array([bytes.length]), bytes);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  list<T>(name: string, items: readonly T[], item: (w: this, value: T) => void): this {
    this.u16(`${name} count`, items.length);
    for (const v of items) item(this, v);
    return this;
  }
  done(): Uint8Array {
    return concatBytes(...this.parts);
  }
}
