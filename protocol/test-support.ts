/**
 * Shared checks for codec tests (STYLE.md "Tests"): vector tables in four
 * directions, bad-input tables, truncation of every strict prefix, and the
 * vector files of `test-vectors/protocol/`. Test-only: not exported by
 * `protocol/index.ts`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { ExecutionContext } from 'ava';
import { hex, toHex } from './bytes.js';
import type { Codec, ParseResult } from './result.js';

/** One row of a codec's vector table. */
export interface VectorRow<T> {
  readonly name?: string;
  readonly value: T;
  readonly hex: string;
}

/** One row of a codec's bad-input table. */
export interface BadRow {
  readonly name?: string;
  readonly hex: string;
  readonly reason: string;
  readonly offset?: number;
}

/** Check each row in four directions: encode, parse, parse∘encode, encode∘parse. */
export function checkVectors<T>(t: ExecutionContext, codec: Codec<T>, rows: readonly VectorRow<T>[]): void {
  for (const row of rows) {
    const label = row.name ?? row.hex;
    const bytes = hex(row.hex);
    t.is(toHex(codec.encode(row.value)), toHex(bytes), `encode: ${label}`);
    const parsed = codec.parse(bytes);
    if (!parsed.ok) {
      t.fail(`parse: ${label}: ${parsed.error.reason} at ${parsed.error.offset}: ${parsed.error.message}`);
      continue;
    }
    t.deepEqual(parsed.value, row.value, `parse: ${label}`);
    const again = codec.parse(codec.encode(row.value));
    t.true(again.ok && isDeepStrictEqual(again.value, row.value), `parse(encode): ${label}`);
    t.is(toHex(codec.encode(parsed.value)), toHex(bytes), `encode(parse): ${label}`);
  }
}

/** Check that each bad row fails with its reason (and offset when given). */
export function checkBad(t: ExecutionContext, parse: (b: Uint8Array) => ParseResult<unknown>, rows: readonly BadRow[]): void {
  for (const row of rows) {
    const label = row.name ?? row.hex;
    const r = parse(hex(row.hex));
    if (r.ok) {
      t.fail(`expected ${row.reason} for ${label}, got a value`);
      continue;
    }
    t.is(r.error.reason, row.reason, `reason: ${label} (${r.error.message})`);
    if (row.offset !== undefined) t.is(r.error.offset, row.offset, `offset: ${label}`);
  }
}

/** Every strict prefix of a valid encoding must fail with `truncated`. */
export function everyPrefixTruncated(parse: (b: Uint8Array) => ParseResult<unknown>, bytes: Uint8Array): boolean {
  for (let n = 0; n < bytes.length; n++) {
    const r = parse(bytes.subarray(0, n));
    if (r.ok || r.error.reason !== 'truncated') return false;
  }
  return true;
}

const VECTORS = fileURLToPath(new URL('../test-vectors/protocol/', import.meta.url));

/** Read `test-vectors/protocol/<name>.json`. */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(`${VECTORS}${name}.json`, 'utf8')) as T;
}
