/**
 * The one result shape of every parser in `protocol/`.
 *
 * Parsers never throw on input: malformed bytes come back as a
 * {@link ParseError} with a machine `reason`, a human `message`, the byte
 * `offset` where the problem was found and the field `path`.
 * @module
 */

/** Reasons shared by every codec; each codec adds its own literals. */
export type CommonReason = 'truncated' | 'trailing-bytes' | 'too-large' | 'too-deep' | 'bad-hex';

/** Why a parse failed, where, and in which field. */
export interface ParseError<R extends string = string> {
  /** Machine-readable code, a literal of the codec's reason union. */
  readonly reason: R;
  /** One sentence for people. Never contains secret material. */
  readonly message: string;
  /** Byte offset in the parsed input where the problem was found. */
  readonly offset: number;
  /** Field path, for example `"tlv/65/93/length"`; empty at the top. */
  readonly path: string;
}

/** A successful parse. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failed parse. */
export interface Err<R extends string = string> {
  readonly ok: false;
  readonly error: ParseError<R>;
}

/** The result of every parser: the value, or a typed error. */
export type ParseResult<T, R extends string = string> = Ok<T> | Err<R>;

/** A prefix parser's value and how many bytes it consumed. */
export interface Prefix<T> {
  readonly value: T;
  readonly bytesRead: number;
}

/** Wrap a value as a successful result. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** Build a failed result. */
export function fail<R extends string>(reason: R, message: string, offset: number, path = ''): Err<R> {
  return { ok: false, error: { reason, message, offset, path } };
}

/**
 * Re-anchor an error found while parsing a sub-field: its offset moves by
 * `base` and its path gains `prefix` in front.
 */
export function nest<R extends string>(err: Err<R>, base: number, prefix: string): Err<R> {
  const e = err.error;
  const path = e.path === '' ? prefix : prefix === '' ? e.path : `${prefix}/${e.path}`;
  return { ok: false, error: { ...e, offset: e.offset + base, path } };
}

/**
 * Turn a prefix parse into a strict one: leftover bytes are a
 * `trailing-bytes` failure (STYLE.md: parsing is strict).
 */
export function strict<T, R extends string>(
  result: ParseResult<Prefix<T>, R>,
  length: number,
  what: string,
): ParseResult<T, R | 'trailing-bytes'> {
  if (!result.ok) return result;
  const { value, bytesRead } = result.value;
  if (bytesRead !== length) {
    return fail('trailing-bytes', `${length - bytesRead} byte(s) after the end of the ${what}`, bytesRead);
  }
  return ok(value);
}

/** Render an error as one line for people: `reason at offset N (path): message`. */
export function describeError(error: ParseError): string {
  const where = error.path === '' ? '' : ` (${error.path})`;
  return `${error.reason} at offset ${error.offset}${where}: ${error.message}`;
}

/**
 * A format's codec: `parse` is strict and total, `encode` is its exact
 * inverse (STYLE.md "Byte codecs").
 */
export interface Codec<T, R extends string = string> {
  parse(bytes: Uint8Array): ParseResult<T, R>;
  encode(value: T): Uint8Array;
}
