/**
 * vpcd framing: a 2-byte big-endian length, then that many payload bytes,
 * in both directions of the TCP link between vsmartcard's vpcd (the
 * pcscd driver) and a virtual card.
 *
 * vsmartcard virtualsmartcard/src/vpcd/vpcd.c (sendToVICC, recvFromVICC);
 * DOMAIN.md "PC/SC plumbing".
 * @module
 */
import { u16be } from '../bytes.js';
import { fail, ok, strict, type Codec, type CommonReason, type ParseResult, type Prefix } from '../result.js';

/** Why vpcd bytes could not be parsed. */
export type VpcdReason =
  | CommonReason
  /** A 1-byte payload from vpcd that is not 00, 01, 02 or 04. */
  | 'bad-control'
  /** An empty payload where vpcd never sends one (see README). */
  | 'empty-payload';

/** Size of the length field. */
export const VPCD_LENGTH_BYTES = 2;
/** Largest payload: the length field is 16 bits (vpcd.c refuses more than FFFFh). */
export const VPCD_MAX_PAYLOAD = 0xffff;

/**
 * Parse one frame from the front of `bytes`; the value is the payload (a copy).
 * @example parseVpcdFramePrefix(hex('00 01 04 00 01')) // ok: payload 04, bytesRead 3
 */
export function parseVpcdFramePrefix(bytes: Uint8Array): ParseResult<Prefix<Uint8Array>, VpcdReason> {
  if (bytes.length < VPCD_LENGTH_BYTES) return fail('truncated', 'a vpcd frame starts with a 2-byte length', bytes.length, 'length');
  const length = u16be(bytes, 0);
  const end = VPCD_LENGTH_BYTES + length;
  if (bytes.length < end) return fail('truncated', `length ${length} but ${bytes.length - VPCD_LENGTH_BYTES} payload byte(s)`, bytes.length, 'payload');
  return ok({ value: bytes.slice(VPCD_LENGTH_BYTES, end), bytesRead: end });
}

/**
 * Parse exactly one frame.
 * @example parseVpcdFrame(hex('00 02 90 00')) // ok: payload 90 00
 */
export function parseVpcdFrame(bytes: Uint8Array): ParseResult<Uint8Array, VpcdReason> {
  return strict(parseVpcdFramePrefix(bytes), bytes.length, 'vpcd frame');
}

/**
 * Frame a payload. Throws RangeError above {@link VPCD_MAX_PAYLOAD} bytes.
 * @example encodeVpcdFrame(hex('04')) // 00 01 04
 */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) throw new RangeError(`a vpcd payload has at most ${VPCD_MAX_PAYLOAD} bytes, got ${payload.length}`);
  const out = new Uint8Array(VPCD_LENGTH_BYTES + payload.length);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, VPCD_LENGTH_BYTES);
  return out;
}

/**
 * The frame codec: payload ↔ length-prefixed bytes.
 * @example vpcdFrameCodec.encode(hex('90 00')) // 00 02 90 00
 */
export const vpcdFrameCodec: Codec<Uint8Array, VpcdReason> = {
  parse: parseVpcdFrame,
  encode: encodeVpcdFrame,
};
