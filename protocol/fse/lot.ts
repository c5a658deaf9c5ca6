/**
 * The lot as the terminal keeps it (OURS, tag E3; B2 files come with issue 7)
 * and the signed lot envelope (tag E4). A lot groups secured FSEs for one
 * destination organisation: lot number 001-999, at most 999 FSEs, the
 * portable-device flag and agreement number, a securing summary per B2
 * "top certification" letter, and each FSE's invoice number and SHA-256
 * digest of its secured envelope (DOMAIN.md "FSE, lots, returns").
 * @module
 */
import type { Codec, ParseResult } from '../result.js';
import type { TlvNode } from '../tlv/index.js';
import { boolField, bytesField, checkValue, encodeChecked, encodeRecord, readRecord, recordField, textField, uintField, type FieldReader, type FseReason } from './canonical.js';
import { FSE_FORMAT_VERSION } from './fse.js';
import { readCardSignature, writeCardSignature, type CardSignature, type SignatureCheck } from './secured-fse.js';
import { AGREEMENT, DIGITS3, MAX_CENTS, readCode, readDateTime, SECURING_MODES, type SecuringMode } from './values.js';

/** Length of a digest: SHA-256 (FIPS 180-4). */
export const FSE_DIGEST_LENGTH = 32;
/** Most FSEs a lot holds: B2's lot trailer counts them in 3 digits (DOMAIN.md). */
export const MAX_LOT_FSES = 999;
/** Top-level tag of a lot (private class, constructed: OURS). */
export const LOT_TAG = 0xe3;
/** Top-level tag of a signed lot (OURS). */
export const SIGNED_LOT_TAG = 0xe4;

/** One FSE of a lot. */
export interface LotFseEntry {
  readonly invoiceNumber: number;
  /** SHA-256 of the FSE's secured envelope (`encodeSecuredFse`), 32 bytes. */
  readonly digest: Uint8Array;
  readonly securing: SecuringMode;
  readonly totalCents: number;
  readonly amoCents: number;
}

/** How many FSEs of the lot were secured in each mode (B2 "top certification" S / F / D). */
export interface LotSecuringSummary {
  readonly withVitale: number;
  readonly withoutVitale: number;
  readonly degraded: number;
}

/** The lot's amounts: sums over its FSEs. */
export interface LotTotals {
  readonly totalCents: number;
  readonly amoCents: number;
}

/** A lot (OURS): FSEs for one destination organisation, in ascending invoice-number order. */
export interface Lot {
  /** Organisme destinataire, 3 digits. */
  readonly destination: string;
  /** 1 to 999 (written 001-999 in B2), per destination, wrapping. */
  readonly lotNumber: number;
  /** Local time with offset, from the injected clock. */
  readonly createdAt: string;
  /** The portable device's agreement number (B2 lot trailer). */
  readonly deviceAgreement: string;
  /** Built on a portable device. */
  readonly portable: boolean;
  /** Derived from `fses`; checked. */
  readonly summary: LotSecuringSummary;
  /** 1 to 999 entries, invoice numbers strictly ascending. */
  readonly fses: readonly LotFseEntry[];
  /** Derived from `fses`; checked. */
  readonly totals: LotTotals;
}

/** A lot and the CPS signature over its canonical bytes. */
export interface SignedLot {
  readonly lot: Lot;
  /** RSA PKCS#1 v1.5 SHA-256 over `encodeLot(lot)` by the CPS signature key, and that key's certificate. */
  readonly cps: CardSignature;
}

const MAX_LOT_CENTS = MAX_LOT_FSES * MAX_CENTS;

function readEntry(r: FieldReader): LotFseEntry {
  const entry = {
    invoiceNumber: r.uint(0x80, 'invoiceNumber', 1, 999_999_999),
    digest: r.bytes(0x81, 'digest', FSE_DIGEST_LENGTH, FSE_DIGEST_LENGTH),
    securing: readCode(r, 0x82, 'securing', SECURING_MODES),
    totalCents: r.uint(0x83, 'totalCents', 0, MAX_CENTS),
    amoCents: r.uint(0x84, 'amoCents', 0, MAX_CENTS),
  };
  if (entry.amoCents > entry.totalCents) r.fail('inconsistent', 'AMO part above the total', 'amoCents');
  return entry;
}

/** The summary and totals a list of entries implies. */
export function lotDerived(fses: readonly LotFseEntry[]): { summary: LotSecuringSummary; totals: LotTotals } {
  const count = (mode: SecuringMode) => fses.filter((e) => e.securing === mode).length;
  return {
    summary: { withVitale: count('S'), withoutVitale: count('F'), degraded: count('D') },
    totals: { totalCents: fses.reduce((s, e) => s + e.totalCents, 0), amoCents: fses.reduce((s, e) => s + e.amoCents, 0) },
  };
}

function readLot(r: FieldReader): Lot {
  r.uint(0x80, 'version', FSE_FORMAT_VERSION, FSE_FORMAT_VERSION);
  const head = {
    destination: r.text(0x81, 'destination', DIGITS3, 3),
    lotNumber: r.uint(0x82, 'lotNumber', 1, 999),
    createdAt: readDateTime(r, 0x83, 'createdAt'),
    deviceAgreement: r.text(0x84, 'deviceAgreement', AGREEMENT, 32),
    portable: r.bool(0x85, 'portable'),
  };
  const summary = r.record(0xa6, 'summary', (q) => ({
    withVitale: q.uint(0x80, 'withVitale', 0, MAX_LOT_FSES),
    withoutVitale: q.uint(0x81, 'withoutVitale', 0, MAX_LOT_FSES),
    degraded: q.uint(0x82, 'degraded', 0, MAX_LOT_FSES),
  }));
  const fses = r.list(0xa7, 'fses', 0xa0, 1, MAX_LOT_FSES, readEntry);
  for (let i = 1; i < fses.length; i++) {
    if (fses[i]!.invoiceNumber <= fses[i - 1]!.invoiceNumber) r.fail('inconsistent', 'invoice numbers not strictly ascending', `fses/${i}`);
  }
  const totals = r.record(0xa8, 'totals', (q) => ({
    totalCents: q.uint(0x80, 'totalCents', 0, MAX_LOT_CENTS),
    amoCents: q.uint(0x81, 'amoCents', 0, MAX_LOT_CENTS),
  }));
  const derived = lotDerived(fses);
  const s = derived.summary;
  if (summary.withVitale !== s.withVitale || summary.withoutVitale !== s.withoutVitale || summary.degraded !== s.degraded) {
    r.fail('inconsistent', 'the securing summary does not count the FSEs', 'summary');
  }
  if (totals.totalCents !== derived.totals.totalCents || totals.amoCents !== derived.totals.amoCents) {
    r.fail('inconsistent', 'the totals are not the sums over the FSEs', 'totals');
  }
  return { ...head, summary, fses, totals };
}

function writeLot(l: Lot): TlvNode {
  return recordField(LOT_TAG, [
    uintField(0x80, FSE_FORMAT_VERSION),
    textField(0x81, l.destination),
    uintField(0x82, l.lotNumber),
    textField(0x83, l.createdAt),
    textField(0x84, l.deviceAgreement),
    boolField(0x85, l.portable),
    recordField(0xa6, [uintField(0x80, l.summary.withVitale), uintField(0x81, l.summary.withoutVitale), uintField(0x82, l.summary.degraded)]),
    recordField(
      0xa7,
      l.fses.map((e) =>
        recordField(0xa0, [uintField(0x80, e.invoiceNumber), bytesField(0x81, e.digest), textField(0x82, e.securing), uintField(0x83, e.totalCents), uintField(0x84, e.amoCents)]),
      ),
    ),
    recordField(0xa8, [uintField(0x80, l.totals.totalCents), uintField(0x81, l.totals.amoCents)]),
  ]);
}

/**
 * Parse a lot (OURS, README "Lot"); the summary and totals must match the
 * entries. Never throws on input.
 * @example parseLot(bytes) // ok: { destination: '751', lotNumber: 1, fses: [...] }
 */
export function parseLot(bytes: Uint8Array): ParseResult<Lot, FseReason> {
  return readRecord(bytes, LOT_TAG, 'lot', readLot);
}

/**
 * Encode a lot canonically: the bytes the CPS signs. The exact inverse of
 * {@link parseLot}; throws a RangeError or TypeError for a value it would refuse.
 * @example encodeLot(lot) // E3 ...
 */
export function encodeLot(value: Lot): Uint8Array {
  return encodeChecked(() => writeLot(value), parseLot, 'lot');
}

/** What {@link makeLot} needs: the lot without what it derives. */
export type LotFields = Omit<Lot, 'summary' | 'totals'>;

/**
 * Build a lot: entries sorted by invoice number, summary and totals
 * computed; a typed failure if a field is out of its domain (duplicate
 * invoice numbers are `inconsistent`).
 * @example makeLot({ destination: '751', lotNumber: 1, createdAt, deviceAgreement: 'BFT-TLA-0001', portable: true, fses })
 */
export function makeLot(fields: LotFields): ParseResult<Lot, FseReason> {
  const fses = [...fields.fses].sort((a, b) => a.invoiceNumber - b.invoiceNumber);
  return checkValue({ ...fields, fses, ...lotDerived(fses) }, writeLot, parseLot);
}

/**
 * Codec of the lot.
 * @example lotCodec.parse(lotCodec.encode(lot)) // ok: lot
 */
export const lotCodec: Codec<Lot, FseReason> = { parse: parseLot, encode: encodeLot };

function writeSignedLot(s: SignedLot): TlvNode {
  return recordField(SIGNED_LOT_TAG, [writeLot(s.lot), writeCardSignature(0xa1, s.cps)]);
}

/**
 * Parse a signed lot `E4 {E3 lot, A1 {80 signature, 81 certificate}}` (OURS).
 * The signature is checked by the caller ({@link signedLotCheck}).
 * @example parseSignedLot(bytes) // ok: { lot, cps: { signature, certificate } }
 */
export function parseSignedLot(bytes: Uint8Array): ParseResult<SignedLot, FseReason> {
  return readRecord(bytes, SIGNED_LOT_TAG, 'signedLot', (r) => ({
    lot: r.record(LOT_TAG, 'lot', readLot),
    cps: r.record(0xa1, 'cps', readCardSignature),
  }));
}

/**
 * Encode a signed lot; the exact inverse of {@link parseSignedLot}.
 * @example encodeSignedLot({ lot, cps }) // E4 ...
 */
export function encodeSignedLot(value: SignedLot): Uint8Array {
  return encodeChecked(() => writeSignedLot(value), parseSignedLot, 'signed lot');
}

/**
 * Codec of the signed lot envelope.
 * @example signedLotCodec.parse(bytes)
 */
export const signedLotCodec: Codec<SignedLot, FseReason> = { parse: parseSignedLot, encode: encodeSignedLot };

/**
 * The one signature a verifier must accept for a signed lot: the CPS's over
 * the lot's canonical bytes. Each FSE's digest is checked against the stored
 * secured FSEs by the caller, who hashes.
 * @example signedLotCheck(s) // { signer: 'cps', data: encodeLot(s.lot), ... }
 */
export function signedLotCheck(signed: SignedLot): SignatureCheck {
  return { signer: 'cps', data: encodeRecord(writeLot(signed.lot)), ...signed.cps };
}
