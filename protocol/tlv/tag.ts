/**
 * BER-TLV tags: one number per tag, holding the tag's bytes big-endian
 * (`0x65`, `0x7F21`, `0xBF8101`), and what those bytes say: class,
 * constructed bit and X.690 tag number.
 *
 * ISO/IEC 7816-4 §5.2 (BER-TLV data objects); ISO/IEC 8825-1 (X.690) §8.1.2
 * (identifier octets).
 * @module
 */
import { toHex } from '../bytes.js';
import { fail, ok, type ParseResult } from '../result.js';

/** The class of a tag, bits 8-7 of its first byte (X.690 §8.1.2.2, table 1). */
export type TlvClass = 'universal' | 'application' | 'context' | 'private';

/** Why a tag number or tag text is not a tag. */
export type TagReason = 'bad-tag';

/** What a tag's bytes say (X.690 §8.1.2). */
export interface TlvTagInfo {
  /** The tag's bytes as a big-endian number, for example `0x7F21`. */
  readonly tag: number;
  /** The tag's bytes, 1 to {@link MAX_TAG_BYTES}. */
  readonly bytes: Uint8Array;
  /** Bits 8-7 of the first byte. */
  readonly tagClass: TlvClass;
  /** Bit 6 of the first byte: the value is itself BER-TLV. */
  readonly constructed: boolean;
  /** The X.690 tag number: bits 5-1 of a one-byte tag, else bits 7-1 of the subsequent bytes. */
  readonly number: number;
}

/**
 * Longest tag this module represents: 4 bytes, so that a tag fits an
 * unsigned 32-bit number. ISO/IEC 7816-4 §5.2 itself uses 1 to 3 bytes and
 * reserves longer tags; the parser's `maxTagBytes` option defaults to 3.
 */
export const MAX_TAG_BYTES = 4;

const CLASSES: readonly TlvClass[] = ['universal', 'application', 'context', 'private'];

/**
 * How many bytes the tag number `tag` stands for (1 to 4). The first byte of
 * a tag is never 00, so the byte count follows from the magnitude.
 * @example tagByteLength(0xBF8101) // 3
 */
export function tagByteLength(tag: number): number {
  if (tag < 0x100) return 1;
  if (tag < 0x10000) return 2;
  if (tag < 0x1000000) return 3;
  return 4;
}

/**
 * Why `tag` is not a well-formed tag of at most `maxBytes` bytes, or `null`
 * when it is. Structure checked (X.690 §8.1.2.4): a one-byte tag has bits 5-1
 * not all set; a longer one starts with bits 5-1 all set, every subsequent
 * byte but the last has bit 8 set, the last has it clear. First bytes 00 and
 * FF are refused: ISO/IEC 7816-4 §5.2 makes them padding between data objects.
 * Non-minimal tag numbers (`9F02`, `1F 80 01`) are accepted, as EMV and
 * cards use them; the bytes are kept, so they round-trip.
 */
export function tagProblem(tag: number, maxBytes: number = MAX_TAG_BYTES): string | null {
  if (!Number.isInteger(tag) || tag < 1 || tag > 0xffffffff) return `${String(tag)} is not a tag number of 1 to 4 bytes`;
  const n = tagByteLength(tag);
  if (n > maxBytes) return `tag ${tagHex(tag)} is longer than ${maxBytes} byte(s)`;
  const first = Math.floor(tag / 256 ** (n - 1));
  if (first === 0xff) return 'FF is a padding byte, not a tag';
  const escape = (first & 0x1f) === 0x1f;
  if (n === 1) return escape ? `tag ${tagHex(tag)} announces subsequent bytes that are missing` : null;
  if (!escape) return `tag ${tagHex(tag)} has subsequent bytes but its first byte does not announce them`;
  for (let i = n - 2; i >= 0; i--) {
    const b = Math.floor(tag / 256 ** i) & 0xff;
    const more = (b & 0x80) !== 0;
    if (more !== i > 0) return `tag ${tagHex(tag)} has a bad continuation bit in byte ${n - i}`;
  }
  return null;
}

/**
 * The bytes of a tag number, big-endian, without validating it.
 * @example tagToBytes(0x5F37) // 5F 37
 */
export function tagToBytes(tag: number): Uint8Array {
  const n = tagByteLength(tag);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(tag / 256 ** (n - 1 - i)) & 0xff;
  return out;
}

/**
 * Upper-case hex of a tag's bytes, the form used in tag paths and error
 * paths.
 * @example tagHex(0xBF8101) // 'BF8101'
 */
export function tagHex(tag: number): string {
  return toHex(tagToBytes(tag));
}

/**
 * Check a tag number and say what it means (X.690 §8.1.2; ISO/IEC 7816-4 §5.2).
 * @example decodeTag(0x7F21) // ok: application class, constructed, number 0x21
 */
export function decodeTag(tag: number, maxBytes: number = MAX_TAG_BYTES): ParseResult<TlvTagInfo, TagReason> {
  const problem = tagProblem(tag, maxBytes);
  if (problem !== null) return fail('bad-tag', problem, 0, 'tag');
  const bytes = tagToBytes(tag);
  const first = bytes[0]!;
  let number = first & 0x1f;
  if (bytes.length > 1) {
    number = 0;
    for (let i = 1; i < bytes.length; i++) number = number * 128 + (bytes[i]! & 0x7f);
  }
  return ok({ tag, bytes, tagClass: CLASSES[first >> 6]!, constructed: (first & 0x20) !== 0, number });
}

/**
 * Read a tag written as hex (`'7F21'`, `'bf 81 01'`), as in tag paths.
 * @example parseTagHex('5F37') // ok: 0x5F37
 */
export function parseTagHex(text: string, maxBytes: number = MAX_TAG_BYTES): ParseResult<number, TagReason> {
  const clean = text.replace(/\s/g, '');
  if (!/^(?:[0-9a-fA-F]{2}){1,4}$/.test(clean)) return fail('bad-tag', `"${text}" is not a tag in hex`, 0, 'tag');
  const tag = parseInt(clean, 16);
  // A leading 00 would be lost by the number form: 00 is padding, never a tag.
  if (clean.length !== 2 * tagByteLength(tag)) return fail('bad-tag', `"${text}" starts with 00, a padding byte`, 0, 'tag');
  const problem = tagProblem(tag, maxBytes);
  return problem === null ? ok(tag) : fail('bad-tag', problem, 0, 'tag');
}
