/**
 * What the two T=1 state machines share (ISO/IEC 7816-3 §11.4, §11.6):
 * link parameters, the step shape, block building and the check that
 * sorts a received block into valid or invalid.
 * @module
 */
import { encodeT1Block, parseT1Block, replyNad, type T1Bit, type T1Block, type T1RError } from './block.js';
import type { T1Edc } from './edc.js';

/**
 * Link parameters of both machines (ISO/IEC 7816-3 §11.4). Defaults: LRC,
 * NAD 00, IFSC 32 and IFSD 32 (the values when the ATR has no TA3, TC3).
 */
export interface T1LinkOptions {
  /** Epilogue chosen by TC3 (§11.3.4); default `lrc`. */
  readonly edc?: T1Edc;
  /** NAD of the blocks the reader sends; the card answers with DAD and SAD swapped (§11.3.2.1). Default 00. */
  readonly nad?: number;
  /** Information field size of the card, from TA3 (§11.4.2); default 32. */
  readonly ifsc?: number;
  /** Information field size of the reader at start (§11.4.2); default 32. */
  readonly ifsd?: number;
}

/** {@link T1LinkOptions} with every default applied. */
export interface T1Link {
  readonly edc: T1Edc;
  readonly nad: number;
  readonly ifsc: number;
  readonly ifsd: number;
}

/** A machine's next state and what it asks the caller to do, in order. */
export interface T1Step<S, O> {
  readonly state: S;
  readonly outputs: readonly O[];
}

/** Put `bytes` (one encoded block) on the line. */
export interface T1Transmit {
  readonly type: 'transmit';
  readonly bytes: Uint8Array;
}

/** Check `value` is an integer in `min..max`; a RangeError names `what` otherwise. */
export function checkOption(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} = ${value} is not an integer in ${min}..${max}`);
  return value;
}

/** Apply the defaults of {@link T1LinkOptions}; throws a RangeError on impossible values. */
export function resolveLink(options: T1LinkOptions): T1Link {
  return {
    edc: options.edc ?? 'lrc',
    nad: checkOption(options.nad ?? 0, 0, 0xff, 'nad'),
    ifsc: checkOption(options.ifsc ?? 32, 1, 254, 'ifsc'),
    ifsd: checkOption(options.ifsd ?? 32, 1, 254, 'ifsd'),
  };
}

/** Encode `block` on `link` as a transmit output. */
export function transmit(link: T1Link, block: T1Block): T1Transmit {
  return { type: 'transmit', bytes: encodeT1Block(block, link) };
}

/** R-block with N(R) = `nr` (§11.3.2.2). */
export function rBlock(nad: number, nr: T1Bit, error: T1RError): T1Block {
  return { kind: 'r', nad, nr, error };
}

/** A received block, or the R-block error an invalid one calls for. */
export type T1Received = { readonly block: T1Block } | { readonly invalid: T1RError };

/**
 * Parse a received block and check its NAD is `expectedNad`. An invalid
 * block maps to the R-block error it calls for (§11.6.3): `edc` for a
 * failed EDC, `other` for anything else (a wrong NAD included).
 */
export function classify(bytes: Uint8Array, edc: T1Edc, expectedNad: number): T1Received {
  const r = parseT1Block(bytes, { edc });
  if (!r.ok) return { invalid: r.error.reason === 'bad-edc' ? 'edc' : 'other' };
  return r.value.nad === expectedNad ? { block: r.value } : { invalid: 'other' };
}

/** The NAD of the blocks the card sends on `link`. */
export function cardNad(link: T1Link): number {
  return replyNad(link.nad);
}

/** Flip a sequence bit. */
export function flip(bit: T1Bit): T1Bit {
  return bit === 0 ? 1 : 0;
}

/** True when `reply` is the S-block response to `request`, with the same INF (§11.6.2 rules 3 and 4). */
export function answers(request: T1Block, reply: T1Block): boolean {
  if (request.kind !== 's' || reply.kind !== 's' || request.response || !reply.response || request.type !== reply.type) return false;
  if (request.type === 'ifs' && reply.type === 'ifs') return request.ifs === reply.ifs;
  if (request.type === 'wtx' && reply.type === 'wtx') return request.multiplier === reply.multiplier;
  return true;
}

/** The S-block response to `request`: same type and INF (§11.6.2 rules 3, 4, 6, 9). */
export function responseTo(request: T1Block & { readonly kind: 's' }, nad: number): T1Block {
  return { ...request, nad, response: true };
}
