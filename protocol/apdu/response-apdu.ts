/**
 * Response APDUs: an optional response data field followed by the two
 * status bytes SW1 SW2 (ISO/IEC 7816-4 §5.1, §5.6).
 * @module
 */
import { fail, ok, type Codec, type CommonReason, type ParseResult } from '../result.js';

/** Why a response APDU could not be parsed or built. */
export type ResponseApduReason = CommonReason | 'bad-sw';

/**
 * A response APDU (ISO/IEC 7816-4 §5.1): data (Nr bytes, possibly none)
 * and the status word `sw` = SW1 × 256 + SW2.
 */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** SW1, the high status byte (ISO/IEC 7816-4 §5.6). */
export function sw1(response: ResponseApdu): number {
  return response.sw >> 8;
}

/** SW2, the low status byte (ISO/IEC 7816-4 §5.6). */
export function sw2(response: ResponseApdu): number {
  return response.sw & 0xff;
}

/**
 * Smart constructor: `sw` must be a 16-bit integer. SW1 values outside
 * 6X/9X are not refused here (`describeSw` calls them invalid): transports
 * pass them through and the application judges.
 * @example responseApdu(hex('6F 00'), 0x9000) // ok
 */
export function responseApdu(data: Uint8Array, sw: number): ParseResult<ResponseApdu, ResponseApduReason> {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) return fail('bad-sw', `SW ${sw} is not a 16-bit value`, 0, 'sw');
  return ok({ data, sw });
}

/**
 * Parse a whole response APDU: everything but the last two bytes is data
 * (ISO/IEC 7816-4 §5.1).
 * @example parseResponseApdu(hex('6A 82')) // ok: no data, SW 6A82
 */
export function parseResponseApdu(bytes: Uint8Array): ParseResult<ResponseApdu, ResponseApduReason> {
  const n = bytes.length;
  if (n < 2) return fail('truncated', `a response APDU ends with SW1 SW2, got ${n} byte(s)`, n, 'sw');
  return ok({ data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! });
}

/**
 * Encode a response APDU: data then SW1 SW2 (ISO/IEC 7816-4 §5.1).
 * @example toHex(encodeResponseApdu({ data: new Uint8Array(0), sw: 0x9000 })) // '9000'
 */
export function encodeResponseApdu(response: ResponseApdu): Uint8Array {
  const { data, sw } = response;
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new RangeError(`SW ${sw} is not a 16-bit value`);
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/**
 * The response APDU codec (ISO/IEC 7816-4 §5.1).
 * @example responseApduCodec.parse(hex('90 00')) // ok({ data: empty, sw: 0x9000 })
 */
export const responseApduCodec: Codec<ResponseApdu, ResponseApduReason> = {
  parse: parseResponseApdu,
  encode: encodeResponseApdu,
};
