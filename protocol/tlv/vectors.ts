/**
 * The rows of `test-vectors/protocol/tlv.json`, turned into values. Shared
 * by the folder's tests and bench; test-only, not exported by the index.
 * @module
 */
import { hex } from '../bytes.js';
import { loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import type { TlvItem } from './ber-tlv.js';
import { latin1Bytes, tlv, tlvConstructed } from './builders.js';
import type { SimpleTlvNode } from './simple-tlv.js';
import { parseTagHex } from './tag.js';

/** A BER-TLV item as the JSON file writes it. */
export type JsonItem =
  | { padding: string }
  | { tag: string; value?: string; text?: string; children?: JsonItem[]; lengthSize?: number };

interface JsonSimple {
  tag: string;
  value: string;
  lengthSize?: 1 | 3;
}

/** A bad row that may also name the error path. */
export interface TlvBadRow extends BadRow {
  readonly path?: string;
}

interface TlvVectors {
  berTlv: { name: string; hex: string; items: JsonItem[] }[];
  badBerTlv: TlvBadRow[];
  badTlvNode: TlvBadRow[];
  lookups: { vector: string; path: string; values: string[] }[];
  simpleTlv: { name: string; hex: string; items: JsonSimple[] }[];
  badSimpleTlv: TlvBadRow[];
}

function tagOf(text: string): number {
  const r = parseTagHex(text);
  if (!r.ok) throw new TypeError(`bad tag in tlv.json: ${text}`);
  return r.value;
}

/** Build the value a JSON item stands for, with the builders. */
export function fromJson(item: JsonItem): TlvItem {
  if ('padding' in item) return { padding: hex(item.padding) };
  const tag = tagOf(item.tag);
  if (item.children !== undefined) return tlvConstructed(tag, item.children.map(fromJson), item.lengthSize);
  return tlv(tag, item.text !== undefined ? latin1Bytes(item.text) : hex(item.value ?? ''), item.lengthSize);
}

/** The raw file. */
export const tlvVectors = loadVectors<TlvVectors>('tlv');

/** BER-TLV rows as `checkVectors` wants them. */
export const berRows: VectorRow<readonly TlvItem[]>[] = tlvVectors.berTlv.map((r) => ({
  name: r.name,
  hex: r.hex,
  value: r.items.map(fromJson),
}));

/** SIMPLE-TLV rows as `checkVectors` wants them. */
export const simpleRows: VectorRow<readonly SimpleTlvNode[]>[] = tlvVectors.simpleTlv.map((r) => ({
  name: r.name,
  hex: r.hex,
  value: r.items.map((n) => ({ tag: parseInt(n.tag, 16), lengthSize: n.lengthSize ?? 1, value: hex(n.value) })),
}));
