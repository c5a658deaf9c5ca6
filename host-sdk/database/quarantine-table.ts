/**
 * The quarantined terminal stores the host took (schema version 3, OURS,
 * README "Quarantined stores"): one row per (terminal, quarantine id), with
 * the files as they were written under the quarantine folder (name, size,
 * SHA-256), when the host took them, and, once the terminal acknowledged the
 * release, when and with which next invoice number. A row is written only
 * after every file is on disk; the release is sent only after the row.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';

/** One file of a taken quarantine, as written on the host's disk. */
export interface QuarantineFileRecord {
  /** Its base name on the terminal (`terminal.db`, `terminal.db-wal`…). */
  readonly name: string;
  readonly size: number;
  /** SHA-256 of the bytes written, lower-case hex. */
  readonly sha256: string;
}

/** What the host records once every file of a quarantine is on its disk. */
export interface NewQuarantine {
  readonly terminalSerial: string;
  /** The terminal's quarantine id (its folder number, `0001` = 1). */
  readonly quarantineId: number;
  /** Why the terminal set the store aside (`not-sqlite`, `foreign`, `newer-schema`, `corrupt`, `orphan-journal`). */
  readonly reason: string;
  /** Terminal time of the quarantine, ms since 1970. */
  readonly at: number;
  readonly detail: string;
  /** The folder the files are in. */
  readonly folder: string;
  readonly files: readonly QuarantineFileRecord[];
  /** Host time the last file was written. */
  readonly takenAt: number;
}

/** A taken quarantine; `released` once the terminal acknowledged the release. */
export interface QuarantineRecord extends NewQuarantine {
  readonly released?: { readonly at: number; readonly nextInvoiceNumber: number };
}

/** The quarantine table's operations (each one statement). */
export interface QuarantineTable {
  get(terminalSerial: string, quarantineId: number): QuarantineRecord | undefined;
  /** Every taken quarantine, of one terminal or all, oldest first. */
  list(terminalSerial?: string): QuarantineRecord[];
  /** Record a quarantine whose files are all on disk (`duplicate` if recorded already). */
  recordTaken(quarantine: NewQuarantine): QuarantineRecord;
  /** Record the release the terminal acknowledged; a second call keeps the first. */
  markReleased(terminalSerial: string, quarantineId: number, release: { at: number; nextInvoiceNumber: number }): QuarantineRecord;
  /** The highest invoice number the host holds for `terminalSerial` (FSEs and conflicts), `undefined` for none. */
  highestInvoiceNumber(terminalSerial: string): number | undefined;
}

type Row = Record<string, unknown>;

function recordOf(row: Row): QuarantineRecord {
  const released = row['released_at'] === null ? {} : { released: { at: Number(row['released_at']), nextInvoiceNumber: Number(row['next_invoice_number']) } };
  return {
    terminalSerial: String(row['terminal_serial']),
    quarantineId: Number(row['quarantine_id']),
    reason: String(row['reason']),
    at: Number(row['at']),
    detail: String(row['detail']),
    folder: String(row['folder']),
    files: JSON.parse(String(row['files'])) as QuarantineFileRecord[],
    takenAt: Number(row['taken_at']),
    ...released,
  };
}

/** @internal The quarantine table over an open connection; `run` maps SQLite errors. */
export function createQuarantineTable(db: BetterSqlite3.Database, run: <T>(what: string, work: () => T) => T): QuarantineTable {
  const get = (serial: string, id: number): QuarantineRecord | undefined => {
    const row = db.prepare('SELECT * FROM quarantine WHERE terminal_serial = ? AND quarantine_id = ?').get(serial, id) as Row | undefined;
    return row === undefined ? undefined : recordOf(row);
  };
  return {
    get: (serial, id) => run(`reading quarantine ${id} of ${serial}`, () => get(serial, id)),
    list: (serial) =>
      run('listing quarantines', () => {
        const rows = (serial === undefined
          ? db.prepare('SELECT * FROM quarantine ORDER BY taken_at, terminal_serial, quarantine_id').all()
          : db.prepare('SELECT * FROM quarantine WHERE terminal_serial = ? ORDER BY taken_at, quarantine_id').all(serial)) as Row[];
        return rows.map(recordOf);
      }),
    recordTaken: (q) =>
      run(`recording quarantine ${q.quarantineId} of ${q.terminalSerial}`, () => {
        db.prepare('INSERT INTO quarantine (terminal_serial, quarantine_id, reason, at, detail, folder, files, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          q.terminalSerial, q.quarantineId, q.reason, q.at, q.detail, q.folder, JSON.stringify(q.files), q.takenAt,
        );
        return get(q.terminalSerial, q.quarantineId)!;
      }),
    markReleased: (serial, id, release) =>
      run(`recording the release of quarantine ${id} of ${serial}`, () => {
        db.prepare('UPDATE quarantine SET released_at = ?, next_invoice_number = ? WHERE terminal_serial = ? AND quarantine_id = ? AND released_at IS NULL').run(release.at, release.nextInvoiceNumber, serial, id);
        const record = get(serial, id);
        if (record === undefined) throw new RangeError(`quarantine ${id} of ${serial} was never recorded as taken`);
        return record;
      }),
    highestInvoiceNumber: (serial) =>
      run(`reading the highest invoice number of ${serial}`, () => {
        const row = db.prepare(
          `SELECT max(n) AS n FROM (
             SELECT max(invoice_number) AS n FROM fse WHERE terminal_serial = ?
             UNION ALL SELECT max(CAST(item AS INTEGER)) FROM conflict WHERE terminal_serial = ? AND kind = 'fse')`,
        ).get(serial, serial) as { n: number | null };
        return row.n ?? undefined;
      }),
  };
}
