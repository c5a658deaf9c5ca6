/**
 * The NIR as the carte Vitale stores it: exactly 15 ASCII characters,
 * upper case, no separators (Vitale 2 tag 93 of the beneficiary template,
 * cardpeek vitale_2.lua; B2 invoice header columns 12-26, NIR then key).
 * A byte codec in the house shape: strict, and `encode` is the exact
 * inverse of `parse`.
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { checkFields, digits, failure, fieldMessage, LETTER_A, LETTER_B, NIR_LENGTH, offsets, REASON_PATH, type NirReason } from './nir-rules.js';
import { formatNir, scratchNir, type Nir } from './nir.js';

/** Why 15 ASCII bytes are not a NIR: the field reasons plus a wrong byte count. */
export type NirAsciiReason = NirReason | 'truncated' | 'trailing-bytes';

/**
 * Parse the 15 ASCII bytes of a stored NIR. Fewer bytes are `truncated`,
 * more are `trailing-bytes`; only '0'-'9' are allowed, and 'A' / 'B' as
 * the 7th byte (Corsica). Same field rules as `parseNir`.
 * @example parseNirAscii(hex('32 36 39 30 35 34 39 35 38 38 31 35 37 38 30')) // ok: '269054958815780'
 */
export function parseNirAscii(bytes: Uint8Array): ParseResult<Nir, NirAsciiReason> {
  const n = bytes.length;
  if (n < NIR_LENGTH) return fail('truncated', `a stored NIR has ${NIR_LENGTH} bytes, got ${n}`, n);
  if (n > NIR_LENGTH) return fail('trailing-bytes', `${n - NIR_LENGTH} byte(s) after the ${NIR_LENGTH}-byte NIR`, NIR_LENGTH);
  for (let i = 0; i < NIR_LENGTH; i++) {
    const b = bytes[i]!;
    if (b >= 0x30 && b <= 0x39) digits[i] = b - 0x30;
    else if (i === 6 && b === 0x41) digits[i] = LETTER_A;
    else if (i === 6 && b === 0x42) digits[i] = LETTER_B;
    else return fail('bad-character', `byte ${b.toString(16).toUpperCase().padStart(2, '0')} is not an upper-case NIR character here`, i);
    offsets[i] = i;
  }
  const reason = checkFields(NIR_LENGTH);
  if (reason !== undefined) return fail(reason, fieldMessage(reason), failure.offset, REASON_PATH[reason]);
  return ok(scratchNir());
}

/**
 * Encode a NIR as its 15 ASCII bytes. Throws a RangeError if `value`
 * breaks a NIR rule (build it with `nir()`).
 * @example toHex(encodeNirAscii(value)) // '323639303534393538383135373830'
 */
export function encodeNirAscii(value: Nir): Uint8Array {
  const text = formatNir(value, 'compact');
  const out = new Uint8Array(NIR_LENGTH);
  for (let i = 0; i < NIR_LENGTH; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * The stored-NIR byte codec (Vitale tag 93, B2 columns 12-26).
 * @example nirAsciiCodec.parse(hex('32 35 33 30 37 32 42 30 37 33 30 30 34 37 30')) // ok: 2B Corsica
 */
export const nirAsciiCodec: Codec<Nir, NirAsciiReason> = {
  parse: parseNirAscii,
  encode: encodeNirAscii,
};
