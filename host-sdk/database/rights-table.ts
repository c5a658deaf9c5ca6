/**
 * The rights cache of the host database (schema version 2, OURS): the last
 * answer of the rights teleservice per beneficiary, keyed by what the carte
 * Vitale gives (NIR, birth date, birth rank; emulator/teleservice README
 * "Rights lookup"), with the time it was fetched. One row a person: a newer
 * answer replaces the older one.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';

/** The key of a cached answer. */
export interface RightsKey {
  /** The NIR the query was made with, 15 characters. */
  readonly nir: string;
  /** `YYYY-MM-DD` as on the card. */
  readonly birthDate: string;
  /** 1-9. */
  readonly birthRank: number;
}

/** A cached answer: the server's JSON as it came, and when. */
export interface CachedRights {
  readonly answer: unknown;
  /** Host time of the fetch, ms since 1970. */
  readonly fetchedAt: number;
}

/** The rights cache's operations (each one statement). */
export interface RightsTable {
  get(key: RightsKey): CachedRights | undefined;
  /** Keep `answer` as the latest for `key` (replaces the previous one). */
  put(key: RightsKey, answer: unknown, fetchedAt: number): void;
  /** Forget answers fetched before `before` (ms); returns how many. */
  prune(before: number): number;
}

/** @internal The rights cache over an open connection; `run` maps SQLite errors. */
export function createRightsTable(db: BetterSqlite3.Database, run: <T>(what: string, work: () => T) => T): RightsTable {
  return {
    get: (key) => run('reading the rights cache', () => {
      const row = db.prepare('SELECT answer, fetched_at FROM rights_cache WHERE nir = ? AND birth_date = ? AND birth_rank = ?').get(key.nir, key.birthDate, key.birthRank) as { answer: string; fetched_at: number } | undefined;
      return row === undefined ? undefined : { answer: JSON.parse(row.answer) as unknown, fetchedAt: row.fetched_at };
    }),
    put: (key, answer, fetchedAt) => run('writing the rights cache', () => {
      db.prepare(
        `INSERT INTO rights_cache (nir, birth_date, birth_rank, answer, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (nir, birth_date, birth_rank) DO UPDATE SET answer = excluded.answer, fetched_at = excluded.fetched_at`,
      ).run(key.nir, key.birthDate, key.birthRank, JSON.stringify(answer), fetchedAt);
    }),
    prune: (before) => run('pruning the rights cache', () => db.prepare('DELETE FROM rights_cache WHERE fetched_at < ?').run(before).changes),
  };
}
