/**
 * The 10-byte header shared by every bulk CCID message, the failure
 * reasons of the folder and the little-endian helpers the codecs use.
 *
 * USB CCID Rev 1.1 §6.1 (bulk-out) and §6.2 (bulk-in): bMessageType,
 * dwLength (little-endian), bSlot, bSeq, then three message-specific
 * bytes and dwLength bytes of data.
 * @module
 */
import { fail, ok, type CommonReason, type Err, type ParseResult } from '../result.js';

/**
 * Why a CCID message or descriptor could not be parsed.
 *
 * For command messages, the `offset` of a `bad-parameter` or `bad-rfu`
 * error is the index of the offending byte in the message: what a reader
 * returns in bError (CCID §6.2.6, "index of not supported / incorrect
 * message parameter").
 */
export type CcidReason =
  | CommonReason
  /** bMessageType is not a message of this direction (CCID §6.1, §6.2, §6.3). */
  | 'bad-message-type'
  /** dwLength (or bLength) is not the one the message requires. */
  | 'bad-length'
  /** A reserved byte or bit is not zero. */
  | 'bad-rfu'
  /** A message-specific field holds a value the standard does not define. */
  | 'bad-parameter'
  /** bStatus holds an RFU value (CCID §6.2.6). */
  | 'bad-status'
  /** bProtocolNum is neither T=0 (00) nor T=1 (01) (CCID §6.1.7). */
  | 'bad-protocol'
  /** bDescriptorType is not 21h (CCID §5.1). */
  | 'bad-descriptor-type'
  /** dwFeatures announces more than one exchange level (CCID §5.1). */
  | 'bad-features';

/** Size of the bulk message header (CCID §6.1, §6.2). */
export const CCID_HEADER_LENGTH = 10;

/**
 * Largest dwLength accepted: an extended command APDU (4 + 3 + 65535 + 2
 * bytes). A reader announcing dwMaxCCIDMessageLength 65554 (10 + this)
 * is the largest seen in libccid's reader list. Larger → `too-large`.
 */
export const CCID_MAX_DATA_LENGTH = 65_544;

/** The header fields every bulk message has, decoded. */
export interface CcidHeader {
  readonly messageType: number;
  readonly slot: number;
  readonly seq: number;
  /** The three message-specific bytes, offsets 7 to 9. */
  readonly b7: number;
  readonly b8: number;
  readonly b9: number;
  /** The abData field, a copy. */
  readonly data: Uint8Array;
}

/** Read a little-endian unsigned 16-bit integer at `offset` (caller checks bounds). */
export function u16le(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

/** Write `value` as a little-endian 16-bit integer at `offset`. */
export function putU16le(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
}

/** Write `value` as a little-endian 32-bit integer at `offset`. */
export function putU32le(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * Read a header and its data from the front of `bytes`. `known` says which
 * message types the direction allows; an unknown one fails at once so a
 * stream reader need not wait for the rest.
 */
export function readHeader(
  bytes: Uint8Array,
  known: (messageType: number) => boolean,
): ParseResult<{ header: CcidHeader; bytesRead: number }, CcidReason> {
  const n = bytes.length;
  if (n === 0) return fail('truncated', 'empty CCID message', 0, 'bMessageType');
  const messageType = bytes[0]!;
  if (!known(messageType)) {
    return fail('bad-message-type', `unknown message type ${hex2(messageType)}`, 0, 'bMessageType');
  }
  if (n < CCID_HEADER_LENGTH) {
    return fail('truncated', `a CCID header has ${CCID_HEADER_LENGTH} bytes, got ${n}`, n, 'header');
  }
  const length = (bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24)) >>> 0;
  if (length > CCID_MAX_DATA_LENGTH) {
    return fail('too-large', `dwLength ${length} exceeds ${CCID_MAX_DATA_LENGTH}`, 1, 'dwLength');
  }
  const end = CCID_HEADER_LENGTH + length;
  if (n < end) return fail('truncated', `dwLength ${length} but only ${n - CCID_HEADER_LENGTH} data byte(s)`, n, 'abData');
  const header: CcidHeader = {
    messageType,
    slot: bytes[5]!,
    seq: bytes[6]!,
    b7: bytes[7]!,
    b8: bytes[8]!,
    b9: bytes[9]!,
    data: bytes.slice(CCID_HEADER_LENGTH, end),
  };
  return ok({ header, bytesRead: end });
}

/** Build a whole bulk message from its header bytes and data. */
export function writeMessage(
  messageType: number,
  slot: number,
  seq: number,
  b7: number,
  b8: number,
  b9: number,
  data: Uint8Array,
): Uint8Array {
  checkByte('slot', slot);
  checkByte('seq', seq);
  if (data.length > CCID_MAX_DATA_LENGTH) throw new RangeError(`abData of ${data.length} bytes exceeds ${CCID_MAX_DATA_LENGTH}`);
  const out = new Uint8Array(CCID_HEADER_LENGTH + data.length);
  out[0] = messageType;
  putU32le(out, 1, data.length);
  out[5] = slot;
  out[6] = seq;
  out[7] = b7;
  out[8] = b8;
  out[9] = b9;
  out.set(data, CCID_HEADER_LENGTH);
  return out;
}

/** Throw a RangeError unless `value` is an integer in 0..`max` (an encoder was handed a bad value). */
export function checkRange(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} = ${value} is not in 0..${max}`);
}

/** Throw a RangeError unless `value` is a byte. */
export function checkByte(name: string, value: number): void {
  checkRange(name, value, 0xff);
}

/** Fail with `bad-rfu` at the first non-zero byte among `offsets`, or return null. */
export function nonZeroRfu(bytes: Uint8Array | readonly number[], offsets: readonly number[], base = 0): Err<CcidReason> | null {
  for (const at of offsets) {
    const b = bytes[at - base]!;
    if (b !== 0) return fail('bad-rfu', `RFU byte at offset ${at} is ${hex2(b)}, not 00`, at, 'abRFU');
  }
  return null;
}

/** Fail with `bad-length` unless dwLength is `expected`. */
export function expectLength(header: CcidHeader, expected: number, what: string): Err<CcidReason> | null {
  if (header.data.length === expected) return null;
  return fail('bad-length', `${what} has dwLength ${expected}, got ${header.data.length}`, 1, 'dwLength');
}

/** Two upper-case hex digits and an `h`, as the standard writes bytes. */
export function hex2(b: number): string {
  return `${b.toString(16).padStart(2, '0').toUpperCase()}h`;
}

/** abData of the two DataRateAndClockFrequency messages: dwClockFrequency (kHz) then dwDataRate (bps), CCID §6.1.14. */
export function encodeDataRateAndClock(clockFrequency: number, dataRate: number): Uint8Array {
  checkRange('clockFrequency', clockFrequency, 0xffffffff);
  checkRange('dataRate', dataRate, 0xffffffff);
  const data = new Uint8Array(8);
  putU32le(data, 0, clockFrequency);
  putU32le(data, 4, dataRate);
  return data;
}
