/**
 * The host database's SQLite schema as numbered forward migrations (OURS,
 * see README "Database"). `PRAGMA application_id` marks the file as the
 * host's ("BFTH"), `PRAGMA user_version` is the last migration applied; each
 * step runs in one transaction with its version bump.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import { LOT_STATES } from '../lots/lot-state.js';

/** `PRAGMA application_id` of a bifente host database: ASCII "BFTH". */
export const HOST_APPLICATION_ID = 0x42465448;

/** One schema step: applied to a database at `version - 1`, leaving it at `version`. */
export interface HostMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const VERDICT = `verdict TEXT NOT NULL CHECK (verdict IN ('verified', 'rejected')),
        reason TEXT,
        detail TEXT`;
const VERDICT_REASON = `CHECK ((verdict = 'rejected') = (reason IS NOT NULL))`;
const DIGEST = 'digest BLOB NOT NULL CHECK (length(digest) = 32)';
const LOT_STATE = `CHECK (state IN (${LOT_STATES.map((s) => `'${s}'`).join(', ')}))`;

/** The schema steps, in order; a new version appends, never edits. */
export const HOST_MIGRATIONS: readonly HostMigration[] = [
  {
    version: 1,
    description: 'terminals, FSEs, lots with their state history, conflicts, sync runs and journal',
    sql: `
      CREATE TABLE terminal (
        serial TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        firmware TEXT NOT NULL,
        agreement_number TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL,
        last_sync_at INTEGER,
        clock_drift_ms INTEGER
      ) STRICT;
      CREATE TABLE fse (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        terminal_serial TEXT NOT NULL REFERENCES terminal (serial),
        invoice_number INTEGER NOT NULL CHECK (invoice_number BETWEEN 1 AND 999999999),
        bytes BLOB NOT NULL,
        ${DIGEST},
        ${VERDICT},
        received_at INTEGER NOT NULL,
        freed_at INTEGER,
        ${VERDICT_REASON},
        UNIQUE (terminal_serial, invoice_number)
      ) STRICT;
      CREATE TABLE lot (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        terminal_serial TEXT NOT NULL REFERENCES terminal (serial),
        destination TEXT CHECK (destination GLOB '[0-9][0-9][0-9]'),
        lot_number INTEGER CHECK (lot_number BETWEEN 1 AND 999),
        bytes BLOB NOT NULL,
        ${DIGEST},
        ${VERDICT},
        state TEXT NOT NULL ${LOT_STATE},
        received_at INTEGER NOT NULL,
        freed_at INTEGER,
        ${VERDICT_REASON},
        CHECK ((destination IS NULL) = (lot_number IS NULL)),
        CHECK (verdict = 'rejected' OR destination IS NOT NULL),
        UNIQUE (terminal_serial, destination, lot_number, digest),
        UNIQUE (terminal_serial, digest)
      ) STRICT;
      CREATE INDEX lot_by_number ON lot (terminal_serial, destination, lot_number);
      CREATE TABLE lot_fse (
        lot_id INTEGER NOT NULL REFERENCES lot (id),
        fse_id INTEGER NOT NULL REFERENCES fse (id),
        PRIMARY KEY (lot_id, fse_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX lot_fse_by_fse ON lot_fse (fse_id);
      CREATE TABLE lot_state_change (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        lot_id INTEGER NOT NULL REFERENCES lot (id),
        state TEXT NOT NULL ${LOT_STATE},
        reason TEXT,
        at INTEGER NOT NULL,
        CHECK ((state = 'arl-negative') = (reason IS NOT NULL))
      ) STRICT;
      CREATE INDEX lot_state_change_by_lot ON lot_state_change (lot_id);
      CREATE TABLE conflict (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        terminal_serial TEXT NOT NULL REFERENCES terminal (serial),
        kind TEXT NOT NULL CHECK (kind IN ('fse', 'lot')),
        item TEXT NOT NULL,
        held_digest BLOB NOT NULL CHECK (length(held_digest) = 32),
        offered_digest BLOB NOT NULL CHECK (length(offered_digest) = 32),
        bytes BLOB NOT NULL,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        UNIQUE (terminal_serial, kind, item, offered_digest)
      ) STRICT;
      CREATE TABLE sync_run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        terminal_serial TEXT REFERENCES terminal (serial),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        outcome TEXT CHECK (outcome IN ('done', 'failed')),
        summary TEXT,
        CHECK ((ended_at IS NULL) = (outcome IS NULL))
      ) STRICT;
      CREATE TABLE sync_journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sync_id INTEGER NOT NULL REFERENCES sync_run (id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        item INTEGER,
        detail TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sync_journal_by_sync ON sync_journal (sync_id);
    `,
  },
  {
    version: 2,
    description: 'rights cache; lot uploads, ARLs and per-invoice returns',
    sql: `
      CREATE TABLE rights_cache (
        nir TEXT NOT NULL CHECK (length(nir) = 15),
        birth_date TEXT NOT NULL,
        birth_rank INTEGER NOT NULL CHECK (birth_rank BETWEEN 1 AND 9),
        answer TEXT NOT NULL CHECK (json_valid(answer)),
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (nir, birth_date, birth_rank)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE lot_upload (
        lot_id INTEGER PRIMARY KEY REFERENCES lot (id),
        receipt_id TEXT NOT NULL UNIQUE,
        receipt TEXT NOT NULL CHECK (json_valid(receipt)),
        partner TEXT NOT NULL,
        destination TEXT NOT NULL,
        lot_number INTEGER NOT NULL CHECK (lot_number BETWEEN 1 AND 999),
        received_at INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL CHECK (attempts >= 1),
        arl BLOB,
        arl_status TEXT CHECK (arl_status IN ('positive', 'negative')),
        arl_reason TEXT,
        arl_label TEXT,
        arl_message TEXT,
        arl_at INTEGER,
        CHECK ((arl IS NULL) = (arl_at IS NULL) AND (arl IS NULL) = (arl_status IS NULL)),
        CHECK ((arl_status = 'negative') = (arl_reason IS NOT NULL))
      ) STRICT;
      CREATE INDEX lot_upload_by_pair ON lot_upload (partner, destination, arl_status, received_at);
      CREATE TABLE invoice_return (
        fse_id INTEGER NOT NULL REFERENCES fse (id),
        lot_id INTEGER NOT NULL REFERENCES lot (id),
        return_id INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'rejected')),
        paid_cents INTEGER NOT NULL CHECK (paid_cents >= 0),
        paid_on TEXT,
        codes TEXT NOT NULL CHECK (json_valid(codes)),
        at INTEGER NOT NULL,
        PRIMARY KEY (fse_id, lot_id),
        CHECK ((outcome = 'paid') = (paid_on IS NOT NULL))
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE returns_cursor (
        teleservice TEXT PRIMARY KEY,
        since INTEGER NOT NULL CHECK (since >= 0),
        at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'quarantined terminal stores the host took (files, digests) and released',
    sql: `
      CREATE TABLE quarantine (
        terminal_serial TEXT NOT NULL REFERENCES terminal (serial),
        quarantine_id INTEGER NOT NULL CHECK (quarantine_id BETWEEN 1 AND 4294967295),
        reason TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT NOT NULL,
        folder TEXT NOT NULL,
        files TEXT NOT NULL CHECK (json_valid(files)),
        taken_at INTEGER NOT NULL,
        released_at INTEGER,
        next_invoice_number INTEGER CHECK (next_invoice_number BETWEEN 1 AND 999999999),
        CHECK ((released_at IS NULL) = (next_invoice_number IS NULL)),
        PRIMARY KEY (terminal_serial, quarantine_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** The schema version this host SDK writes: the last migration's. */
export const HOST_SCHEMA_VERSION = HOST_MIGRATIONS.at(-1)?.version ?? 0;

/** @internal Brings `db` (the host's or empty, at `from`) up to the last of `migrations`, one transaction a step. */
export function migrateHost(db: BetterSqlite3.Database, from: number, migrations: readonly HostMigration[] = HOST_MIGRATIONS): number[] {
  const applied: number[] = [];
  for (const step of migrations) {
    if (step.version <= from) continue;
    db.transaction(() => {
      db.pragma(`application_id = ${HOST_APPLICATION_ID}`);
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    applied.push(step.version);
  }
  return applied;
}
