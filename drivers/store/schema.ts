/**
 * The store's SQLite schema as numbered forward migrations (our design, see
 * README). `PRAGMA application_id` marks the file as ours, `PRAGMA
 * user_version` holds the number of the last migration applied. Each
 * migration runs in one transaction with the version bump, so a power loss
 * leaves the file at the old version or the new one, never between.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';

/** `PRAGMA application_id` of a bifente terminal store: ASCII "BFTS". */
export const APPLICATION_ID = 0x42465453;

/** One schema step: applied to a database at `version - 1`, leaving it at `version`. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const DESTINATION = `CHECK (destination GLOB '[0-9][0-9][0-9]')`;

/** The schema steps, in order; a new firmware appends, never edits. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'FSEs, lots, lot counters, event log, settings',
    sql: `
      CREATE TABLE lot (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        destination TEXT NOT NULL ${DESTINATION},
        number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999),
        created_at INTEGER NOT NULL,
        fse_count INTEGER NOT NULL CHECK (fse_count BETWEEN 1 AND 999),
        bytes BLOB NOT NULL,
        signature BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('signed', 'acknowledged')),
        acknowledged_at INTEGER,
        UNIQUE (destination, number)
      ) STRICT;
      CREATE TABLE fse (
        id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 999999999),
        captured_at INTEGER NOT NULL,
        destination TEXT NOT NULL ${DESTINATION},
        amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
        securing_mode TEXT NOT NULL CHECK (securing_mode IN ('S', 'F', 'D')),
        bytes BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('stored', 'in-lot', 'acknowledged')),
        lot_id INTEGER REFERENCES lot (id),
        CHECK ((state = 'stored') = (lot_id IS NULL) OR state = 'acknowledged')
      ) STRICT;
      CREATE INDEX fse_by_lot ON fse (lot_id);
      CREATE TABLE lot_counter (
        destination TEXT PRIMARY KEY ${DESTINATION},
        last_number INTEGER NOT NULL CHECK (last_number BETWEEN 1 AND 999)
      ) STRICT;
      CREATE TABLE event (
        idx INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
      ) STRICT;
      CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/** The schema version this firmware writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * @internal Brings `db` (ours or empty, at `from` ≤ the last version) up to the
 * last of `migrations`, one transaction per step. Returns the versions applied.
 */
export function migrate(db: BetterSqlite3.Database, from: number, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  for (const step of migrations) {
    if (step.version <= from) continue;
    db.transaction(() => {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    applied.push(step.version);
  }
  return applied;
}
