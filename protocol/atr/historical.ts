/**
 * The historical bytes of an ATR: the category indicator, then COMPACT-TLV
 * objects (country, issuer, card service data, capabilities, status
 * indicator, AID...), a DIR data reference, or a proprietary format.
 *
 * ISO/IEC 7816-4 §8.1.1 (historical bytes), §8.1.1.2 (objects, tables
 * 83 to 88 of the 2005 edition), §5.3.3 (life cycle status, table 13).
 * @module
 */
import type { ParseError } from '../result.js';
import { parseCompactTlv, type CompactTlvObject } from '../tlv/compact-tlv.js';

/** How the historical bytes are laid out, from the category indicator (ISO/IEC 7816-4 §8.1.1.1). */
export type HistoricalKind =
  /** No historical bytes. */
  | 'none'
  /** 00: COMPACT-TLV objects, then a mandatory 3-byte status indicator. */
  | 'compact-tlv-status'
  /** 80: COMPACT-TLV objects, maybe a status indicator object (tag 8). */
  | 'compact-tlv'
  /** 10: the next byte is a DIR data reference. */
  | 'dir-reference'
  /** 81 to 8F: reserved for future use. */
  | 'rfu'
  /** Any other first byte: a proprietary format. */
  | 'proprietary';

/** The status indicator: life cycle status and/or a status word (ISO/IEC 7816-4 §8.1.1.3). */
export interface StatusIndicator {
  readonly lcs: number | null;
  readonly sw: number | null;
}

/** The historical bytes decoded (ISO/IEC 7816-4 §8.1.1). */
export interface HistoricalBytes {
  /** The category indicator byte; null when there are no historical bytes. */
  readonly category: number | null;
  readonly kind: HistoricalKind;
  /** The COMPACT-TLV objects (status indicator of category 00 excluded); empty for other kinds. */
  readonly objects: readonly CompactTlvObject[];
  /** The 3 last bytes of category 00, or the value of a tag 8 object of category 80. */
  readonly status: StatusIndicator | null;
  /** The byte after category 10; null otherwise. */
  readonly dirReference: number | null;
  /** Why the COMPACT-TLV part does not decode, when it does not; the ATR itself stays valid. */
  readonly error: ParseError | null;
}

/** COMPACT-TLV tag names in historical bytes (ISO/IEC 7816-4 §8.1.1.2). */
export const HISTORICAL_TAGS: Readonly<Record<number, string>> = {
  0x1: 'country code (ISO 3166-1)',
  0x2: 'issuer identification number (ISO/IEC 7812-1)',
  0x3: 'card service data',
  0x4: 'initial access data',
  0x5: "card issuer's data",
  0x6: 'pre-issuing data',
  0x7: 'card capabilities',
  0x8: 'status indicator',
  0xf: 'application identifier',
};

/** Read a status indicator value of 1 (LCS), 2 (SW) or 3 (LCS, SW) bytes; null for other lengths. */
function statusOf(v: Uint8Array): StatusIndicator | null {
  const sw = (at: number) => (v[at]! << 8) | v[at + 1]!;
  if (v.length === 1) return { lcs: v[0]!, sw: null };
  if (v.length === 2) return { lcs: null, sw: sw(0) };
  if (v.length === 3) return { lcs: v[0]!, sw: sw(1) };
  return null;
}

function kindOf(category: number): HistoricalKind {
  if (category === 0x00) return 'compact-tlv-status';
  if (category === 0x80) return 'compact-tlv';
  if (category === 0x10) return 'dir-reference';
  if (category > 0x80 && category <= 0x8f) return 'rfu';
  return 'proprietary';
}

/**
 * Decode historical bytes (ISO/IEC 7816-4 §8.1.1). Never fails: a malformed
 * COMPACT-TLV part is reported in `error` with the objects read so far
 * left out, as pcsc-tools' ATR_analysis reports it and goes on.
 * @example decodeHistorical(hex('80 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00')).status // { lcs: null, sw: 0x9000 }
 */
export function decodeHistorical(bytes: Uint8Array): HistoricalBytes {
  const none = { objects: [], status: null, dirReference: null, error: null };
  const category = bytes[0];
  if (category === undefined) return { category: null, kind: 'none', ...none };
  const kind = kindOf(category);
  if (kind === 'dir-reference') return { category, kind, ...none, dirReference: bytes[1] ?? null };
  if (kind !== 'compact-tlv' && kind !== 'compact-tlv-status') return { category, kind, ...none };
  const statusLength = kind === 'compact-tlv-status' ? 3 : 0;
  if (bytes.length - 1 < statusLength) {
    const error = { reason: 'truncated', message: 'category 00 needs a 3-byte status indicator', offset: bytes.length, path: 'historical/status' };
    return { category, kind, ...none, error };
  }
  const end = bytes.length - statusLength;
  const parsed = parseCompactTlv(bytes.subarray(1, end));
  if (!parsed.ok) {
    const e = parsed.error;
    return { category, kind, ...none, error: { ...e, offset: e.offset + 1, path: `historical/${e.path}` } };
  }
  const tagged = parsed.value.find((o) => o.tag === 0x8);
  const status = statusLength === 3 ? statusOf(bytes.subarray(end)) : tagged === undefined ? null : statusOf(tagged.value);
  return { category, kind, objects: parsed.value, status, dirReference: null, error: null };
}

/** Life cycle status byte (ISO/IEC 7816-4 §5.3.3.2, table 13). */
export function describeLcs(lcs: number): string {
  if (lcs >= 0x10) return 'proprietary';
  if (lcs === 0x00) return 'no information given';
  if (lcs === 0x01) return 'creation state';
  if (lcs === 0x03) return 'initialisation state';
  if (lcs === 0x05 || lcs === 0x07) return 'operational state (activated)';
  if (lcs === 0x04 || lcs === 0x06) return 'operational state (deactivated)';
  if (lcs >= 0x0c) return 'termination state';
  return 'RFU';
}

type BitNames = readonly (readonly [mask: number, text: string])[];

function bitsSet(value: number, names: BitNames): string[] {
  return names.filter(([mask]) => (value & mask) !== 0).map(([, text]) => text);
}

const SERVICE_BITS: BitNames = [
  [0x80, 'application selection by full DF name'],
  [0x40, 'application selection by partial DF name'],
  [0x20, 'BER-TLV data objects in EF.DIR'],
  [0x10, 'BER-TLV data objects in EF.ATR'],
];

const EF_ACCESS: Readonly<Record<number, string>> = { 4: 'READ BINARY', 2: 'GET DATA', 0: 'READ RECORD(S)' };

/** Card service data byte, tag 3 (ISO/IEC 7816-4 §8.1.1.2.3, table 85). */
export function describeCardServiceData(b: number): string[] {
  return [
    ...bitsSet(b, SERVICE_BITS),
    `EF.DIR and EF.ATR access by ${EF_ACCESS[(b >> 1) & 7] ?? 'an RFU method'}`,
    (b & 1) === 1 ? 'card without MF' : 'card with MF',
  ];
}

const SELECTION_BITS: BitNames = [
  [0x80, 'DF selection by full DF name'],
  [0x40, 'DF selection by partial DF name'],
  [0x20, 'DF selection by path'],
  [0x10, 'DF selection by file identifier'],
  [0x08, 'implicit DF selection'],
  [0x04, 'short EF identifier supported'],
  [0x02, 'record number supported'],
  [0x01, 'record identifier supported'],
];

const WRITE_BEHAVIOUR = ['one-time write', 'proprietary', 'write OR', 'write AND'] as const;
const CHANNELS = ['no logical channel', 'by the interface device', 'by the card', 'by the interface device and the card'] as const;

/** Card capabilities, tag 7: up to three software function tables (ISO/IEC 7816-4 §8.1.1.2.7, tables 86-88). */
export function describeCardCapabilities(v: Uint8Array): string[] {
  const out: string[] = [];
  const [sm, dc, cc] = v;
  if (sm !== undefined) out.push(...bitsSet(sm, SELECTION_BITS));
  if (dc !== undefined) {
    if (dc & 0x80) out.push('EFs of BER-TLV structure supported');
    out.push(`write functions: ${WRITE_BEHAVIOUR[(dc >> 5) & 3]!}`);
    out.push(`FF as first byte of a BER-TLV tag: ${dc & 0x10 ? 'valid' : 'invalid'}`);
    out.push(`data unit: ${2 ** (dc & 0x0f)} quartet(s)`);
  }
  if (cc !== undefined) {
    if (cc & 0x80) out.push('command chaining');
    if (cc & 0x40) out.push('extended Lc and Le fields');
    out.push(`logical channel assignment: ${CHANNELS[(cc >> 3) & 3]!}`);
    out.push(`maximum logical channels: ${(cc & 7) + 1}`);
  }
  return out;
}
