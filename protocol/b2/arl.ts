/**
 * The ARL (accusé de réception logique): the fund's answer to one lot,
 * positive or negative with a reason code (DOMAIN.md "FSE, lots, returns").
 * The real ARL format is not public: this one is OURS, one 128-character
 * ASCII record in the B2 style (README "ARL").
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { checkFiller, col, fillerOf, firstNonPrintable, RecordCursor, RecordStop, RecordWriter, type B2Reason } from './fixed-width.js';

/** Positive (lot accepted for processing) or negative (lot rejected). */
export type ArlStatus = 'positive' | 'negative';

/** An ARL (OURS). A negative one names its reason (a code of `test-vectors/b2/reason-codes.json`) and may point at one invoice. */
export type Arl = ArlCommon & ({ readonly status: 'positive' } | { readonly status: 'negative'; readonly reason: string; readonly invoiceNumber?: number });

/** The fields every ARL has. */
export interface ArlCommon {
  /** The organisme destinataire that received the lot, 3 digits. */
  readonly destination: string;
  /** 1-999. */
  readonly lotNumber: number;
  /** The partner's billing number + key, 9 digits. */
  readonly partner: string;
  /** When the lot was received, `YYMMDD`. */
  readonly receivedOn: string;
  /** The lot trailer's certification zone of the acknowledged B2 file, 32 characters. */
  readonly certification: string;
}

/** Length of an ARL record. */
export const ARL_LENGTH = 128;

const F = {
  type: col('type', 1, 3),
  destination: col('destination', 4, 3),
  lotNumber: col('lotNumber', 7, 3),
  partner: col('partner', 10, 9),
  receivedOn: col('receivedOn', 19, 6),
  status: col('status', 25, 1),
  reason: col('reason', 26, 5),
  certification: col('certification', 31, 32),
  invoiceNumber: col('invoiceNumber', 63, 9),
};
const FILLER = fillerOf(ARL_LENGTH, Object.values(F));
const REASON = /^[A-Z0-9]{1,5}$/;

function readArl(r: RecordCursor): Arl {
  r.literal(F.type, 'ARL');
  checkFiller(r, FILLER);
  const common = {
    destination: r.digits(F.destination),
    lotNumber: r.range(F.lotNumber, 1, 999),
    partner: r.digits(F.partner),
    receivedOn: r.date(F.receivedOn),
    certification: r.raw(F.certification),
  };
  const status = r.code(F.status, ['P', 'N']);
  const reason = r.optional(F.reason);
  const invoice = r.raw(F.invoiceNumber) === ' '.repeat(9) ? undefined : r.range(F.invoiceNumber, 1, 999_999_999);
  if (status === 'P') {
    if (reason !== undefined || invoice !== undefined) r.fail('inconsistent', 'a positive ARL has no reason nor invoice', F.reason);
    return { ...common, status: 'positive' };
  }
  if (reason === undefined || !REASON.test(reason)) r.fail('bad-value', 'a negative ARL needs a reason code of 1-5 [A-Z0-9]', F.reason);
  return invoice === undefined ? { ...common, status: 'negative', reason } : { ...common, status: 'negative', reason, invoiceNumber: invoice };
}

/**
 * Parse an ARL (OURS, README "ARL"). Never throws on input.
 * @example parseArl(bytes) // ok: { status: 'negative', reason: 'L0003', lotNumber: 12, ... }
 */
export function parseArl(bytes: Uint8Array): ParseResult<Arl, B2Reason> {
  if (bytes.length < ARL_LENGTH) return fail('truncated', `an ARL is ${ARL_LENGTH} characters`, bytes.length);
  if (bytes.length > ARL_LENGTH) return fail('trailing-bytes', `${bytes.length - ARL_LENGTH} byte(s) after the ARL`, ARL_LENGTH);
  const bad = firstNonPrintable(bytes, 0, ARL_LENGTH);
  if (bad >= 0) return fail('bad-character', `byte ${bytes[bad]} is not printable ASCII`, bad, 'arl');
  try {
    const r = new RecordCursor(bytes, 'arl');
    return ok(readArl(r));
  } catch (e) {
    if (e instanceof RecordStop) return e.err;
    throw e;
  }
}

/**
 * Encode an ARL; the exact inverse of {@link parseArl}. Throws a RangeError
 * for a value the parser would refuse.
 * @example encodeArl({ status: 'positive', destination: '751', lotNumber: 1, ... }) // "ARL7510011..."
 */
export function encodeArl(value: Arl): Uint8Array {
  const w = new RecordWriter(new Uint8Array(ARL_LENGTH));
  w.text(F.type, 'ARL');
  w.exact(F.destination, value.destination);
  w.uint(F.lotNumber, value.lotNumber);
  w.exact(F.partner, value.partner);
  w.exact(F.receivedOn, value.receivedOn);
  w.exact(F.certification, value.certification);
  w.text(F.status, value.status === 'positive' ? 'P' : 'N');
  if (value.status === 'negative') {
    w.text(F.reason, value.reason);
    if (value.invoiceNumber !== undefined) w.uint(F.invoiceNumber, value.invoiceNumber);
  }
  const parsed = parseArl(w.out);
  if (!parsed.ok) throw new RangeError(`not a valid ARL: ${parsed.error.reason} at ${parsed.error.path}: ${parsed.error.message}`);
  return w.out;
}

/**
 * Codec of the ARL.
 * @example arlCodec.parse(arlCodec.encode(arl)) // ok: arl
 */
export const arlCodec: Codec<Arl, B2Reason> = { parse: parseArl, encode: encodeArl };
