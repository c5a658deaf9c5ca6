/**
 * One frame of the terminal-host link (our design, see README): a start
 * marker, a length, a sequence number, a control byte, a payload of at
 * most 58 bytes and a CRC-16, so that a whole frame (64 bytes at most)
 * fits one 64-byte HID report and resynchronises on a serial line.
 *
 * ```
 * A5 | LEN | SEQ | CTRL | payload (LEN bytes) | CRC-16 (big-endian)
 * ```
 * The CRC (CRC-16/CCITT-FALSE) covers LEN, SEQ, CTRL and the payload.
 * CTRL: bits 7-5 the kind (0 data, 1 ack, 2 nak, 3 reset, 4 reset-ack);
 * the payload of a reset is its 4-byte nonce, of a reset-ack the echoed
 * nonce and the sender's own (8 bytes), of an ack or nak nothing;
 * for data, bit 4 = first fragment, bit 3 = last fragment, bits 2-0 = the
 * message id modulo 8; for the other kinds bits 4-0 are zero.
 * @module
 */
import { concatBytes, u16be } from '../bytes.js';
import { fail, ok, strict, type Codec, type CommonReason, type ParseResult, type Prefix } from '../result.js';
import { crc16CcittFalse } from './crc16.js';

/** Why link bytes could not be parsed as a frame. */
export type LinkFrameReason =
  | CommonReason
  /** The first byte is not the start marker A5h. */
  | 'bad-start'
  /** The CRC-16 does not match the frame's bytes. */
  | 'bad-crc'
  /** CTRL names no kind, or sets flags the kind does not have. */
  | 'bad-control'
  /** The length does not fit the kind (an ack with a payload, a reset without its 4-byte nonce, a reset-ack without its two). */
  | 'bad-length'
  /** A field the kind does not use is not zero (the SEQ of a reset). */
  | 'bad-field';

/** The start marker, first byte of every frame. */
export const LINK_START = 0xa5;
/** Bytes before the payload: start, length, sequence, control. */
export const LINK_HEADER_BYTES = 4;
/** Bytes of the CRC-16 after the payload. */
export const LINK_CRC_BYTES = 2;
/** Largest frame: one 64-byte HID report. */
export const LINK_MAX_FRAME = 64;
/** Largest payload of one frame (64 - 4 - 2). */
export const LINK_MAX_PAYLOAD = LINK_MAX_FRAME - LINK_HEADER_BYTES - LINK_CRC_BYTES;

const KIND_CODES = { data: 0, ack: 1, nak: 2, reset: 3, 'reset-ack': 4 } as const;
const KINDS = ['data', 'ack', 'nak', 'reset', 'reset-ack'] as const;
const FIRST = 0x10;
const LAST = 0x08;

/**
 * A data frame: one fragment of a message. `seq` counts data frames
 * modulo 256; `messageId` (0-7) is the same in every fragment of one
 * message and checks that fragments are not mixed.
 */
export interface LinkDataFrame {
  readonly kind: 'data';
  readonly seq: number;
  readonly first: boolean;
  readonly last: boolean;
  readonly messageId: number;
  readonly payload: Uint8Array;
}

/**
 * An acknowledgement: `seq` is the next data sequence number the receiver
 * expects, so it acknowledges every frame before it (cumulative). A nak
 * carries the same number and asks for every frame from it on at once.
 */
export interface LinkAckFrame {
  readonly kind: 'ack' | 'nak';
  readonly seq: number;
}

/**
 * A reset: a side has (re)started with a fresh 32-bit `nonce`; both
 * directions start again at sequence 0.
 */
export interface LinkResetFrame {
  readonly kind: 'reset';
  readonly nonce: number;
}

/**
 * The answer to a reset: it echoes the reset's `nonce` and gives the
 * answering side's own current nonce (`senderNonce`), so that a late copy
 * of that side's own start-up reset is recognised and not taken for a
 * restart.
 */
export interface LinkResetAckFrame {
  readonly kind: 'reset-ack';
  readonly nonce: number;
  readonly senderNonce: number;
}

/** Any link frame. */
export type LinkFrame = LinkDataFrame | LinkAckFrame | LinkResetFrame | LinkResetAckFrame;

function u32beBytes(name: string, value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${name} ${value} is not a 32-bit unsigned integer`);
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

function readU32be(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function checkByte(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} ${value} is not in 0..${max}`);
}

/**
 * Encode a frame. Throws RangeError for a field out of range or a payload
 * longer than {@link LINK_MAX_PAYLOAD}.
 * @example encodeLinkFrame({ kind: 'ack', seq: 5 }) // A5 00 05 20 + CRC
 */
export function encodeLinkFrame(frame: LinkFrame): Uint8Array {
  let seq = 0;
  let ctrl = KIND_CODES[frame.kind] << 5;
  let payload: Uint8Array;
  if (frame.kind === 'data') {
    checkByte('seq', frame.seq, 0xff);
    checkByte('messageId', frame.messageId, 7);
    if (frame.payload.length > LINK_MAX_PAYLOAD) throw new RangeError(`a frame carries at most ${LINK_MAX_PAYLOAD} payload bytes, got ${frame.payload.length}`);
    seq = frame.seq;
    ctrl |= (frame.first ? FIRST : 0) | (frame.last ? LAST : 0) | frame.messageId;
    payload = frame.payload;
  } else if (frame.kind === 'reset') {
    payload = u32beBytes('nonce', frame.nonce);
  } else if (frame.kind === 'reset-ack') {
    payload = concatBytes(u32beBytes('nonce', frame.nonce), u32beBytes('senderNonce', frame.senderNonce));
  } else {
    checkByte('seq', frame.seq, 0xff);
    seq = frame.seq;
    payload = new Uint8Array(0);
  }
  const out = new Uint8Array(LINK_HEADER_BYTES + payload.length + LINK_CRC_BYTES);
  out[0] = LINK_START;
  out[1] = payload.length;
  out[2] = seq;
  out[3] = ctrl;
  out.set(payload, LINK_HEADER_BYTES);
  const crc = crc16CcittFalse(out, 1, LINK_HEADER_BYTES + payload.length);
  out[out.length - 2] = crc >> 8;
  out[out.length - 1] = crc & 0xff;
  return out;
}

/** Decode the fields of a frame whose bytes and CRC are already checked. */
function decodeFields(bytes: Uint8Array, length: number): ParseResult<LinkFrame, LinkFrameReason> {
  const seq = bytes[2]!;
  const ctrl = bytes[3]!;
  const kind = KINDS[ctrl >> 5];
  if (kind === undefined) return fail('bad-control', `control byte ${ctrl} names no frame kind`, 3, 'ctrl');
  if (kind === 'data') {
    const payload = bytes.slice(LINK_HEADER_BYTES, LINK_HEADER_BYTES + length);
    return ok({ kind, seq, first: (ctrl & FIRST) !== 0, last: (ctrl & LAST) !== 0, messageId: ctrl & 7, payload });
  }
  if ((ctrl & 0x1f) !== 0) return fail('bad-control', `a ${kind} frame has no flags, got control byte ${ctrl}`, 3, 'ctrl');
  if (kind === 'ack' || kind === 'nak') {
    if (length !== 0) return fail('bad-length', `a ${kind} frame has no payload, got ${length} byte(s)`, 1, 'length');
    return ok({ kind, seq });
  }
  const nonces = kind === 'reset' ? 1 : 2;
  if (length !== 4 * nonces) return fail('bad-length', `a ${kind} frame carries ${4 * nonces} bytes of nonce, got ${length}`, 1, 'length');
  if (seq !== 0) return fail('bad-field', `a ${kind} frame has sequence 0, got ${seq}`, 2, 'seq');
  const nonce = readU32be(bytes, LINK_HEADER_BYTES);
  return ok(kind === 'reset' ? { kind, nonce } : { kind, nonce, senderNonce: readU32be(bytes, LINK_HEADER_BYTES + 4) });
}

/**
 * Parse one frame from the front of `bytes`.
 * @example parseLinkFramePrefix(encodeLinkFrame({ kind: 'ack', seq: 5 })) // ok, bytesRead 6
 */
export function parseLinkFramePrefix(bytes: Uint8Array): ParseResult<Prefix<LinkFrame>, LinkFrameReason> {
  if (bytes.length < 1) return fail('truncated', 'a frame starts with the marker A5', 0, 'start');
  if (bytes[0] !== LINK_START) return fail('bad-start', `a frame starts with A5, got ${bytes[0]}`, 0, 'start');
  if (bytes.length < 2) return fail('truncated', 'the frame ends before its length', 1, 'length');
  const length = bytes[1]!;
  if (length > LINK_MAX_PAYLOAD) return fail('too-large', `length ${length} exceeds ${LINK_MAX_PAYLOAD}`, 1, 'length');
  const end = LINK_HEADER_BYTES + length + LINK_CRC_BYTES;
  if (bytes.length < end) return fail('truncated', `a frame of length ${length} has ${end} bytes, got ${bytes.length}`, bytes.length, 'payload');
  const crc = crc16CcittFalse(bytes, 1, end - LINK_CRC_BYTES);
  if (crc !== u16be(bytes, end - LINK_CRC_BYTES)) return fail('bad-crc', 'the CRC-16 does not match the frame', end - LINK_CRC_BYTES, 'crc');
  const fields = decodeFields(bytes, length);
  return fields.ok ? ok({ value: fields.value, bytesRead: end }) : fields;
}

/**
 * Parse exactly one frame.
 * @example parseLinkFrame(encodeLinkFrame({ kind: 'reset', nonce: 1 })) // ok: reset, nonce 1
 */
export function parseLinkFrame(bytes: Uint8Array): ParseResult<LinkFrame, LinkFrameReason> {
  return strict(parseLinkFramePrefix(bytes), bytes.length, 'link frame');
}

/**
 * The frame codec.
 * @example linkFrameCodec.encode({ kind: 'nak', seq: 3 })
 */
export const linkFrameCodec: Codec<LinkFrame, LinkFrameReason> = {
  parse: parseLinkFrame,
  encode: encodeLinkFrame,
};
