/**
 * Boot: `openTerminalStore(path, options)` checks the database file before
 * writing anything (ours? a schema we know? whole?), moves an untrusted one
 * aside, creates or migrates ours, and hands back the store, or the
 * quarantine that keeps the terminal from capturing.
 * @module
 */
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { inspectDatabase } from './inspect.js';
import { adoptOrphans, listQuarantined, quarantine, type QuarantineEntry } from './quarantine.js';
import { migrate } from './schema.js';
import { loadSqlite } from './sqlite-module.js';
import { StoreError } from './store-error.js';
import { createTerminalStore, type StoreClock, type TerminalStore } from './terminal-store.js';

/** How to open the store. */
export interface TerminalStoreOptions {
  /** The most FSEs the store holds, like a real TLA's memory (e.g. 500). */
  readonly capacity: number;
  /** Event-log entries kept (the oldest go first); 10,000 when absent. */
  readonly eventCapacity?: number;
  /** Time source; `Date.now` when absent. */
  readonly clock?: StoreClock;
}

/** The store opened: `created` when the file was new, `migrated` the schema versions just applied. */
export interface BootOk {
  readonly boot: 'ok';
  readonly store: TerminalStore;
  readonly created: boolean;
  readonly migrated: readonly number[];
}

/**
 * The database was not trusted and is (or an earlier one still is) in
 * quarantine: no store, so no capture, until the host has taken the data
 * and `releaseQuarantine` was called. `quarantined` is the newest
 * entry, `pending` every unreleased one.
 */
export interface BootQuarantined {
  readonly boot: 'quarantined';
  readonly quarantined: QuarantineEntry;
  readonly pending: readonly QuarantineEntry[];
  /** The store file (its quarantines: `openQuarantineArchive(path)`). */
  readonly path: string;
  /** Boot again with the same options, once the host released every pending quarantine: a fresh store. */
  reopen(): Promise<BootResult>;
}

/** What booting the store gives. */
export type BootResult = BootOk | BootQuarantined;

const DEFAULT_EVENT_CAPACITY = 10_000;
const systemClock: StoreClock = { now: () => Date.now() };

/**
 * Boots the terminal store at `path` (created with its folder when absent).
 * Order: sidecars left without a database are adopted by the newest
 * quarantine; an unreleased quarantine means `quarantined`; the file is
 * checked through a read-only connection (SQLite header, `application_id`,
 * `user_version` ≤ the firmware's schema version, `integrity_check`,
 * `foreign_key_check`), and one that fails is moved aside untouched; then
 * WAL, `synchronous = FULL`, foreign keys, and forward migrations.
 * @throws RangeError for a capacity or event capacity that is not a positive integer.
 * @returns a promise that rejects with `StoreError('io-error')` when the file
 * system fails (permissions, a folder that cannot be made).
 */
export async function openTerminalStore(path: string, options: TerminalStoreOptions): Promise<BootResult> {
  const { capacity, eventCapacity = DEFAULT_EVENT_CAPACITY, clock = systemClock } = options;
  for (const [name, value] of [['capacity', capacity], ['eventCapacity', eventCapacity]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  const Database = await loadSqlite();
  try {
    mkdirSync(dirname(path), { recursive: true });
    adoptOrphans(path, clock.now());
    const quarantined = (entry: QuarantineEntry, pending: readonly QuarantineEntry[]): BootQuarantined => ({
      boot: 'quarantined',
      quarantined: entry,
      pending,
      path,
      reopen: () => openTerminalStore(path, options),
    });
    const pending = listQuarantined(path).filter((e) => e.releasedAt === undefined);
    const newest = pending.at(-1);
    if (newest !== undefined) return quarantined(newest, pending);
    const found = inspectDatabase(Database, path);
    if (found.kind === 'refused') {
      const entry = quarantine(path, found.reason, found.detail, clock.now());
      return quarantined(entry, [entry]);
    }
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const from = found.kind === 'ours' ? found.version : 0;
      const migrated = migrate(db, from);
      const store = createTerminalStore(db, { path, capacity, eventCapacity, clock });
      return { boot: 'ok', store, created: found.kind === 'fresh', migrated };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('io-error', `opening the terminal store ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The store of a boot result, for callers that cannot go on without one.
 * @throws StoreError `newer-schema` when the file was refused for its schema
 * version, else `quarantined`, naming where the file is.
 */
export function expectStore(result: BootResult): TerminalStore {
  if (result.boot === 'ok') return result.store;
  const { reason, movedTo, detail } = result.quarantined;
  throw new StoreError(reason === 'newer-schema' ? 'newer-schema' : 'quarantined', `the terminal store is in quarantine (${reason}: ${detail}); the file is kept at ${movedTo}`);
}
