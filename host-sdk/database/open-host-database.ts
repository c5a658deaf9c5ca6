/**
 * Opening the host database: the file is checked before anything is
 * written (SQLite? the host's? a schema this SDK knows? whole?), then WAL,
 * `synchronous = FULL`, foreign keys and forward migrations. A file the
 * host does not trust is refused with a {@link HostDatabaseError} naming
 * it, and left exactly as found: never moved, never deleted (OURS; unlike
 * the terminal, which must keep capturing, the PC has a person in front of
 * it who can look at the file).
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { createHostDatabase, type HostClock, type HostDatabase } from './host-database.js';
import { fromSqlite, HostDatabaseError } from './host-database-error.js';
import { HOST_APPLICATION_ID, HOST_SCHEMA_VERSION, migrateHost } from './schema.js';

/** Options of {@link openHostDatabase}. */
export interface HostDatabaseOptions {
  /** Time of the journal lines; `Date.now` when absent. */
  readonly clock?: HostClock;
}

type SqliteConstructor = typeof BetterSqlite3;
let loaded: Promise<SqliteConstructor> | undefined;

/** better-sqlite3, imported at the first open (not at module load). */
function loadSqlite(path: string): Promise<SqliteConstructor> {
  loaded ??= import('better-sqlite3').then(
    (namespace) => namespace.default,
    (error: unknown) => {
      loaded = undefined;
      throw new HostDatabaseError('io-error', path, 'the host database needs the npm module better-sqlite3, which did not load; run npm ci', { cause: error });
    },
  );
  return loaded;
}

const MAGIC = 'SQLite format 3\0';

/** What the file at `path` is, read through a read-only connection that never checkpoints. */
function inspect(Database: SqliteConstructor, path: string): { fresh: true } | { fresh: false; version: number } {
  if (!existsSync(path) || statSync(path).size === 0) {
    if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) throw new HostDatabaseError('corrupt', path, `the host database ${path} is empty but its WAL is not`);
    return { fresh: true };
  }
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(100);
  try {
    readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(0, 16).toString('latin1') !== MAGIC) throw new HostDatabaseError('not-sqlite', path, `${path} is not an SQLite database: not opened, left as it is`);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
    if (applicationId !== HOST_APPLICATION_ID) {
      if (applicationId === 0 && version === 0 && objects === 0) return { fresh: true };
      throw new HostDatabaseError('foreign', path, `${path} is not a bifente host database (application_id 0x${(applicationId >>> 0).toString(16).padStart(8, '0')}, ${objects} schema objects): not opened, left as it is`);
    }
    if (version > HOST_SCHEMA_VERSION) throw new HostDatabaseError('newer-schema', path, `${path} has host schema version ${version}; this host SDK knows up to ${HOST_SCHEMA_VERSION}: update bifente`);
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== 'ok') throw new HostDatabaseError('corrupt', path, `${path} fails its integrity check (${integrity.slice(0, 3).join('; ')}): not opened, left as it is`);
    const orphans = (db.pragma('foreign_key_check') as unknown[]).length;
    if (orphans > 0) throw new HostDatabaseError('corrupt', path, `${path}: ${orphans} rows point nowhere (foreign_key_check): not opened, left as it is`);
    return { fresh: false, version };
  } catch (error) {
    throw fromSqlite(error, path, 'checking the host database');
  } finally {
    db?.close();
  }
}

/**
 * Open (or create, with its folder) the host database at `path`.
 * @example
 * const db = await openHostDatabase('/var/lib/bifente/host.db');
 * const summary = await syncTerminal(link, db, { ca, now: Date.now, utcOffsetMinutes: 60 });
 * db.close();
 * @returns a promise that rejects with a {@link HostDatabaseError}: `not-sqlite`,
 * `foreign`, `newer-schema` or `corrupt` for a file it will not use (the
 * file is untouched), `io-error` when the file system fails.
 */
export async function openHostDatabase(path: string, options: HostDatabaseOptions = {}): Promise<HostDatabase> {
  if (typeof path !== 'string' || path === '') throw new TypeError('the host database needs a file path');
  const clock = options.clock ?? { now: () => Date.now() };
  const Database = await loadSqlite(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new HostDatabaseError('io-error', path, `cannot make the folder of ${path}`, { cause: error });
  }
  const found = inspect(Database, path);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrateHost(db, found.fresh ? 0 : found.version);
    return createHostDatabase(db, path, clock);
  } catch (error) {
    db?.close();
    throw fromSqlite(error, path, 'opening the host database');
  }
}
