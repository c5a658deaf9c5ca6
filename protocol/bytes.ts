/**
 * Byte helpers shared by the codecs: hex text, concatenation, comparison.
 * @module
 */
import { fail, ok, type ParseResult } from './result.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/** Upper-case hex of `bytes`, with `separator` between bytes (none by default). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator !== '') out += separator;
    out += HEX[bytes[i]!];
  }
  return out;
}

const SEPARATORS = /[\s:_-]/g;

/**
 * Parse hex text. Spaces, colons, dashes and underscores between digits are
 * ignored, as are an optional `0x` prefix and either case.
 * @example fromHex('3B 75 13 00') // ok, 4 bytes
 */
export function fromHex(text: string): ParseResult<Uint8Array, 'bad-hex'> {
  const clean = text.replace(/^0x/i, '').replace(SEPARATORS, '');
  if (clean.length % 2 !== 0) return fail('bad-hex', 'hex text has an odd number of digits', clean.length >> 1);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const pair = clean.slice(2 * i, 2 * i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return fail('bad-hex', `"${pair}" is not a hex byte`, i);
    out[i] = parseInt(pair, 16);
  }
  return ok(out);
}

/**
 * Hex to bytes for literals written by the programmer (tests, tables).
 * Throws a TypeError on bad text: that is a bug in the caller, not input.
 */
export function hex(text: string): Uint8Array {
  const r = fromHex(text);
  if (!r.ok) throw new TypeError(`bad hex literal: ${r.error.message}`);
  return r.value;
}

/** Concatenate byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when both arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Read a big-endian unsigned 16-bit integer at `offset` (caller checks bounds). */
export function u16be(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** Read a little-endian unsigned 32-bit integer at `offset` (caller checks bounds). */
export function u32le(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}
