/**
 * The store's one error type: a failure of the terminal's flash memory or a
 * refusal of its rules (full, duplicate, unknown id), with a literal `code`
 * (STYLE.md "Errors"). Bad arguments are `TypeError` / `RangeError`, thrown
 * synchronously; everything else is a rejected promise with a `StoreError`.
 * @module
 */

/** What went wrong, in one word a program can switch on. */
export type StoreErrorCode =
  /** The store holds `capacity` FSEs (or the disk is full): a new capture is refused. */
  | 'store-full'
  /** An FSE with that id exists (nothing is ever overwritten), or a lot number is still held. */
  | 'duplicate'
  /** No FSE or lot with that id. */
  | 'not-found'
  /** The database was moved aside at boot: no capture until the host has taken it. */
  | 'quarantined'
  /** SQLite reported corruption while the store was in use. */
  | 'corrupt'
  /** The store was closed before or during the call. */
  | 'closed'
  /** The file's schema is newer than this firmware knows. */
  | 'newer-schema'
  /** The file system failed (permissions, I/O error); the message and cause say what. */
  | 'io-error';

/** A failure of the terminal's store (drivers/store). */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True when `error` is a {@link StoreError}, optionally of one of `codes`. */
export function isStoreError(error: unknown, ...codes: readonly StoreErrorCode[]): error is StoreError {
  return error instanceof StoreError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * @internal Maps an exception of better-sqlite3 (a `SqliteError` with a
 * string `code` such as `SQLITE_FULL`) to a {@link StoreError}, keeping it as `cause`.
 */
export function fromSqliteError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new StoreError('duplicate', `${what}: already stored (${text})`, { cause: error });
  }
  if (code.startsWith('SQLITE_FULL')) return new StoreError('store-full', `${what}: the disk is full`, { cause: error });
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return new StoreError('corrupt', `${what}: the database is corrupt (${text})`, { cause: error });
  }
  return new StoreError('io-error', `${what}: ${text}`, { cause: error });
}
