/**
 * Command APDUs: the four header bytes, an optional command data field
 * (Lc) and an optional expected length (Le), in short or extended form.
 *
 * ISO/IEC 7816-4 §5.1 (command-response pairs) and ISO/IEC 7816-3 §12.1.3
 * (decoding of the command APDU by its length).
 * @module
 */
import { fail, ok, type Codec, type CommonReason, type ParseResult } from '../result.js';

/** Why a command APDU could not be parsed or built. */
export type CommandApduReason =
  | CommonReason
  /** Extended Lc = 0000 followed by more bytes (ISO/IEC 7816-4 §5.1: Lc is never zero). */
  | 'lc-zero'
  /** A header byte (CLA, INS, P1, P2) outside 0..255. */
  | 'bad-header'
  /** Nc outside 0..65535, or too long for the short form that was asked for. */
  | 'bad-lc'
  /** Ne outside 0..65536, or above 256 in a short APDU. */
  | 'bad-le'
  /** Extended form asked for a case 1 APDU, which has no length field at all. */
  | 'bad-case';

/**
 * A command APDU (ISO/IEC 7816-4 §5.1).
 *
 * `ne` is the maximum number of response bytes expected: 0 means no Le
 * field, short Le `00` means 256, extended Le `0000` means 65536.
 * `extended` records the length encoding on the wire so that encoding is
 * the exact inverse of parsing; it is `false` for case 1.
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** The command data field; its length is Nc. */
  readonly data: Uint8Array;
  readonly ne: number;
  readonly extended: boolean;
}

/**
 * The seven command-response cases of ISO/IEC 7816-3 §12.1.3: `1`, then
 * `2`/`3`/`4` with `S` (short) or `E` (extended).
 */
export type ApduCase = '1' | '2S' | '3S' | '4S' | '2E' | '3E' | '4E';

/** Largest Nc (ISO/IEC 7816-4 §5.1: extended Lc is 1 to 65535). */
export const MAX_NC = 65535;
/** Largest Ne (ISO/IEC 7816-4 §5.1: extended Le `0000` means 65536). */
export const MAX_NE = 65536;

/**
 * The case of a command APDU (ISO/IEC 7816-3 §12.1.3).
 * @example caseOf({ cla: 0, ins: 0xb0, p1: 0x82, p2: 0, data: new Uint8Array(0), ne: 256, extended: false }) // '2S'
 */
export function caseOf(apdu: CommandApdu): ApduCase {
  const hasData = apdu.data.length > 0;
  const hasLe = apdu.ne > 0;
  if (!hasData && !hasLe) return '1';
  const form = apdu.extended ? 'E' : 'S';
  if (!hasData) return `2${form}`;
  return hasLe ? `4${form}` : `3${form}`;
}

/** The fields a caller gives to {@link commandApdu}; data and lengths are optional. */
export interface CommandApduFields {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  readonly ne?: number;
  /** Ask for the extended form even when the short one would do. */
  readonly extended?: boolean;
}

const EMPTY = new Uint8Array(0);

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xff;
}

/**
 * Smart constructor: checks every field, so that {@link encodeCommandApdu}
 * is total. The short form is chosen when Nc ≤ 255 and Ne ≤ 256, unless
 * `extended` is asked for (ISO/IEC 7816-4 §5.1).
 * @example commandApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: hex('3F00') }) // ok, case 3S
 */
export function commandApdu(fields: CommandApduFields): ParseResult<CommandApdu, CommandApduReason> {
  const { cla, ins, p1, p2 } = fields;
  const data = fields.data ?? EMPTY;
  const ne = fields.ne ?? 0;
  const named = { cla, ins, p1, p2 } as const;
  for (const [name, v] of Object.entries(named)) {
    if (!isByte(v)) return fail('bad-header', `${name} = ${v} is not a byte`, 0, name);
  }
  if (data.length > MAX_NC) return fail('bad-lc', `Nc = ${data.length} exceeds ${MAX_NC}`, 0, 'data');
  if (!Number.isInteger(ne) || ne < 0 || ne > MAX_NE) return fail('bad-le', `Ne = ${ne} is not in 0..${MAX_NE}`, 0, 'ne');
  const needsExtended = data.length > 255 || ne > 256;
  if (fields.extended === false && needsExtended) {
    return fail(data.length > 255 ? 'bad-lc' : 'bad-le', 'the lengths do not fit the short form', 0, data.length > 255 ? 'data' : 'ne');
  }
  const extended = fields.extended === true || needsExtended;
  if (extended && data.length === 0 && ne === 0) return fail('bad-case', 'a case 1 APDU has no extended form', 0, 'extended');
  return ok({ cla, ins, p1, p2, data, ne, extended });
}

/**
 * Parse a whole command APDU: its length, given by the transport, decides
 * the case (ISO/IEC 7816-3 §12.1.3). CLA is not judged here: a card answers
 * an invalid class with 6E00, see `decodeCla`.
 * @example parseCommandApdu(hex('00 A4 00 00 02 3F 00')) // ok: SELECT MF, case 3S
 */
export function parseCommandApdu(bytes: Uint8Array): ParseResult<CommandApdu, CommandApduReason> {
  const n = bytes.length;
  if (n < 4) return fail('truncated', `a command APDU has at least 4 bytes, got ${n}`, n, 'header');
  const cla = bytes[0]!;
  const ins = bytes[1]!;
  const p1 = bytes[2]!;
  const p2 = bytes[3]!;
  if (n === 4) return ok({ cla, ins, p1, p2, data: EMPTY, ne: 0, extended: false });
  const b0 = bytes[4]!;
  if (n === 5) return ok({ cla, ins, p1, p2, data: EMPTY, ne: b0 === 0 ? 256 : b0, extended: false });
  if (b0 !== 0) {
    // Short Lc (1..255), then data, then an optional short Le.
    const end = 5 + b0;
    if (n < end) return fail('truncated', `Lc = ${b0} but only ${n - 5} data byte(s)`, n, 'data');
    const data = bytes.slice(5, end);
    if (n === end) return ok({ cla, ins, p1, p2, data, ne: 0, extended: false });
    if (n === end + 1) {
      const le = bytes[end]!;
      return ok({ cla, ins, p1, p2, data, ne: le === 0 ? 256 : le, extended: false });
    }
    return fail('trailing-bytes', `${n - end - 1} byte(s) after Le`, end + 1);
  }
  // b0 = 00 with more bytes: the extended form, two more length bytes.
  if (n === 6) return fail('truncated', 'extended length field needs 2 more bytes', n, 'lc');
  const l16 = (bytes[5]! << 8) | bytes[6]!;
  if (n === 7) return ok({ cla, ins, p1, p2, data: EMPTY, ne: l16 === 0 ? MAX_NE : l16, extended: true });
  if (l16 === 0) return fail('lc-zero', 'extended Lc = 0000 is not allowed', 5, 'lc');
  const end = 7 + l16;
  if (n < end) return fail('truncated', `Lc = ${l16} but only ${n - 7} data byte(s)`, n, 'data');
  const data = bytes.slice(7, end);
  if (n === end) return ok({ cla, ins, p1, p2, data, ne: 0, extended: true });
  if (n === end + 1) return fail('truncated', 'extended Le needs 2 bytes', n, 'le');
  if (n === end + 2) {
    const le = (bytes[end]! << 8) | bytes[end + 1]!;
    return ok({ cla, ins, p1, p2, data, ne: le === 0 ? MAX_NE : le, extended: true });
  }
  return fail('trailing-bytes', `${n - end - 2} byte(s) after Le`, end + 2);
}

/**
 * Encode a command APDU built by {@link commandApdu} or {@link parseCommandApdu}
 * (ISO/IEC 7816-4 §5.1). Total on such values; a hand-made value that
 * breaks the invariants gets a RangeError.
 * @example toHex(encodeCommandApdu(apdu)) // '00A40000023F00'
 */
export function encodeCommandApdu(apdu: CommandApdu): Uint8Array {
  const nc = apdu.data.length;
  const { ne, extended } = apdu;
  if (!extended && (nc > 255 || ne > 256)) throw new RangeError('short APDU with Nc > 255 or Ne > 256');
  if (nc > MAX_NC || ne > MAX_NE || ne < 0) throw new RangeError('Nc or Ne out of range');
  const lcBytes = nc === 0 ? 0 : extended ? 3 : 1;
  const leBytes = ne === 0 ? 0 : extended ? (nc === 0 ? 3 : 2) : 1;
  if (extended && lcBytes + leBytes === 0) throw new RangeError('a case 1 APDU has no extended form');
  const out = new Uint8Array(4 + lcBytes + nc + leBytes);
  out[0] = apdu.cla;
  out[1] = apdu.ins;
  out[2] = apdu.p1;
  out[3] = apdu.p2;
  let at = 4;
  if (lcBytes === 1) out[at++] = nc;
  else if (lcBytes === 3) {
    out[at++] = 0;
    out[at++] = nc >> 8;
    out[at++] = nc & 0xff;
  }
  out.set(apdu.data, at);
  at += nc;
  // Ne = 256 (short) and 65536 (extended) wrap to all-zero Le bytes.
  if (leBytes === 1) out[at] = ne & 0xff;
  else if (leBytes >= 2) {
    if (leBytes === 3) out[at++] = 0;
    out[at++] = (ne >> 8) & 0xff;
    out[at] = ne & 0xff;
  }
  return out;
}

/**
 * The command APDU codec (ISO/IEC 7816-4 §5.1).
 * @example commandApduCodec.encode(commandApduCodec.parse(bytes).value) // the same bytes
 */
export const commandApduCodec: Codec<CommandApdu, CommandApduReason> = {
  parse: parseCommandApdu,
  encode: encodeCommandApdu,
};
