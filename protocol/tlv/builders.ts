/**
 * Builders of BER-TLV data objects with minimal lengths, for tests, card
 * images and the emulator's answers (FCP, GET DATA).
 *
 * ISO/IEC 7816-4 §5.2; X.690 §8.1.3 (the minimal length form is ours to
 * choose, any form parses).
 * @module
 */
import { encodeTlv, minimalLengthSize, type TlvConstructed, type TlvItem, type TlvPadding, type TlvPrimitive } from './ber-tlv.js';
import { decodeTag, tagHex } from './tag.js';

function checkedTag(tag: number, constructed: boolean): void {
  const info = decodeTag(tag);
  if (!info.ok) throw new RangeError(info.error.message);
  if (info.value.constructed !== constructed) {
    throw new RangeError(`tag ${tagHex(tag)} is ${info.value.constructed ? 'constructed: use tlvConstructed' : 'primitive: use tlv'}`);
  }
}

function checkedLengthSize(tag: number, length: number, lengthSize: number | undefined): number {
  const min = minimalLengthSize(length);
  if (lengthSize === undefined) return min;
  if (!Number.isInteger(lengthSize) || lengthSize < min || lengthSize > 5) {
    throw new RangeError(`lengthSize ${lengthSize} cannot state length ${length} (tag ${tagHex(tag)})`);
  }
  return lengthSize;
}

/**
 * A primitive data object. `lengthSize` (1 to 5) asks for a non-minimal
 * length field. Throws a RangeError for a malformed or constructed tag.
 * @example encodeTlvNode(tlv(0x93, latin1Bytes('269054958815780'))) // 93 0F 32 36 39 ...
 */
export function tlv(tag: number, value: Uint8Array, lengthSize?: number): TlvPrimitive {
  checkedTag(tag, false);
  return { tag, lengthSize: checkedLengthSize(tag, value.length, lengthSize), value, constructed: false };
}

/**
 * A constructed data object holding `children` (data objects and padding).
 * Its `value` is their encoding. Throws a RangeError for a malformed or
 * primitive tag, or children {@link encodeTlv} refuses.
 * @example encodeTlvNode(tlvConstructed(0x65, [tlv(0x80, latin1Bytes('DUPONT'))])) // 65 08 80 06 44 55 50 4F 4E 54
 */
export function tlvConstructed(tag: number, children: readonly TlvItem[], lengthSize?: number): TlvConstructed {
  checkedTag(tag, true);
  const value = encodeTlv(children);
  return { tag, lengthSize: checkedLengthSize(tag, value.length, lengthSize), value, constructed: true, children };
}

/**
 * A padding run of `count` bytes of `fill` (00 or FF), as left by erased
 * objects or an EF larger than its data (ISO/IEC 7816-4 §5.2).
 * @example tlvPadding(3) // { padding: 00 00 00 }
 */
export function tlvPadding(count: number, fill: 0x00 | 0xff = 0x00): TlvPadding {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`padding of ${count} bytes: at least 1`);
  if (fill !== 0x00 && fill !== 0xff) throw new RangeError('padding bytes are 00 or FF');
  return { padding: new Uint8Array(count).fill(fill) };
}

/**
 * The bytes of ASCII (or Latin-1) text, one byte per character, as the
 * Vitale and CPS cards store names, dates and NIRs. Throws a RangeError for
 * a character above U+00FF.
 * @example latin1Bytes('19690512') // 31 39 36 39 30 35 31 32
 */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character U+${c.toString(16).toUpperCase()} is not Latin-1`);
    out[i] = c;
  }
  return out;
}
