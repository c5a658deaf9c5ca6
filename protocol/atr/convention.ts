/**
 * The two conventions of the character frame (ISO/IEC 7816-3 §8.1): the
 * card announces its own with TS. In the inverse convention a logical 1 is
 * the low state and bits come most significant first, so a byte read as if
 * it were direct is the logical byte with its bits inverted and reversed.
 * TS `3F` is seen as `03` by a receiver expecting the direct convention.
 * @module
 */

/** The convention of an ATR, from TS (ISO/IEC 7816-3 §8.1): `3B` direct, `3F` inverse. */
export type AtrConvention = 'direct' | 'inverse';

/** TS of the direct convention (ISO/IEC 7816-3 §8.1). */
export const TS_DIRECT = 0x3b;
/** TS of the inverse convention, logical value (ISO/IEC 7816-3 §8.1). */
export const TS_INVERSE = 0x3f;

/** Each byte's bits reversed and inverted: the involution between the two readings. */
const FLIP = Uint8Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let bit = 0; bit < 8; bit++) if ((b >> bit) & 1) r |= 0x80 >> bit;
  return ~r & 0xff;
});

function flip(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = FLIP[bytes[i]!]!;
  return out;
}

/**
 * Logical bytes of a stream received as if it were in the direct convention
 * from a card that uses the inverse one (ISO/IEC 7816-3 §8.1): each byte is
 * inverted and bit-reversed. The transform is its own inverse.
 * @example fromInverseConvention(hex('03')) // 3F
 */
export function fromInverseConvention(raw: Uint8Array): Uint8Array {
  return flip(raw);
}

/**
 * What an inverse-convention card puts on the line for `logical` bytes, read
 * as if direct (ISO/IEC 7816-3 §8.1): the inverse of {@link fromInverseConvention}.
 * @example toInverseConvention(hex('3F 65 25')) // 03 59 5B
 */
export function toInverseConvention(logical: Uint8Array): Uint8Array {
  return flip(logical);
}
