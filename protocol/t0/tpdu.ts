/**
 * What both ends of a T=0 link share: the error reasons, the shape of a
 * transition, and the classification of procedure bytes (ISO/IEC 7816-3
 * §10.3).
 * @module
 */
import type { ParseError } from '../result.js';

/** Why a T=0 exchange failed. */
export type T0Reason =
  /** Extended APDUs need ENVELOPE at T=0, which is out of scope. */
  | 'extended-not-supported'
  /** INS 6X and 9X are invalid at T=0: they would read as SW1 (ISO/IEC 7816-3 §10.3.2). */
  | 'bad-ins'
  /** A byte where a procedure byte was due that is none (ISO/IEC 7816-3 §10.3.3). */
  | 'bad-procedure-byte'
  /** ACK (INS or INS ⊕ FF) when no data is left to transfer. */
  | 'unexpected-ack'
  /** SW1 SW2 in the middle of the data the reader asked for. */
  | 'incomplete-data'
  /** 6CXX after a command that sends data: there is no Le to correct. */
  | 'unexpected-sw'
  /** More 61XX / 6CXX rounds than the bound. */
  | 'too-many-rounds'
  /** The caller reported that the work waiting time elapsed (ISO/IEC 7816-3 §10.2). */
  | 'timeout'
  /** A byte after the end of the exchange, or while the other side had the turn. */
  | 'unexpected-byte'
  /** The card's answer has an SW that T=0 cannot carry (60, 61, 6C, or not 6X/9X). */
  | 'bad-sw'
  /** The card's answer is longer than 65536 bytes. */
  | 'too-large'
  /** A caller event that does not fit the machine's state (for example a response nobody asked for). */
  | 'unexpected-event';

/** A machine's next state and what it asks the caller to do, in order. */
export interface T0Transition<S, O> {
  readonly state: S;
  readonly outputs: readonly O[];
}

/** The NULL procedure byte: the card needs more time (ISO/IEC 7816-3 §10.3.3). */
export const NULL_BYTE = 0x60;

/** True for a valid SW1 at T=0: 6X except 60, or 9X (ISO/IEC 7816-3 §10.3.3). */
export function isSw1(b: number): boolean {
  const high = b & 0xf0;
  return (high === 0x60 && b !== NULL_BYTE) || high === 0x90;
}

/** True for an INS that T=0 can carry: not 6X nor 9X (ISO/IEC 7816-3 §10.3.2). */
export function isT0Ins(ins: number): boolean {
  const high = ins & 0xf0;
  return high !== 0x60 && high !== 0x90;
}

/** Build an error whose offset is the index of the offending byte in the event. */
export function t0Error(reason: T0Reason, message: string, offset = 0): ParseError<T0Reason> {
  return { reason, message, offset, path: 't0' };
}
