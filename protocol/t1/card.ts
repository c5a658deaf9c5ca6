/**
 * The card side of T=1 as a pure state machine (ISO/IEC 7816-3 §11.6):
 * blocks from the reader in, the command APDU out to the caller, the
 * caller's response APDU in, blocks out.
 *
 * The card speaks only when spoken to: every `receive` gets at most one
 * block back, and recovery budgets belong to the reader (§11.6.3). While
 * the caller computes its answer (`processing`) the card does not listen,
 * except to S(RESYNCH request); a caller that needs longer than BWT asks
 * for a waiting-time extension with `request-wtx`.
 * @module
 */
import { concatBytes } from '../bytes.js';
import { answers, cardNad, checkOption, classify, flip, rBlock, resolveLink, responseTo, transmit } from './link.js';
import type { T1Link, T1LinkOptions, T1Step, T1Transmit } from './link.js';
import type { T1Bit, T1Block, T1RError, T1SBlock } from './block.js';

/** Card options: the link parameters and the longest command chain accepted. */
export interface T1CardOptions extends T1LinkOptions {
  /**
   * A chain whose data passes this length is aborted with S(ABORT request)
   * (§11.6.2 rule 9); the final block may add up to IFSC bytes. Default 65544.
   */
  readonly maxCommandLength?: number;
}

/**
 * What the card is doing: `receiving` reader I-blocks; `processing` (the
 * caller has the command); `sending` a chained response; or waiting for
 * the answer to its S(WTX), S(IFS) or S(ABORT) request.
 */
export type T1CardPhase = 'receiving' | 'processing' | 'sending' | 'wtx' | 'ifs' | 'abort';

/** Events the caller feeds the card. */
export type T1CardEvent =
  | { readonly type: 'receive'; readonly bytes: Uint8Array }
  | { readonly type: 'respond'; readonly apdu: Uint8Array }
  | { readonly type: 'request-wtx'; readonly multiplier: number }
  | { readonly type: 'request-ifsc'; readonly ifsc: number };

/**
 * What the card asks of the caller: put a block on the line, execute a
 * command APDU (answer with `respond`), or forget the command in hand
 * because the reader resynchronised the link.
 */
export type T1CardOutput =
  | T1Transmit
  | { readonly type: 'command'; readonly apdu: Uint8Array }
  | { readonly type: 'resynchronized' };

/** The card machine's state; treat it as opaque and immutable. */
export interface T1CardState {
  readonly phase: T1CardPhase;
  readonly link: T1Link;
  readonly maxCommandLength: number;
  readonly ifsc: number;
  readonly ifsd: number;
  /** N(S) of the card's current or next I-block. */
  readonly ns: T1Bit;
  /** N(S) of the reader's next expected I-block. */
  readonly nr: T1Bit;
  readonly command: readonly Uint8Array[];
  readonly commandLength: number;
  /** The response being sent; the current I-block carries `response[offset, offset + chunk)`. */
  readonly response: Uint8Array;
  readonly offset: number;
  readonly chunk: number;
  /** The last block of the response is sent and not yet acknowledged by the reader's next I-block. */
  readonly pendingAck: boolean;
  /** The S-request awaiting its response, in phases `wtx`, `ifs`, `abort`. */
  readonly request: T1SBlock | null;
  /** A response given while an S-request was pending, sent once it is answered. */
  readonly queued: Uint8Array | null;
}

/** A card transition. */
export type T1CardTransition = T1Step<T1CardState, T1CardOutput>;

const EMPTY = new Uint8Array(0);

/**
 * A card right after its ATR: waiting for the reader's first block with
 * N(S) = N(R) = 0 (ISO/IEC 7816-3 §11.6.2 rule 1). Throws a RangeError on
 * impossible options.
 * @example let c = initialT1Card({ ifsc: 254 });
 */
export function initialT1Card(options: T1CardOptions = {}): T1CardState {
  const link = resolveLink(options);
  return {
    phase: 'receiving', link, maxCommandLength: checkOption(options.maxCommandLength ?? 65544, 1, 2 ** 31, 'maxCommandLength'),
    ifsc: link.ifsc, ifsd: link.ifsd, ns: 0, nr: 0, command: [], commandLength: 0,
    response: EMPTY, offset: 0, chunk: 0, pendingAck: false, request: null, queued: null,
  };
}

function step(state: T1CardState, outputs: readonly T1CardOutput[] = []): T1CardTransition {
  return { state, outputs };
}

function send(s: T1CardState, block: T1Block): T1CardOutput {
  return transmit(s.link, block);
}

/** Send the response I-block at `offset`, cut to IFSD (§11.4.2). */
function sendChunk(s: T1CardState): T1CardTransition {
  const chunk = Math.min(s.ifsd, s.response.length - s.offset);
  const more = s.offset + chunk < s.response.length;
  const next: T1CardState = { ...s, chunk, phase: more ? 'sending' : 'receiving', pendingAck: !more };
  const inf = s.response.subarray(s.offset, s.offset + chunk);
  return step(next, [send(s, { kind: 'i', nad: cardNad(s.link), ns: s.ns, more, inf })]);
}

function startResponse(s: T1CardState, apdu: Uint8Array): T1CardTransition {
  return sendChunk({ ...s, response: apdu, offset: 0, queued: null });
}

function ask(s: T1CardState, phase: 'wtx' | 'ifs' | 'abort', block: T1SBlock): T1CardTransition {
  return step({ ...s, phase, request: block }, [send(s, block)]);
}

/** Back to waiting for a command, with no chain in either direction. */
function idle(s: T1CardState): T1CardState {
  return { ...s, phase: 'receiving', command: [], commandLength: 0, pendingAck: false, request: null, queued: null };
}

/**
 * An invalid or unexpected block (§11.6.3 rules 7.1 to 7.3): send the
 * unanswered S-request again, or an R-block asking for the expected I-block.
 */
function fault(s: T1CardState, error: T1RError): T1CardTransition {
  return step(s, [send(s, s.request ?? rBlock(cardNad(s.link), s.nr, error))]);
}

/** S(RESYNCH response): sequence numbers and sizes back to their initial values (§11.6.2 rule 6). */
function resynch(s: T1CardState): T1CardTransition {
  const reset = idle({ ...s, ns: 0, nr: 0, ifsc: s.link.ifsc, ifsd: s.link.ifsd, response: EMPTY, offset: 0, chunk: 0 });
  return step(reset, [{ type: 'resynchronized' }, send(s, { kind: 's', nad: cardNad(s.link), type: 'resynch', response: true })]);
}

function onRequest(s: T1CardState, b: T1SBlock): T1CardTransition {
  const reply = send(s, responseTo(b, cardNad(s.link)));
  switch (b.type) {
    case 'resynch':
      return resynch(s);
    case 'ifs':
      return step({ ...s, ifsd: b.ifs }, [reply]);
    case 'abort':
      // The unacknowledged block stays unaccepted: N(S) does not move (§11.6.2 rule 9).
      return step(idle(s), [reply]);
    case 'wtx':
      return fault(s, 'other');
  }
}

function onResponse(s: T1CardState, b: T1SBlock): T1CardTransition {
  if (b.type === 'abort') return step(idle(s));
  const back: T1CardState = { ...s, phase: 'processing', request: null, queued: null, ifsc: b.type === 'ifs' ? b.ifs : s.ifsc };
  return s.queued === null ? step(back) : startResponse(back, s.queued);
}

function onR(s: T1CardState, nr: T1Bit): T1CardTransition {
  if (s.phase === 'sending') {
    // N(R) = N(S) asks for the block again; the other value acknowledges it (§11.6.2.3 rule 5).
    return sendChunk(nr === s.ns ? s : { ...s, ns: flip(s.ns), offset: s.offset + s.chunk });
  }
  // The reader lost the last block of the response: send it again (§11.6.3 rule 7.3).
  if (s.pendingAck && nr === s.ns) return sendChunk(s);
  return fault(s, 'other');
}

function onI(s: T1CardState, b: T1Block & { readonly kind: 'i' }): T1CardTransition {
  if (s.phase !== 'receiving' || b.ns !== s.nr || b.inf.length > s.ifsc) return fault(s, 'other');
  // A new reader I-block acknowledges the last block of the previous response (§11.6.2 rule 2.1).
  const acked = s.pendingAck ? { ...s, ns: flip(s.ns), pendingAck: false } : s;
  const length = s.commandLength + b.inf.length;
  if (b.more && length > s.maxCommandLength) {
    return ask({ ...acked, command: [], commandLength: 0 }, 'abort', { kind: 's', nad: cardNad(s.link), type: 'abort', response: false });
  }
  const next = { ...acked, nr: flip(s.nr), command: [...s.command, b.inf], commandLength: length };
  if (b.more) return step(next, [send(s, rBlock(cardNad(s.link), next.nr, 'none'))]);
  return step({ ...next, phase: 'processing', command: [], commandLength: 0 }, [{ type: 'command', apdu: concatBytes(...next.command) }]);
}

function onBlock(s: T1CardState, b: T1Block): T1CardTransition {
  if (b.kind === 's') {
    if (!b.response) return onRequest(s, b);
    return s.request !== null && answers(s.request, b) ? onResponse(s, b) : fault(s, 'other');
  }
  // A valid I-block while our S(ABORT request) waits: the reader answered it and moved on.
  if (s.phase === 'abort' && b.kind === 'i' && b.ns === s.nr) return onI(idle(s), b);
  if (s.request !== null) return fault(s, 'other');
  return b.kind === 'r' ? onR(s, b.nr) : onI(s, b);
}

function requirePhase(s: T1CardState, ok: boolean, what: string): void {
  if (!ok) throw new TypeError(`cannot ${what}: the T=1 card is ${s.phase}`);
}

/**
 * The card's transition (ISO/IEC 7816-3 §11.6). `receive` takes one block
 * from the line. `respond` answers the last `command` output; given while
 * an S(WTX) or S(IFS) request waits, it is sent once that is answered.
 * `request-wtx` and `request-ifsc` send S(WTX request) and S(IFS request)
 * (§11.6.2 rules 3, 4.1) while processing. A call in a phase that does not
 * allow it is a TypeError.
 * @example
 * const { outputs } = t1CardStep(initialT1Card(), { type: 'receive', bytes: hex('00 00 05 00 A4 04 00 00 A5') });
 * // outputs: [{ type: 'command', apdu: 00 A4 04 00 00 }]
 */
export function t1CardStep(s: T1CardState, e: T1CardEvent): T1CardTransition {
  switch (e.type) {
    case 'receive': {
      const got = classify(e.bytes, s.link.edc, s.link.nad);
      if (s.phase === 'processing') {
        const b = 'block' in got ? got.block : null;
        return b !== null && b.kind === 's' && b.type === 'resynch' && !b.response ? resynch(s) : step(s);
      }
      return 'block' in got ? onBlock(s, got.block) : fault(s, got.invalid);
    }
    case 'respond': {
      requirePhase(s, s.phase === 'processing' || ((s.phase === 'wtx' || s.phase === 'ifs') && s.queued === null), 'respond');
      if (e.apdu.length === 0) throw new RangeError('a response APDU has at least one byte');
      const apdu = e.apdu.slice();
      return s.phase === 'processing' ? startResponse(s, apdu) : step({ ...s, queued: apdu });
    }
    case 'request-wtx': {
      requirePhase(s, s.phase === 'processing', 'request WTX');
      const multiplier = checkOption(e.multiplier, 1, 255, 'multiplier');
      return ask(s, 'wtx', { kind: 's', nad: cardNad(s.link), type: 'wtx', response: false, multiplier });
    }
    case 'request-ifsc': {
      requirePhase(s, s.phase === 'processing', 'request IFSC');
      const ifs = checkOption(e.ifsc, 1, 254, 'ifsc');
      return ask(s, 'ifs', { kind: 's', nad: cardNad(s.link), type: 'ifs', response: false, ifs });
    }
  }
}
