/**
 * The interface-device (reader) side of T=0 as a pure state machine: a
 * command APDU in, header and data bytes out, procedure bytes and data
 * from the card in, the response APDU out (ISO/IEC 7816-3 §10.3 and the
 * T=0 mapping of §12.2).
 *
 * No I/O and no timers: the caller puts `send` bytes on the line, feeds
 * every byte it receives as a `received` event, and restarts the work
 * waiting time after each byte sent or received (a NULL byte 60 is thus a
 * restart too); when WWT runs out it feeds `wwt-expired`.
 * @module
 */
import { caseOf, getResponseCla, INS_GET_RESPONSE, type CommandApdu, type ResponseApdu } from '../apdu/index.js';
import { concatBytes } from '../bytes.js';
import { fail, ok, type ParseError, type ParseResult } from '../result.js';
import { isSw1, isT0Ins, NULL_BYTE, t0Error, type T0Reason, type T0Transition } from './tpdu.js';

/** Bounds of a reader-side exchange. */
export interface T0ReaderOptions {
  /** Most GET RESPONSE or 6CXX reissues after the first header; default 256 (64 KiB of response). */
  readonly maxRounds?: number;
}

/** What the reader is waiting for. */
export type T0ReaderPhase = 'procedure' | 'data' | 'sw2' | 'done' | 'failed';

/** The reader machine's state; treat it as opaque and immutable. */
export interface T0ReaderState {
  readonly phase: T0ReaderPhase;
  readonly command: CommandApdu;
  /** The current TPDU header CLA INS P1 P2 P3. */
  readonly header: Uint8Array;
  /** Whether the current TPDU sends data to the card, receives data, or neither. */
  readonly direction: 'in' | 'out' | 'none';
  /** Command data not yet sent (direction `in`). */
  readonly toSend: Uint8Array;
  /** Data received in the current TPDU (direction `out`); its length is the number expected. */
  readonly received: Uint8Array;
  readonly receivedCount: number;
  /** Bytes still due in the current data phase. */
  readonly pending: number;
  readonly sw1: number;
  /** Data of earlier TPDUs that ended in 61XX. */
  readonly gathered: Uint8Array;
  readonly rounds: number;
  readonly maxRounds: number;
}

/** Events the caller feeds the reader machine. */
export type T0ReaderEvent = { readonly type: 'received'; readonly bytes: Uint8Array } | { readonly type: 'wwt-expired' };

/** What the reader machine asks of the caller: bytes to send, the final response, or an error. */
export type T0ReaderOutput =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'done'; readonly response: ResponseApdu }
  | { readonly type: 'error'; readonly error: ParseError<T0Reason> };

/** A reader-side transition. */
export type T0ReaderTransition = T0Transition<T0ReaderState, T0ReaderOutput>;

const EMPTY = new Uint8Array(0);

/**
 * Start transporting `command`: the first output is the header. Case 1
 * sends P3 = 00; case 2 sends P3 = Le (00 for 256); cases 3 and 4 send
 * P3 = Lc, and case 4's data comes back through 61XX and GET RESPONSE
 * (ISO/IEC 7816-3 §12.2). Extended APDUs and INS 6X/9X are refused.
 * @example startT0Reader(select) // ok: outputs [send 00 A4 04 00 0B]
 */
export function startT0Reader(command: CommandApdu, options: T0ReaderOptions = {}): ParseResult<T0ReaderTransition, T0Reason> {
  const maxRounds = options.maxRounds ?? 256;
  if (!Number.isInteger(maxRounds) || maxRounds < 0) throw new RangeError(`maxRounds = ${maxRounds} is not a non-negative integer`);
  if (command.extended) return fail('extended-not-supported', `case ${caseOf(command)} needs ENVELOPE at T=0`, 0, 'extended');
  if (!isT0Ins(command.ins)) return fail('bad-ins', `INS ${command.ins.toString(16)} is invalid at T=0`, 1, 'ins');
  const nc = command.data.length;
  const direction = nc > 0 ? 'in' : command.ne > 0 ? 'out' : 'none';
  const p3 = nc > 0 ? nc : command.ne & 0xff;
  const header = Uint8Array.of(command.cla, command.ins, command.p1, command.p2, p3);
  const state: T0ReaderState = {
    phase: 'procedure',
    command,
    header,
    direction,
    toSend: command.data,
    received: direction === 'out' ? new Uint8Array(command.ne) : EMPTY,
    receivedCount: 0,
    pending: 0,
    sw1: 0,
    gathered: EMPTY,
    rounds: 0,
    maxRounds,
  };
  return ok({ state, outputs: [{ type: 'send', bytes: header }] });
}

/**
 * Feed one event. Procedure bytes (ISO/IEC 7816-3 §10.3.3): 60 waits;
 * INS sends (or receives) all remaining data; INS ⊕ FF one byte; 6X/9X is
 * SW1. After SW2: 61XX sends GET RESPONSE with P3 = XX, 6CXX reissues the
 * header with P3 = XX, anything else ends the exchange. A terminal state
 * answers any further byte with `unexpected-byte`.
 * @example stepT0Reader(state, { type: 'received', bytes: hex('90 00') }) // outputs [done …]
 */
export function stepT0Reader(state: T0ReaderState, event: T0ReaderEvent): T0ReaderTransition {
  if (state.phase === 'done' || state.phase === 'failed') {
    if (event.type === 'wwt-expired') return { state, outputs: [] };
    return failed(state, [], 'unexpected-byte', 'bytes after the end of the exchange');
  }
  if (event.type === 'wwt-expired') return failed(state, [], 'timeout', 'the card did not answer within WWT');
  const s: Mutable<T0ReaderState> = { ...state, received: state.received.slice() };
  const outputs: T0ReaderOutput[] = [];
  const { bytes } = event;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (s.phase === 'data') {
      s.received[s.receivedCount++] = b;
      if (--s.pending === 0) s.phase = 'procedure';
    } else if (s.phase === 'procedure') {
      const err = procedure(s, b, outputs);
      if (err !== undefined) return failed(s, outputs, err[0], err[1], i);
    } else if (s.phase === 'sw2') {
      const err = statusWord(s, (s.sw1 << 8) | b, outputs);
      if (err !== undefined) return failed(s, outputs, err[0], err[1], i);
      if ((s.phase as T0ReaderPhase) === 'done' && i + 1 < bytes.length) {
        return failed(s, outputs.slice(0, -1), 'unexpected-byte', `${bytes.length - i - 1} byte(s) after SW2`, i + 1);
      }
    }
  }
  return { state: s, outputs };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Problem = readonly [T0Reason, string] | undefined;

function procedure(s: Mutable<T0ReaderState>, b: number, outputs: T0ReaderOutput[]): Problem {
  if (b === NULL_BYTE) return undefined;
  const ins = s.header[1]!;
  if (b === ins || b === (ins ^ 0xff)) {
    const all = b === ins;
    if (s.direction === 'in' && s.toSend.length > 0) {
      const n = all ? s.toSend.length : 1;
      outputs.push({ type: 'send', bytes: s.toSend.subarray(0, n) });
      s.toSend = s.toSend.subarray(n);
      return undefined;
    }
    const left = s.received.length - s.receivedCount;
    if (s.direction === 'out' && left > 0) {
      s.pending = all ? left : 1;
      s.phase = 'data';
      return undefined;
    }
    return ['unexpected-ack', `ACK ${b.toString(16)} with no data left to transfer`];
  }
  if (isSw1(b)) {
    s.sw1 = b;
    s.phase = 'sw2';
    return undefined;
  }
  return ['bad-procedure-byte', `${b.toString(16)} is not a procedure byte`];
}

function statusWord(s: Mutable<T0ReaderState>, sw: number, outputs: T0ReaderOutput[]): Problem {
  const s1 = sw >> 8;
  const xx = sw & 0xff;
  const got = s.received.subarray(0, s.receivedCount);
  if (s.direction === 'out' && s.receivedCount > 0 && s.receivedCount < s.received.length) {
    return ['incomplete-data', `SW ${sw.toString(16)} after ${s.receivedCount} of ${s.received.length} bytes`];
  }
  if (s1 !== 0x61 && s1 !== 0x6c) {
    s.phase = 'done';
    outputs.push({ type: 'done', response: { data: concatBytes(s.gathered, got), sw } });
    return undefined;
  }
  if (s1 === 0x6c && (s.direction !== 'out' || s.receivedCount > 0)) {
    return ['unexpected-sw', `6C${xx.toString(16)} where no Le can be corrected`];
  }
  if (s.rounds >= s.maxRounds) return ['too-many-rounds', `more than ${s.maxRounds} GET RESPONSE or reissue rounds`];
  s.rounds++;
  const header =
    s1 === 0x61
      ? Uint8Array.of(getResponseCla(s.command.cla), INS_GET_RESPONSE, 0, 0, xx)
      : Uint8Array.of(s.header[0]!, s.header[1]!, s.header[2]!, s.header[3]!, xx);
  if (s1 === 0x61) s.gathered = concatBytes(s.gathered, got);
  s.header = header;
  s.direction = 'out';
  s.toSend = EMPTY;
  s.received = new Uint8Array(xx || 256);
  s.receivedCount = 0;
  s.phase = 'procedure';
  outputs.push({ type: 'send', bytes: header });
  return undefined;
}

function failed(state: T0ReaderState, outputs: T0ReaderOutput[], reason: T0Reason, message: string, offset = 0): T0ReaderTransition {
  return { state: { ...state, phase: 'failed' }, outputs: [...outputs, { type: 'error', error: t0Error(reason, message, offset) }] };
}
