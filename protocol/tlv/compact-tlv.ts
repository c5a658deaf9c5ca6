/**
 * COMPACT-TLV data objects: one byte holding the tag (high nibble) and the
 * length (low nibble, 0 to 15), then the value. They fill the historical
 * bytes of an ATR after category indicator 00 or 80.
 *
 * ISO/IEC 7816-4 §5.2.2 (COMPACT-TLV) and §8.1.1 (historical bytes).
 * @module
 */
import { fail, ok, type Codec, type CommonReason, type ParseResult, type Prefix } from '../result.js';

/** Why COMPACT-TLV bytes could not be parsed or an object built. */
export type CompactTlvReason =
  | CommonReason
  /** A tag outside 0..15 handed to {@link compactTlvObject}. */
  | 'bad-tag';

/** One COMPACT-TLV data object (ISO/IEC 7816-4 §5.2.2): tag 0..15, value of 0 to 15 bytes. */
export interface CompactTlvObject {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Largest value length: the length is a nibble (ISO/IEC 7816-4 §5.2.2). */
export const MAX_COMPACT_TLV_LENGTH = 15;

/**
 * Smart constructor: checks the tag and the length so that
 * {@link encodeCompactTlv} is total.
 * @example compactTlvObject(0x3, hex('E0')) // ok: card service data
 */
export function compactTlvObject(tag: number, value: Uint8Array): ParseResult<CompactTlvObject, CompactTlvReason> {
  if (!Number.isInteger(tag) || tag < 0 || tag > 15) return fail('bad-tag', `tag ${tag} is not a nibble`, 0, 'tag');
  if (value.length > MAX_COMPACT_TLV_LENGTH) {
    return fail('too-large', `a COMPACT-TLV value holds at most 15 bytes, got ${value.length}`, 0, 'value');
  }
  return ok({ tag, value });
}

/**
 * Parse one COMPACT-TLV object at `offset` of `bytes` (ISO/IEC 7816-4 §5.2.2).
 * `bytesRead` counts from `offset`.
 * @example parseCompactTlvPrefix(hex('31 80 65')) // ok: tag 3, value 80, 2 bytes read
 */
export function parseCompactTlvPrefix(bytes: Uint8Array, offset = 0): ParseResult<Prefix<CompactTlvObject>, CompactTlvReason> {
  const head = bytes[offset];
  const path = `compact-tlv/${offset}`;
  if (head === undefined) return fail('truncated', 'a COMPACT-TLV object needs its tag-length byte', offset, path);
  const tag = head >> 4;
  const length = head & 0x0f;
  const end = offset + 1 + length;
  if (end > bytes.length) {
    return fail('truncated', `tag ${tag.toString(16).toUpperCase()} announces ${length} byte(s), ${bytes.length - offset - 1} left`, bytes.length, `${path}/value`);
  }
  return ok({ value: { tag, value: bytes.slice(offset + 1, end) }, bytesRead: 1 + length });
}

/**
 * Parse a whole field made of COMPACT-TLV objects, one after the other
 * (ISO/IEC 7816-4 §5.2.2). An empty field is an empty list.
 * @example parseCompactTlv(hex('31 80 73 BE 21 00')) // ok: objects 3 and 7
 */
export function parseCompactTlv(bytes: Uint8Array): ParseResult<CompactTlvObject[], CompactTlvReason> {
  const objects: CompactTlvObject[] = [];
  let at = 0;
  // Every object takes at least one byte, so the loop is bounded by the input.
  while (at < bytes.length) {
    const r = parseCompactTlvPrefix(bytes, at);
    if (!r.ok) return r;
    objects.push(r.value.value);
    at += r.value.bytesRead;
  }
  return ok(objects);
}

/**
 * Encode COMPACT-TLV objects, the exact inverse of {@link parseCompactTlv}.
 * Throws a RangeError on an object that {@link compactTlvObject} would refuse.
 * @example encodeCompactTlv([{ tag: 3, value: hex('80') }]) // 31 80
 */
export function encodeCompactTlv(objects: readonly CompactTlvObject[]): Uint8Array {
  let length = 0;
  for (const o of objects) {
    const checked = compactTlvObject(o.tag, o.value);
    if (!checked.ok) throw new RangeError(`encodeCompactTlv: ${checked.error.message}`);
    length += 1 + o.value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const o of objects) {
    out[at] = (o.tag << 4) | o.value.length;
    out.set(o.value, at + 1);
    at += 1 + o.value.length;
  }
  return out;
}

/**
 * The COMPACT-TLV codec over a field of objects (ISO/IEC 7816-4 §5.2.2).
 * @example compactTlvCodec.encode([{ tag: 0x4, value: hex('3F00') }]) // 42 3F 00
 */
export const compactTlvCodec: Codec<readonly CompactTlvObject[], CompactTlvReason> = {
  parse: parseCompactTlv,
  encode: encodeCompactTlv,
};
