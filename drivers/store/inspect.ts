/**
 * The boot check of a database file, before the store writes anything: is
 * it SQLite, ours, a schema we know, whole? It reads through a read-only
 * connection, which replays the WAL of a power loss in memory and never
 * checkpoints, so a file that fails is moved aside exactly as found.
 * @module
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { QuarantineReason } from './quarantine.js';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
import type { SqliteConstructor } from './sqlite-module.js';

/** What the boot check found. */
export type Inspection =
  /** No database yet (no file, an empty file, or an SQLite file with nothing in it): create one. */
  | { readonly kind: 'fresh' }
  /** Ours and whole, at schema `version` (≤ the firmware's). */
  | { readonly kind: 'ours'; readonly version: number }
  /** Untrusted: move it aside. */
  | { readonly kind: 'refused'; readonly reason: QuarantineReason; readonly detail: string };

const MAGIC = 'SQLite format 3\0';
const HEADER_SIZE = 100;

/** @internal Checks the database at `path` without changing it. */
export function inspectDatabase(Database: SqliteConstructor, path: string): Inspection {
  if (!existsSync(path)) return { kind: 'fresh' };
  const size = statSync(path).size;
  if (size === 0) {
    return hasContent(`${path}-wal`) ? refused('corrupt', 'an empty database file with a non-empty WAL') : { kind: 'fresh' };
  }
  const header = readHead(path, HEADER_SIZE);
  if (header.length < HEADER_SIZE || header.subarray(0, 16).toString('latin1') !== MAGIC) {
    return refused('not-sqlite', `${size} bytes without an SQLite header`);
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (applicationId !== APPLICATION_ID) {
      const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
      if (applicationId === 0 && version === 0 && objects === 0) return { kind: 'fresh' };
      return refused('foreign', `application_id 0x${(applicationId >>> 0).toString(16).padStart(8, '0')}, user_version ${version}, ${objects} schema objects`);
    }
    if (version > SCHEMA_VERSION) return refused('newer-schema', `schema version ${version}, this firmware knows up to ${SCHEMA_VERSION}`);
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== 'ok') return refused('corrupt', `integrity_check: ${integrity.slice(0, 3).join('; ')}`);
    const orphans = db.pragma('foreign_key_check') as unknown[];
    if (orphans.length > 0) return refused('corrupt', `foreign_key_check: ${orphans.length} rows point nowhere`);
    return { kind: 'ours', version };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    const text = error instanceof Error ? error.message : String(error);
    if (code.startsWith('SQLITE_NOTADB')) return refused('not-sqlite', text);
    if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_IOERR_SHORT_READ')) return refused('corrupt', text);
    throw error;
  } finally {
    db?.close();
  }
}

function refused(reason: QuarantineReason, detail: string): Inspection {
  return { kind: 'refused', reason, detail };
}

function hasContent(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}

function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const n = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
