/**
 * Test-only helpers of `protocol/b2/`: vector rows written as text records
 * (readable in the JSON), turned into the hex rows of `checkVectors` and
 * `checkBad`.
 * @module
 */
import { toHex } from '../bytes.js';
import type { BadRow, VectorRow } from '../test-support.js';

/** Vector rows keep the records as text lines (readable); the table is checked on their ASCII bytes. */
export interface TextRow<T> {
  readonly name: string;
  readonly value: T;
  readonly records: readonly string[];
}
export interface TextBadRow {
  readonly name: string;
  readonly records: readonly string[];
  readonly reason: string;
  readonly offset?: number;
}
/** The ASCII bytes of records written as text. */
export const ascii = (records: readonly string[]) => new TextEncoder().encode(records.join(''));
/** Text rows as `checkVectors` rows. */
export const asVectorRows = <T>(rows: readonly TextRow<T>[]): VectorRow<T>[] => rows.map((r) => ({ name: r.name, value: r.value, hex: toHex(ascii(r.records)) }));
/** Text rows as `checkBad` rows. */
export const asBadRows = (rows: readonly TextBadRow[]): BadRow[] =>
  rows.map((r) => (r.offset === undefined ? { name: r.name, hex: toHex(ascii(r.records)), reason: r.reason } : { name: r.name, hex: toHex(ascii(r.records)), reason: r.reason, offset: r.offset }));

