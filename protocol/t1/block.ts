/**
 * The T=1 block codec (ISO/IEC 7816-3 §11.3): prologue NAD PCB LEN, an
 * information field of 0 to 254 bytes, and an LRC or CRC epilogue. The
 * three block kinds, I (information), R (receive ready) and S
 * (supervisory), are one typed union.
 * @module
 */
import { fail, ok, strict, type CommonReason, type Codec, type ParseResult, type Prefix } from '../result.js';
import { checkEdc, edcLength, writeEdc, type T1Edc } from './edc.js';

/** Why a T=1 block did not parse. */
export type T1Reason = CommonReason | 'bad-length' | 'bad-edc' | 'bad-pcb' | 'bad-inf';

/** A sequence number: N(S) of an I-block, N(R) of an R-block (ISO/IEC 7816-3 §11.3.2.2). */
export type T1Bit = 0 | 1;

/**
 * I-block: carries application data (ISO/IEC 7816-3 §11.3.2.2, PCB `0 N(S) M 00000`).
 * `more` is the M bit: another I-block of the same chain follows.
 */
export interface T1IBlock {
  readonly kind: 'i';
  /** Node address byte (ISO/IEC 7816-3 §11.3.2.1); see {@link nadOf}. */
  readonly nad: number;
  readonly ns: T1Bit;
  readonly more: boolean;
  /** Information field, at most 254 bytes. */
  readonly inf: Uint8Array;
}

/**
 * What an R-block reports in PCB b4-b1 (ISO/IEC 7816-3 §11.3.2.2):
 * `none` 0000 (acknowledgement), `edc` 0001 (EDC or parity error),
 * `other` 0010 (any other error).
 */
export type T1RError = 'none' | 'edc' | 'other';

/** R-block: acknowledges or asks again for an I-block (PCB `1 0 N(R) b4-b1`), no INF. */
export interface T1RBlock {
  readonly kind: 'r';
  readonly nad: number;
  /** N(S) of the I-block the sender expects next. */
  readonly nr: T1Bit;
  readonly error: T1RError;
}

/** The S-block commands of ISO/IEC 7816-3 §11.3.2.2 (PCB `1 1 b6 b5-b1`, b6 = response). */
export type T1SType = 'resynch' | 'ifs' | 'abort' | 'wtx';

/** S(RESYNCH) or S(ABORT), request or response: no INF. */
export interface T1SPlainBlock {
  readonly kind: 's';
  readonly nad: number;
  readonly type: 'resynch' | 'abort';
  readonly response: boolean;
}

/** S(IFS request/response): INF is one byte, the new IFSC or IFSD, 01 to FE. */
export interface T1SIfsBlock {
  readonly kind: 's';
  readonly nad: number;
  readonly type: 'ifs';
  readonly response: boolean;
  readonly ifs: number;
}

/** S(WTX request/response): INF is one byte, the BWT multiplier, 01 to FF (00 is refused: ours). */
export interface T1SWtxBlock {
  readonly kind: 's';
  readonly nad: number;
  readonly type: 'wtx';
  readonly response: boolean;
  readonly multiplier: number;
}

/** Any S-block. */
export type T1SBlock = T1SPlainBlock | T1SIfsBlock | T1SWtxBlock;

/** Any T=1 block (ISO/IEC 7816-3 §11.3). */
export type T1Block = T1IBlock | T1RBlock | T1SBlock;

/** Options of the block codec: the EDC chosen by TC3 of the ATR. */
export interface T1BlockOptions {
  readonly edc: T1Edc;
}

/** Largest information field (ISO/IEC 7816-3 §11.3.2.3: LEN FF is reserved). */
export const T1_MAX_INF = 254;

const S_TYPES: readonly T1SType[] = ['resynch', 'ifs', 'abort', 'wtx'];
const R_ERRORS: readonly T1RError[] = ['none', 'edc', 'other'];

/**
 * NAD from its destination and source addresses (ISO/IEC 7816-3
 * §11.3.2.1: DAD in b7-b5, SAD in b3-b1; the former VPP bits b8 and b4
 * stay 0).
 * @example nadOf(1, 2) // 0x12
 */
export function nadOf(dad: number, sad: number): number {
  if (!Number.isInteger(dad) || dad < 0 || dad > 7) throw new RangeError(`DAD ${dad} is not 0..7`);
  if (!Number.isInteger(sad) || sad < 0 || sad > 7) throw new RangeError(`SAD ${sad} is not 0..7`);
  return (dad << 4) | sad;
}

/**
 * The NAD of the answer to a block with `nad`: DAD and SAD swap places,
 * the other bits stay (ISO/IEC 7816-3 §11.3.2.1).
 * @example replyNad(0x12) // 0x21
 */
export function replyNad(nad: number): number {
  return (nad & 0x88) | ((nad >> 4) & 0x07) | ((nad & 0x07) << 4);
}

function parsePcb(pcb: number, inf: Uint8Array, nad: number): ParseResult<T1Block, T1Reason> {
  const len = inf.length;
  if ((pcb & 0x80) === 0) {
    if ((pcb & 0x1f) !== 0) return fail('bad-pcb', 'I-block PCB bits b5-b1 are reserved and must be 0', 1, 'pcb');
    return ok({ kind: 'i', nad, ns: ((pcb >> 6) & 1) as T1Bit, more: (pcb & 0x20) !== 0, inf });
  }
  if ((pcb & 0x40) === 0) {
    const error = R_ERRORS[pcb & 0x0f];
    if ((pcb & 0x20) !== 0 || error === undefined) return fail('bad-pcb', 'R-block PCB must be 100N0000, 100N0001 or 100N0010', 1, 'pcb');
    if (len !== 0) return fail('bad-length', 'an R-block has no information field', 2, 'len');
    return ok({ kind: 'r', nad, nr: ((pcb >> 4) & 1) as T1Bit, error });
  }
  const type = S_TYPES[pcb & 0x1f];
  if (type === undefined) return fail('bad-pcb', 'S-block PCB b5-b1 must be RESYNCH, IFS, ABORT or WTX', 1, 'pcb');
  const response = (pcb & 0x20) !== 0;
  if (type === 'resynch' || type === 'abort') {
    if (len !== 0) return fail('bad-length', `S(${type.toUpperCase()}) has no information field`, 2, 'len');
    return ok({ kind: 's', nad, type, response });
  }
  if (len !== 1) return fail('bad-length', `S(${type.toUpperCase()}) carries exactly one byte`, 2, 'len');
  const value = inf[0]!;
  if (type === 'ifs') {
    if (value === 0 || value === 0xff) return fail('bad-inf', 'IFS must be 01 to FE', 3, 'inf');
    return ok({ kind: 's', nad, type, response, ifs: value });
  }
  if (value === 0) return fail('bad-inf', 'a WTX multiplier of 00 is meaningless', 3, 'inf');
  return ok({ kind: 's', nad, type, response, multiplier: value });
}

/**
 * Parse the block at the start of `bytes`; the rest is left to the caller
 * (ISO/IEC 7816-3 §11.3). The EDC is checked before the PCB so that a
 * damaged block is reported as `bad-edc`, which a receiver answers with
 * an R-block "EDC error" (§11.6.3).
 * @example parseT1BlockPrefix(hex('00 C1 01 FE 3E 00'), { edc: 'lrc' }) // ok, bytesRead 5
 */
export function parseT1BlockPrefix(bytes: Uint8Array, options: T1BlockOptions): ParseResult<Prefix<T1Block>, T1Reason> {
  if (bytes.length < 3) return fail('truncated', 'a block has at least a 3-byte prologue', bytes.length, 'prologue');
  const len = bytes[2]!;
  if (len === 0xff) return fail('bad-length', 'LEN FF is reserved', 2, 'len');
  const end = 3 + len;
  const total = end + edcLength(options.edc);
  if (bytes.length < total) return fail('truncated', `the block needs ${total} bytes, ${bytes.length} present`, bytes.length, 'epilogue');
  if (!checkEdc(options.edc, bytes, end)) return fail('bad-edc', `the ${options.edc.toUpperCase()} does not match`, end, 'epilogue');
  const parsed = parsePcb(bytes[1]!, bytes.slice(3, end), bytes[0]!);
  return parsed.ok ? ok({ value: parsed.value, bytesRead: total }) : parsed;
}

/**
 * Parse exactly one T=1 block (ISO/IEC 7816-3 §11.3); leftover bytes are
 * `trailing-bytes`.
 * @example parseT1Block(hex('00 C1 01 FE 3E'), { edc: 'lrc' }) // ok: S(IFS request) 254
 */
export function parseT1Block(bytes: Uint8Array, options: T1BlockOptions): ParseResult<T1Block, T1Reason> {
  return strict(parseT1BlockPrefix(bytes, options), bytes.length, 'T=1 block');
}

function checkByte(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} ${value} is not ${min}..${max}`);
  return value;
}

function pcbOf(block: T1Block): number {
  switch (block.kind) {
    case 'i':
      return (block.ns << 6) | (block.more ? 0x20 : 0);
    case 'r':
      return 0x80 | (block.nr << 4) | R_ERRORS.indexOf(block.error);
    case 's':
      return 0xc0 | (block.response ? 0x20 : 0) | S_TYPES.indexOf(block.type);
  }
}

function infLength(block: T1Block): number {
  if (block.kind === 'i') return block.inf.length;
  return block.kind === 's' && (block.type === 'ifs' || block.type === 'wtx') ? 1 : 0;
}

/**
 * Encode a block with its epilogue (ISO/IEC 7816-3 §11.3). Throws a
 * RangeError for values no block can carry (an INF over 254 bytes, IFS
 * outside 01..FE, WTX outside 01..FF, NAD outside a byte).
 * @example encodeT1Block({ kind: 'r', nad: 0, nr: 1, error: 'none' }, { edc: 'lrc' }) // 00 90 00 90
 */
export function encodeT1Block(block: T1Block, options: T1BlockOptions): Uint8Array {
  const len = infLength(block);
  if (len > T1_MAX_INF) throw new RangeError(`an INF of ${len} bytes exceeds ${T1_MAX_INF}`);
  const out = new Uint8Array(3 + len + edcLength(options.edc));
  out[0] = checkByte(block.nad, 0, 0xff, 'NAD');
  out[1] = pcbOf(block);
  out[2] = len;
  if (block.kind === 'i') out.set(block.inf, 3);
  else if (block.kind === 's' && block.type === 'ifs') out[3] = checkByte(block.ifs, 1, 0xfe, 'IFS');
  else if (block.kind === 's' && block.type === 'wtx') out[3] = checkByte(block.multiplier, 1, 0xff, 'WTX multiplier');
  writeEdc(options.edc, out, 3 + len);
  return out;
}

/**
 * The block codec for one EDC (ISO/IEC 7816-3 §11.3).
 * @example t1BlockCodec('crc').parse(hex('00 C1 01 FE 54 4E')) // ok
 */
export function t1BlockCodec(edc: T1Edc): Codec<T1Block, T1Reason> {
  const options = { edc };
  return {
    parse: (bytes) => parseT1Block(bytes, options),
    encode: (block) => encodeT1Block(block, options),
  };
}
