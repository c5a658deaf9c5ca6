/**
 * The GET RESPONSE / 6CXX dance as a pure step function: given the
 * responses, it says what to send next, and when the exchange is over
 * (ISO/IEC 7816-4 §5.1.3 and §5.6: SW1 61 "bytes still available", SW1 6C
 * "wrong Le field").
 *
 * Usage: `let step = exchangePlan(cmd)`, then while `step.kind === 'send'`,
 * transmit `step.command` and call `nextStep(step.state, response)`. No
 * I/O happens here; the caller owns the transport.
 * @module
 */
import { concatBytes } from '../bytes.js';
import type { ParseError } from '../result.js';
import { getResponse, getResponseCla } from './chaining.js';
import { commandApdu, type CommandApdu } from './command-apdu.js';
import type { ResponseApdu } from './response-apdu.js';

/** Why an exchange was abandoned. */
export type ExchangeReason =
  /** More GET RESPONSE or 6CXX retries than `maxRounds`. */
  | 'too-many-rounds'
  /** The accumulated response data passed `maxBytes`. */
  | 'too-large';

/** Bounds of an exchange; a card that keeps answering 61XX cannot loop the caller forever. */
export interface ExchangeOptions {
  /** Most follow-up commands (GET RESPONSE or retry) after the first; default 256. */
  readonly maxRounds?: number;
  /** Most response data bytes in total; default 65536. */
  readonly maxBytes?: number;
}

/** Where an exchange stands: the command, what was sent last, and the data so far. */
export interface ExchangeState {
  readonly command: CommandApdu;
  /** The command just handed to the caller to transmit. */
  readonly sent: CommandApdu;
  /** Response data gathered from earlier 61XX answers. */
  readonly data: Uint8Array;
  readonly rounds: number;
  readonly maxRounds: number;
  readonly maxBytes: number;
}

/** What to do next: transmit a command, or the exchange is over (or failed). */
export type ExchangeStep =
  | { readonly kind: 'send'; readonly command: CommandApdu; readonly state: ExchangeState }
  | { readonly kind: 'done'; readonly response: ResponseApdu }
  | { readonly kind: 'error'; readonly error: ParseError<ExchangeReason> };

const EMPTY = new Uint8Array(0);

/**
 * Start an exchange: the first step sends `command` itself. Throws a
 * RangeError for negative or non-integer bounds.
 * @example exchangePlan(select).command // the SELECT to transmit
 */
export function exchangePlan(command: CommandApdu, options: ExchangeOptions = {}): ExchangeStep & { kind: 'send' } {
  const maxRounds = options.maxRounds ?? 256;
  const maxBytes = options.maxBytes ?? 65536;
  for (const [name, v] of [['maxRounds', maxRounds], ['maxBytes', maxBytes]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} = ${v} is not a non-negative integer`);
  }
  const state: ExchangeState = { command, sent: command, data: EMPTY, rounds: 0, maxRounds, maxBytes };
  return { kind: 'send', command, state };
}

/**
 * Feed the response to `state.sent`. SW1 61: send GET RESPONSE with
 * Le = SW2 (00 = 256) and keep the data; SW1 6C: send the same command
 * again with Le = SW2 (00 = 256); anything else ends the exchange with the
 * data gathered so far followed by this response's data, and this SW.
 * @example nextStep(state, { data: new Uint8Array(0), sw: 0x6110 }) // send 00 C0 00 00 10
 */
export function nextStep(state: ExchangeState, response: ResponseApdu): ExchangeStep {
  const s1 = response.sw >> 8;
  const count = response.sw & 0xff || 256;
  const data = response.data.length === 0 ? state.data : concatBytes(state.data, response.data);
  if (data.length > state.maxBytes) {
    return abandon('too-large', `response data passed ${state.maxBytes} bytes`, 'data');
  }
  if (s1 !== 0x61 && s1 !== 0x6c) return { kind: 'done', response: { data, sw: response.sw } };
  if (state.rounds >= state.maxRounds) {
    return abandon('too-many-rounds', `more than ${state.maxRounds} GET RESPONSE or retry rounds`, 'rounds');
  }
  // 6CXX: the card dropped its data; 61XX: the data so far is kept.
  const kept = s1 === 0x61 ? data : state.data;
  const next = s1 === 0x61 ? getResponse(count, getResponseCla(state.command.cla)) : retry(state.sent, count);
  return { kind: 'send', command: next, state: { ...state, sent: next, data: kept, rounds: state.rounds + 1 } };
}

/** The same command with Ne = `ne` (1..256 always fits the form it had). */
function retry(sent: CommandApdu, ne: number): CommandApdu {
  const r = commandApdu({ ...sent, ne });
  if (!r.ok) throw new RangeError(r.error.message);
  return r.value;
}

function abandon(reason: ExchangeReason, message: string, path: string): ExchangeStep {
  return { kind: 'error', error: { reason, message, offset: 0, path } };
}
