/**
 * The interface-device (reader) side of T=1 as a pure state machine
 * (ISO/IEC 7816-3 §11.6): a command APDU in, blocks out, blocks from the
 * card in, the response APDU out.
 *
 * No I/O and no timers. The caller puts every `transmit` on the line,
 * feeds each block it receives as a `receive` event, and arms BWT (times
 * `state.waitMultiplier`, which a card's S(WTX request) raises for one
 * wait) after each transmission; when it runs out, or when the card's
 * bytes stop for CWT, it feeds `timeout`.
 * @module
 */
import { concatBytes } from '../bytes.js';
import { flip, answers, cardNad, checkOption, classify, rBlock, resolveLink, responseTo, transmit } from './link.js';
import type { T1Link, T1LinkOptions, T1Step, T1Transmit } from './link.js';
import type { T1Bit, T1Block, T1RError, T1SBlock } from './block.js';

/** Reader options: the link parameters and the error-recovery budget (ISO/IEC 7816-3 §11.6.3). */
export interface T1ReaderOptions extends T1LinkOptions {
  /** Retransmissions (or R-blocks) for one block before RESYNCH (§11.6.3 rule 7.4); default 3. */
  readonly maxRetries?: number;
  /** S(RESYNCH request)s in one exchange before giving up (§11.6.3 rule 6.4); default 3. */
  readonly maxResynchs?: number;
  /** Longest response accepted; a longer chain is aborted (§11.6.2 rule 9). Default 65538. */
  readonly maxResponseLength?: number;
}

/** The reader's budgets with defaults applied. */
export interface T1ReaderLimits {
  readonly maxRetries: number;
  readonly maxResynchs: number;
  readonly maxResponseLength: number;
}

/**
 * What the reader is doing: `idle` between exchanges; `sending` the
 * command chain; `receiving` the response chain; waiting for the answer
 * to its S(IFS), S(ABORT) or S(RESYNCH) request; `dead` after RESYNCH
 * failed (only a card reset helps, §11.6.3 rule 6.4).
 */
export type T1ReaderPhase = 'idle' | 'sending' | 'receiving' | 'ifs' | 'abort' | 'resynch' | 'dead';

/**
 * How an exchange failed. `resynch-failed`: the card never answered
 * RESYNCH, the reader is dead. `resynchronized`: the link was reset after
 * the last command block left, so whether the card executed the command
 * is unknown (a command whose last block never left is sent again
 * transparently). `aborted`: the card aborted the chain. `response-too-long`:
 * the response passed `maxResponseLength`. `dead`: a send to a dead reader.
 */
export type T1ReaderError = 'resynch-failed' | 'resynchronized' | 'aborted' | 'response-too-long' | 'dead';

/** Events the caller feeds the reader. */
export type T1ReaderEvent =
  | { readonly type: 'send'; readonly apdu: Uint8Array }
  | { readonly type: 'negotiate-ifsd'; readonly ifsd: number }
  | { readonly type: 'receive'; readonly bytes: Uint8Array }
  | { readonly type: 'timeout' };

/**
 * What the reader asks of the caller: put a block on the line, take the
 * response APDU, note the card's waiting-time extension, note the new
 * IFSD, or take a failed exchange.
 */
export type T1ReaderOutput =
  | T1Transmit
  | { readonly type: 'deliver'; readonly apdu: Uint8Array }
  | { readonly type: 'wtx'; readonly multiplier: number }
  | { readonly type: 'ifsd'; readonly ifsd: number }
  | { readonly type: 'error'; readonly reason: T1ReaderError };

/** The reader machine's state; treat it as opaque and immutable. */
export interface T1ReaderState {
  readonly phase: T1ReaderPhase;
  /** The parameters the link starts with and returns to after RESYNCH. */
  readonly link: T1Link;
  readonly limits: T1ReaderLimits;
  /** Current information field sizes (§11.4.2). */
  readonly ifsc: number;
  readonly ifsd: number;
  /** N(S) of the reader's current or next I-block. */
  readonly ns: T1Bit;
  /** N(S) of the card's next expected I-block. */
  readonly nr: T1Bit;
  /** The command in flight (empty when idle). */
  readonly command: Uint8Array;
  /** The current I-block carries `command[offset, offset + chunk)`. */
  readonly offset: number;
  readonly chunk: number;
  /** Whether the last block of the command has been on the line (the card may have executed it). */
  readonly finalSent: boolean;
  readonly response: readonly Uint8Array[];
  readonly responseLength: number;
  /** The S-request awaiting its response, in phases `ifs`, `abort`, `resynch`. */
  readonly request: T1SBlock | null;
  readonly retriesLeft: number;
  readonly resynchsLeft: number;
  /** BWT multiplier for the wait after the last transmission: 1, or the card's WTX. */
  readonly waitMultiplier: number;
}

/** A reader transition. */
export type T1ReaderTransition = T1Step<T1ReaderState, T1ReaderOutput>;

const EMPTY = new Uint8Array(0);

/**
 * A reader at the start of the T=1 link, idle with N(S) = N(R) = 0
 * (ISO/IEC 7816-3 §11.6.2 rule 1). Throws a RangeError on impossible options.
 * @example let r = initialT1Reader({ ifsc: 254 });
 */
export function initialT1Reader(options: T1ReaderOptions = {}): T1ReaderState {
  const link = resolveLink(options);
  const limits: T1ReaderLimits = {
    maxRetries: checkOption(options.maxRetries ?? 3, 0, 255, 'maxRetries'),
    maxResynchs: checkOption(options.maxResynchs ?? 3, 1, 255, 'maxResynchs'),
    maxResponseLength: checkOption(options.maxResponseLength ?? 65538, 1, 2 ** 31, 'maxResponseLength'),
  };
  return {
    phase: 'idle', link, limits, ifsc: link.ifsc, ifsd: link.ifsd, ns: 0, nr: 0,
    command: EMPTY, offset: 0, chunk: 0, finalSent: false, response: [], responseLength: 0,
    request: null, retriesLeft: limits.maxRetries, resynchsLeft: limits.maxResynchs, waitMultiplier: 1,
  };
}

function step(state: T1ReaderState, outputs: readonly T1ReaderOutput[] = []): T1ReaderTransition {
  return { state, outputs };
}

function send(s: T1ReaderState, block: T1Block): T1ReaderOutput {
  return transmit(s.link, block);
}

function requireIdle(s: T1ReaderState, what: string): void {
  if (s.phase !== 'idle') throw new TypeError(`cannot ${what}: the T=1 reader is ${s.phase}`);
}

/** End the exchange with `outputs`. */
function finish(s: T1ReaderState, ...outputs: T1ReaderOutput[]): T1ReaderTransition {
  return step({ ...s, phase: 'idle', command: EMPTY, response: [], responseLength: 0, request: null }, outputs);
}

/** Send the I-block at `offset`, cut to IFSC (§11.4.2); M is set when more follows (§11.6.2.3). */
function sendChunk(s: T1ReaderState): T1ReaderTransition {
  const chunk = Math.min(s.ifsc, s.command.length - s.offset);
  const more = s.offset + chunk < s.command.length;
  const next = { ...s, chunk, finalSent: s.finalSent || !more };
  const inf = s.command.subarray(s.offset, s.offset + chunk);
  return step(next, [send(next, { kind: 'i', nad: s.link.nad, ns: s.ns, more, inf })]);
}

function isLastChunk(s: T1ReaderState): boolean {
  return s.offset + s.chunk === s.command.length;
}

function request(s: T1ReaderState, phase: 'ifs' | 'abort' | 'resynch', block: T1SBlock): T1ReaderTransition {
  return step({ ...s, phase, request: block }, [send(s, block)]);
}

/**
 * Retries exhausted: S(RESYNCH request), at most `maxResynchs` times in
 * an exchange, then give up (§11.6.3 rules 6 and 7.4.3). `retriesLeft`
 * stays 0 meanwhile, so each further fault sends the request again.
 */
function resynch(s: T1ReaderState): T1ReaderTransition {
  if (s.resynchsLeft === 0) {
    return step({ ...s, phase: 'dead', command: EMPTY, response: [], responseLength: 0, request: null }, [{ type: 'error', reason: 'resynch-failed' }]);
  }
  return request({ ...s, resynchsLeft: s.resynchsLeft - 1 }, 'resynch', { kind: 's', nad: s.link.nad, type: 'resynch', response: false });
}

/** Spend one retry on `action`, or resynchronise when none is left (§11.6.3 rule 7.4.2). */
function retry(s: T1ReaderState, action: (s: T1ReaderState) => T1ReaderTransition): T1ReaderTransition {
  if (s.retriesLeft === 0) return resynch(s);
  return action({ ...s, retriesLeft: s.retriesLeft - 1 });
}

/**
 * An invalid, unexpected or missing block (§11.6.3 rules 7.1 to 7.3): send
 * the unanswered S-request again, or an R-block asking for the expected
 * I-block with the error found.
 */
function fault(s: T1ReaderState, error: T1RError): T1ReaderTransition {
  return retry(s, (t) => step(t, [send(t, t.request ?? rBlock(t.link.nad, t.nr, error))]));
}

function progress(s: T1ReaderState): T1ReaderState {
  return { ...s, retriesLeft: s.limits.maxRetries };
}

function onR(s: T1ReaderState, nr: T1Bit): T1ReaderTransition {
  if (s.phase !== 'sending') return fault(s, 'other');
  // N(R) = N(S) asks for the block again; the other value acknowledges a chained block (§11.6.2.3 rule 5).
  if (nr === s.ns) return retry(s, sendChunk);
  if (isLastChunk(s)) return fault(s, 'other');
  return sendChunk(progress({ ...s, ns: flip(s.ns), offset: s.offset + s.chunk }));
}

function onI(s: T1ReaderState, b: T1Block & { readonly kind: 'i' }): T1ReaderTransition {
  // The card acknowledges a chained block with an R-block, the last one with its answer (§11.6.2 rules 2, 5).
  if (s.phase === 'sending' && !isLastChunk(s)) return fault(s, 'other');
  if (b.ns !== s.nr || b.inf.length > s.ifsd) return fault(s, 'other');
  const r = s.phase === 'sending' ? { ...s, phase: 'receiving' as const, ns: flip(s.ns) } : s;
  const length = r.responseLength + b.inf.length;
  if (length > r.limits.maxResponseLength) {
    if (b.more) return request(progress(r), 'abort', { kind: 's', nad: r.link.nad, type: 'abort', response: false });
    return finish({ ...r, nr: flip(r.nr) }, { type: 'error', reason: 'response-too-long' });
  }
  const next = progress({ ...r, nr: flip(r.nr), response: [...r.response, b.inf], responseLength: length });
  if (b.more) return step(next, [send(next, rBlock(next.link.nad, next.nr, 'none'))]);
  return finish(next, { type: 'deliver', apdu: concatBytes(...next.response) });
}

/** The card's S-requests (§11.6.2 rules 3, 4.1, 9); only the reader may RESYNCH (rule 6). */
function onRequest(s: T1ReaderState, b: T1SBlock): T1ReaderTransition {
  if (s.phase !== 'sending' && s.phase !== 'receiving') return fault(s, 'other');
  const reply = send(s, responseTo(b, s.link.nad));
  switch (b.type) {
    case 'wtx':
      return step(progress({ ...s, waitMultiplier: b.multiplier }), [{ type: 'wtx', multiplier: b.multiplier }, reply]);
    case 'ifs':
      return step(progress({ ...s, ifsc: b.ifs }), [reply]);
    case 'abort':
      return finish(s, reply, { type: 'error', reason: 'aborted' });
    case 'resynch':
      return fault(s, 'other');
  }
}

function onResponse(s: T1ReaderState, b: T1SBlock): T1ReaderTransition {
  if (b.type === 'ifs') return finish({ ...s, ifsd: b.ifs }, { type: 'ifsd', ifsd: b.ifs });
  if (b.type === 'abort') return finish(s, { type: 'error', reason: 'response-too-long' });
  // RESYNCH response: sequence numbers and sizes back to their initial values (§11.6.2 rule 6.3).
  const reset = progress({ ...s, ns: 0, nr: 0, ifsc: s.link.ifsc, ifsd: s.link.ifsd, request: null });
  if (s.command.length > 0 && !s.finalSent) {
    return sendChunk({ ...reset, phase: 'sending', offset: 0, response: [], responseLength: 0 });
  }
  return finish(reset, { type: 'error', reason: 'resynchronized' });
}

function onBlock(s: T1ReaderState, b: T1Block): T1ReaderTransition {
  if (b.kind === 's') {
    if (!b.response) return onRequest(s, b);
    return s.request !== null && answers(s.request, b) ? onResponse(s, b) : fault(s, 'other');
  }
  if (s.request !== null) return fault(s, 'other');
  return b.kind === 'r' ? onR(s, b.nr) : onI(s, b);
}

/**
 * The reader's transition (ISO/IEC 7816-3 §11.6). `send` starts an
 * exchange and `negotiate-ifsd` an S(IFS request) (§11.6.2 rule 4.2);
 * both need an idle reader (a TypeError otherwise) and fail with `dead`
 * after RESYNCH failed. `receive` and `timeout` drive the exchange; an
 * idle reader ignores them (no exchange is waiting for a block).
 * @example
 * const { state, outputs } = t1ReaderStep(initialT1Reader(), { type: 'send', apdu: hex('00 A4 04 00 00') });
 * // outputs: [{ type: 'transmit', bytes: 00 00 05 00 A4 04 00 00 A5 }]
 */
export function t1ReaderStep(s: T1ReaderState, e: T1ReaderEvent): T1ReaderTransition {
  switch (e.type) {
    case 'send': {
      if (s.phase === 'dead') return step(s, [{ type: 'error', reason: 'dead' }]);
      requireIdle(s, 'send an APDU');
      if (e.apdu.length === 0) throw new RangeError('an APDU has at least one byte');
      const fresh = { ...s, command: e.apdu.slice(), offset: 0, finalSent: false, resynchsLeft: s.limits.maxResynchs, waitMultiplier: 1 };
      return sendChunk(progress({ ...fresh, phase: 'sending' }));
    }
    case 'negotiate-ifsd': {
      if (s.phase === 'dead') return step(s, [{ type: 'error', reason: 'dead' }]);
      requireIdle(s, 'negotiate IFSD');
      const ifs = checkOption(e.ifsd, 1, 254, 'ifsd');
      const fresh = progress({ ...s, resynchsLeft: s.limits.maxResynchs, waitMultiplier: 1 });
      return request(fresh, 'ifs', { kind: 's', nad: s.link.nad, type: 'ifs', response: false, ifs });
    }
    case 'timeout':
      if (s.phase === 'idle' || s.phase === 'dead') return step(s);
      return fault({ ...s, waitMultiplier: 1 }, 'other');
    case 'receive': {
      if (s.phase === 'idle' || s.phase === 'dead') return step(s);
      const got = classify(e.bytes, s.link.edc, cardNad(s.link));
      const t = { ...s, waitMultiplier: 1 };
      return 'block' in got ? onBlock(t, got.block) : fault(t, got.invalid);
    }
  }
}
