/**
 * The lazy loader of better-sqlite3 (a regular dependency, native): it is
 * imported when a store opens, never at module load, so that importing
 * drivers/ costs nothing to a program that keeps no store.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './store-error.js';

/** better-sqlite3's Database constructor. */
export type SqliteConstructor = typeof BetterSqlite3;

let loaded: Promise<SqliteConstructor> | undefined;

/** @internal Imports better-sqlite3 once; rejects with `StoreError('io-error')` when it will not load. */
export function loadSqlite(): Promise<SqliteConstructor> {
  loaded ??= import('better-sqlite3').then(
    (namespace) => namespace.default,
    (error: unknown) => {
      loaded = undefined;
      throw new StoreError('io-error', 'the terminal store needs the npm module better-sqlite3 (built from source: g++ and make), which did not load; run npm ci', { cause: error });
    },
  );
  return loaded;
}
