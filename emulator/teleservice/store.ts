/**
 * The teleservice's SQLite store (OURS): challenges, bearer tokens (hashed)
 * and the lock-out state of each professional, as numbered forward
 * migrations so that lot reception (issue 7, wave 2) adds its tables by a
 * new migration. `PRAGMA application_id` marks the file as ours and
 * `PRAGMA user_version` holds the last migration applied; each migration
 * runs in one transaction with its version bump. better-sqlite3 (native)
 * loads when a store opens, so importing `emulator/` costs nothing to a
 * program that runs no teleservice.
 * @module
 */
import type Database from 'better-sqlite3';

/** `PRAGMA application_id` of a bifente teleservice database: ASCII "BFTT". */
export const TELESERVICE_APPLICATION_ID = 0x42465454;

/** One schema step: applied to a database at `version - 1`, leaving it at `version`. */
export interface TeleserviceMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** The schema steps, in order; a later wave appends, never edits. */
export const TELESERVICE_MIGRATIONS: readonly TeleserviceMigration[] = [
  {
    version: 1,
    description: 'CPS authentication: challenges, tokens, lock-out',
    sql: `
      CREATE TABLE challenge (
        id TEXT PRIMARY KEY,
        rpps TEXT NOT NULL CHECK (rpps GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
        challenge BLOB NOT NULL CHECK (length(challenge) = 32),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE TABLE token (
        hash TEXT PRIMARY KEY,
        rpps TEXT NOT NULL,
        certificate_serial TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE professional (
        rpps TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        locked_until INTEGER,
        last_success_at INTEGER
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'Lot reception: receptions with their ARL, lot numbering, NOEMIE-like returns',
    sql: `
      CREATE TABLE lot_reception (
        id TEXT PRIMARY KEY,
        lot_hash TEXT NOT NULL CHECK (length(lot_hash) = 64),
        sender_rpps TEXT NOT NULL,
        signer_rpps TEXT NOT NULL,
        partner TEXT NOT NULL,
        destination TEXT NOT NULL,
        lot_number INTEGER NOT NULL CHECK (lot_number BETWEEN 1 AND 999),
        invoice_count INTEGER NOT NULL,
        total_cents INTEGER NOT NULL,
        amo_cents INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        arl_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('positive', 'negative')),
        reason TEXT CHECK ((status = 'negative') = (reason IS NOT NULL)),
        invoice_number INTEGER,
        message TEXT,
        arl BLOB NOT NULL CHECK (length(arl) = 128),
        b2 BLOB NOT NULL,
        signed_lot BLOB NOT NULL
      ) STRICT;
      CREATE INDEX lot_reception_hash ON lot_reception (lot_hash);
      CREATE INDEX lot_reception_number ON lot_reception (partner, destination, lot_number, status);
      CREATE TABLE lot_sequence (
        partner TEXT NOT NULL,
        destination TEXT NOT NULL,
        last_number INTEGER NOT NULL CHECK (last_number BETWEEN 1 AND 999),
        PRIMARY KEY (partner, destination)
      ) STRICT;
      CREATE TABLE lot_return (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        reception_id TEXT NOT NULL UNIQUE REFERENCES lot_reception (id),
        sender_rpps TEXT NOT NULL,
        available_at INTEGER NOT NULL,
        noemie BLOB NOT NULL,
        view TEXT NOT NULL
      ) STRICT;
      CREATE INDEX lot_return_sender ON lot_return (sender_rpps, available_at);
    `,
  },
];

/** The schema version this code writes: the last migration's. */
export const TELESERVICE_SCHEMA_VERSION = TELESERVICE_MIGRATIONS.at(-1)?.version ?? 0;

/** A challenge row. */
export interface ChallengeRow {
  readonly id: string;
  readonly rpps: string;
  readonly challenge: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

/** A token row (the token itself is never stored, only its SHA-256). */
export interface TokenRow {
  readonly hash: string;
  readonly rpps: string;
  readonly certificateSerial: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A professional's lock-out state. */
export interface ProfessionalRow {
  readonly rpps: string;
  readonly failures: number;
  readonly lockedUntil: number | null;
}

/** The store's operations; each is one statement or one transaction. */
export interface TeleserviceStore {
  readonly db: Database.Database;
  insertChallenge(row: Omit<ChallengeRow, 'usedAt'>): void;
  challenge(id: string): ChallengeRow | undefined;
  /** Mark the challenge used; false when it was used already (a race lost). */
  useChallenge(id: string, at: number): boolean;
  insertToken(row: TokenRow): void;
  token(hash: string): TokenRow | undefined;
  professional(rpps: string): ProfessionalRow | undefined;
  /** Save a professional's lock-out state. */
  saveProfessional(row: ProfessionalRow, lastSuccessAt?: number): void;
  /** Run `work` in one transaction. */
  transaction<T>(work: () => T): T;
  /** Rows per table (tests: nothing stored from a rejected request). */
  counts(): Readonly<Record<string, number>>;
  close(): void;
}

/** Why the store refused a file. */
export class TeleserviceStoreError extends Error {
  override readonly name = 'TeleserviceStoreError';
  constructor(
    readonly code: 'foreign-database' | 'newer-schema' | 'unusable-file',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Apply the migrations after `from`, each in one transaction with its
 * version bump; returns the versions applied.
 */
export function migrateTeleservice(db: Database.Database, from: number, migrations: readonly TeleserviceMigration[] = TELESERVICE_MIGRATIONS): number[] {
  const applied: number[] = [];
  for (const step of migrations.filter((m) => m.version > from)) {
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    applied.push(step.version);
  }
  return applied;
}

const TABLES = ['challenge', 'token', 'professional', 'lot_reception', 'lot_sequence', 'lot_return'] as const;

/**
 * Open (creating or migrating) the teleservice database at `file`
 * (`:memory:` for tests): WAL, `synchronous = NORMAL` (a lost token or
 * challenge costs a new login, not data), foreign keys on.
 * @throws TeleserviceStoreError when the file is not a database, another application's, or of a newer schema.
 */
export async function openTeleserviceStore(file: string): Promise<TeleserviceStore> {
  const { default: Sqlite } = await import('better-sqlite3');
  let db: Database.Database | undefined;
  try {
    db = new Sqlite(file);
    db.pragma('schema_version');
  } catch (cause) {
    db?.close();
    throw new TeleserviceStoreError('unusable-file', `cannot use ${file} as a database: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  try {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
    if (applicationId !== TELESERVICE_APPLICATION_ID && (applicationId !== 0 || objects > 0)) {
      throw new TeleserviceStoreError('foreign-database', `${file} is not a bifente teleservice database`);
    }
    if (version > TELESERVICE_SCHEMA_VERSION) {
      throw new TeleserviceStoreError('newer-schema', `${file} has schema version ${version}; this code knows up to ${TELESERVICE_SCHEMA_VERSION}`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (applicationId === 0) db.pragma(`application_id = ${TELESERVICE_APPLICATION_ID}`);
    migrateTeleservice(db, version);
  } catch (error) {
    db.close();
    throw error;
  }
  return storeOver(db);
}

function storeOver(db: Database.Database): TeleserviceStore {
  const insertChallenge = db.prepare('INSERT INTO challenge (id, rpps, challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const selectChallenge = db.prepare('SELECT id, rpps, challenge, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt FROM challenge WHERE id = ?');
  const useChallenge = db.prepare('UPDATE challenge SET used_at = ? WHERE id = ? AND used_at IS NULL');
  const insertToken = db.prepare('INSERT INTO token (hash, rpps, certificate_serial, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const selectToken = db.prepare('SELECT hash, rpps, certificate_serial AS certificateSerial, issued_at AS issuedAt, expires_at AS expiresAt FROM token WHERE hash = ?');
  const selectProfessional = db.prepare('SELECT rpps, failures, locked_until AS lockedUntil FROM professional WHERE rpps = ?');
  const saveProfessional = db.prepare(
    `INSERT INTO professional (rpps, failures, locked_until, last_success_at) VALUES (@rpps, @failures, @lockedUntil, @lastSuccessAt)
     ON CONFLICT (rpps) DO UPDATE SET failures = @failures, locked_until = @lockedUntil, last_success_at = coalesce(@lastSuccessAt, last_success_at)`,
  );
  const count = Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT count(*) AS n FROM ${t}`)]));
  return {
    db,
    insertChallenge: (r) => void insertChallenge.run(r.id, r.rpps, r.challenge, r.createdAt, r.expiresAt),
    challenge: (id) => {
      const row = selectChallenge.get(id) as (Omit<ChallengeRow, 'challenge'> & { challenge: Buffer }) | undefined;
      return row === undefined ? undefined : { ...row, challenge: new Uint8Array(row.challenge) };
    },
    useChallenge: (id, at) => useChallenge.run(at, id).changes === 1,
    insertToken: (r) => void insertToken.run(r.hash, r.rpps, r.certificateSerial, r.issuedAt, r.expiresAt),
    token: (hash) => selectToken.get(hash) as TokenRow | undefined,
    professional: (rpps) => selectProfessional.get(rpps) as ProfessionalRow | undefined,
    saveProfessional: (r, lastSuccessAt) => void saveProfessional.run({ ...r, lastSuccessAt: lastSuccessAt ?? null }),
    transaction: (work) => db.transaction(work)(),
    counts: () => Object.fromEntries(TABLES.map((t) => [t, (count[t]!.get() as { n: number }).n])),
    close: () => db.close(),
  };
}
