/**
 * What a payload from vpcd means: a 1-byte control (power off, power on,
 * reset, get ATR) or a command APDU.
 *
 * vsmartcard virtualsmartcard/src/vpcd/vpcd.h (VPCD_CTRL_OFF 0,
 * VPCD_CTRL_ON 1, VPCD_CTRL_RESET 2, VPCD_CTRL_ATR 4, VPCD_CTRL_LEN 1).
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import type { VpcdReason } from './frame.js';

/** A control from vpcd. Only `get-atr` expects an answer: the ATR. */
export type VpcdControl = 'power-off' | 'power-on' | 'reset' | 'get-atr';

/** A payload from vpcd, decoded. */
export type VpcdMessage =
  | { readonly kind: 'control'; readonly control: VpcdControl }
  /** A command APDU (2 bytes or more: vpcd passes on what the application sent). */
  | { readonly kind: 'apdu'; readonly apdu: Uint8Array };

/** The control byte of each control (vpcd.h). */
export const VPCD_CONTROL: Readonly<Record<VpcdControl, number>> = {
  'power-off': 0x00,
  'power-on': 0x01,
  reset: 0x02,
  'get-atr': 0x04,
};

const CONTROL_OF = new Map(Object.entries(VPCD_CONTROL).map(([k, v]) => [v, k as VpcdControl]));

/**
 * Decode a payload received from vpcd. Empty → `empty-payload` (vpcd
 * never frames one); an undefined 1-byte control → `bad-control`.
 * @example parseVpcdMessage(hex('04')) // ok: { kind: 'control', control: 'get-atr' }
 */
export function parseVpcdMessage(payload: Uint8Array): ParseResult<VpcdMessage, VpcdReason> {
  if (payload.length === 0) return fail('empty-payload', 'vpcd never sends an empty payload', 0);
  if (payload.length > 1) return ok({ kind: 'apdu', apdu: payload.slice() });
  const control = CONTROL_OF.get(payload[0]!);
  if (control === undefined) return fail('bad-control', `vpcd control ${payload[0]!} is not 00, 01, 02 or 04`, 0, 'control');
  return ok({ kind: 'control', control });
}

/**
 * Encode a message as vpcd sends it (the payload, without the length).
 * Throws RangeError for an APDU shorter than 2 bytes (it would read back
 * as a control) or longer than 65,535.
 * @example encodeVpcdMessage({ kind: 'control', control: 'power-on' }) // 01
 */
export function encodeVpcdMessage(message: VpcdMessage): Uint8Array {
  if (message.kind === 'control') {
    const b = VPCD_CONTROL[message.control];
    if (b === undefined) throw new RangeError(`unknown vpcd control ${String(message.control)}`);
    return Uint8Array.of(b);
  }
  const n = message.apdu.length;
  if (n < 2 || n > 0xffff) throw new RangeError(`a vpcd APDU payload has 2 to 65535 bytes, got ${n}`);
  return message.apdu.slice();
}

/**
 * The codec of payloads from vpcd.
 * @example vpcdMessageCodec.parse(hex('00 A4 00 00 02 3F 00')) // ok: an APDU
 */
export const vpcdMessageCodec: Codec<VpcdMessage, VpcdReason> = {
  parse: parseVpcdMessage,
  encode: encodeVpcdMessage,
};
