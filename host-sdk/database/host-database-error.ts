/**
 * The host database's one error type (STYLE.md "Errors"): a file the host
 * will not use, or a failure of SQLite, with a literal `code` and the path of
 * the file. The host never moves nor deletes a file it refuses: it names it
 * and stops, and a person decides.
 * @module
 */

/** What went wrong, in one word a program can switch on. */
export type HostDatabaseErrorCode =
  /** The file is not an SQLite database. */
  | 'not-sqlite'
  /** An SQLite database of another application (not the host's `application_id`). */
  | 'foreign'
  /** The host's, with a schema newer than this version of the host SDK knows. */
  | 'newer-schema'
  /** The integrity or foreign-key check fails, or SQLite says the file is corrupt. */
  | 'corrupt'
  /** A row with that key is already stored (nothing is overwritten). */
  | 'duplicate'
  /** A row the caller asked for does not exist. */
  | 'not-found'
  /** The database was closed before the call. */
  | 'closed'
  /** The file system or SQLite failed otherwise (permissions, disk full); the message and cause say what. */
  | 'io-error';

/** A failure of the host's SQLite database. */
export class HostDatabaseError extends Error {
  override readonly name = 'HostDatabaseError';

  constructor(
    readonly code: HostDatabaseErrorCode,
    /** The database file concerned. */
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True when `error` is a {@link HostDatabaseError}, optionally of one of `codes`. */
export function isHostDatabaseError(error: unknown, ...codes: readonly HostDatabaseErrorCode[]): error is HostDatabaseError {
  return error instanceof HostDatabaseError && (codes.length === 0 || codes.includes(error.code));
}

/** @internal An exception of better-sqlite3 as a {@link HostDatabaseError} (kept as `cause`). */
export function fromSqlite(error: unknown, path: string, what: string): HostDatabaseError {
  if (error instanceof HostDatabaseError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new HostDatabaseError('duplicate', path, `${what}: already stored (${text})`, { cause: error });
  if (code.startsWith('SQLITE_NOTADB')) return new HostDatabaseError('not-sqlite', path, `${what}: ${path} is not an SQLite database (${text})`, { cause: error });
  if (code.startsWith('SQLITE_CORRUPT')) return new HostDatabaseError('corrupt', path, `${what}: ${path} is corrupt (${text})`, { cause: error });
  return new HostDatabaseError('io-error', path, `${what}: ${path}: ${text}`, { cause: error });
}
