/**
 * The host database's operations over an open better-sqlite3 connection
 * (OURS, see README "Database"). Every method that changes something runs
 * in one transaction (WAL, `synchronous = FULL`): when it returns, the
 * change is on disk. Methods are synchronous, like better-sqlite3.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LotState, LotStateChange, LotTransition } from '../lots/lot-state.js';
import { applyLotState } from './lot-state-store.js';
import { fromSqlite, HostDatabaseError } from './host-database-error.js';
import { createRightsTable, type RightsTable } from './rights-table.js';
import { createQuarantineTable, type QuarantineTable } from './quarantine-table.js';
import { createUploadTable, type UploadTable } from './upload-table.js';
import type {
  ConflictRecord,
  HostFse,
  HostLot,
  JournalEntry,
  LotStateRecord,
  NewConflict,
  NewHostFse,
  NewHostLot,
  RejectionReason,
  SyncRunRecord,
  TerminalRecord,
  Verdict,
} from './records.js';

/** The host's time source: ms since 1970 (tests inject one). */
export interface HostClock {
  now(): number;
}

/** Who the terminal says it is (the link's `identity` answer). */
export interface TerminalIdentity {
  readonly serial: string;
  readonly model: string;
  readonly firmware: string;
  readonly agreementNumber: string;
}

/** Filter of {@link HostDatabase.listFses} and {@link HostDatabase.listLots}. */
export interface HostListFilter {
  readonly terminalSerial?: string;
  readonly verdict?: Verdict;
}

/** What the terminal freed after an acknowledgement, by host id. */
export interface FreedItems {
  readonly fseIds: readonly number[];
  readonly lotIds: readonly number[];
}

/** The host's own SQLite database (open it with `openHostDatabase`). */
export interface HostDatabase {
  /** The database file. */
  readonly path: string;
  /** Record (or refresh) a terminal's identity; returns its record. */
  upsertTerminal(identity: TerminalIdentity, at: number): TerminalRecord;
  /** Record the drift the host found when it set the terminal's clock. */
  recordClockDrift(serial: string, driftMs: number): void;
  terminal(serial: string): TerminalRecord | undefined;
  terminals(): TerminalRecord[];
  /** The FSE the host holds under this terminal's invoice number, if any. */
  fseByInvoice(serial: string, invoiceNumber: number): HostFse | undefined;
  /** Store a fetched FSE with its verdict and a journal line, in one transaction. */
  storeFse(fse: NewHostFse, syncId: number): HostFse;
  getFse(id: number): HostFse;
  /** An FSE's secured envelope, as fetched. */
  fseBytes(id: number): Uint8Array;
  listFses(filter?: HostListFilter): HostFse[];
  /** The lot the host holds from this terminal with this digest, if any. */
  lotByDigest(serial: string, digest: Uint8Array): HostLot | undefined;
  /** The lots the terminal signed under this destination and number (several only after the 999 → 1 wrap); the host's own rebuilt lots are not the terminal's numbering and are left out. */
  lotsNumbered(serial: string, destination: string, lotNumber: number): HostLot[];
  /** Store a fetched lot with its verdict, its FSEs, its first state and a journal line, in one transaction. */
  storeLot(lot: NewHostLot, syncId: number): HostLot;
  getLot(id: number): HostLot;
  /** A lot's signed bytes (`E4`), as fetched. */
  lotBytes(id: number): Uint8Array;
  listLots(filter?: HostListFilter & { readonly state?: LotState }): HostLot[];
  /** A lot's state history, oldest first. */
  lotHistory(lotId: number): LotStateRecord[];
  /** Move a lot to another state (lots/lot-state.ts); an illegal move changes nothing and says why. */
  changeLotState(lotId: number, change: LotStateChange, at: number): LotTransition;
  /** Record (or see again) a conflict, with a journal line, in one transaction. */
  recordConflict(conflict: NewConflict, syncId: number): ConflictRecord;
  listConflicts(serial?: string): ConflictRecord[];
  /** Start a sync's journal; returns its id. */
  beginSync(serial: string, at: number): number;
  /** Append a journal line (time from the database's clock). */
  journal(syncId: number, kind: string, detail: string, item?: number): void;
  /** Mark items the terminal freed, and journal it, in one transaction. */
  markFreed(syncId: number, freed: FreedItems, at: number): void;
  /** Close a sync's journal; a `done` sync also sets the terminal's last sync time. */
  endSync(syncId: number, outcome: 'done' | 'failed', summary: string, at: number): void;
  syncRuns(serial?: string): SyncRunRecord[];
  journalOf(syncId: number): JournalEntry[];
  /** The rights lookup cache (schema version 2). */
  readonly rights: RightsTable;
  /** Lot uploads, ARLs, returns and host-built lots (schema version 2). */
  readonly uploads: UploadTable;
  /** Quarantined terminal stores the host took and released (schema version 3). */
  readonly quarantines: QuarantineTable;
  /** Close the connection (idempotent); later calls throw `closed`. */
  close(): void;
}

type Row = Record<string, unknown>;

const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const copy = (value: unknown): Uint8Array => new Uint8Array(value as Buffer);
const num = (value: unknown): number => value as number;
const opt = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } => (value === null || value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));

function verdictOf(row: Row) {
  return {
    verdict: row['verdict'] as Verdict,
    ...opt('reason', row['reason'] as RejectionReason | null),
    ...opt('detail', row['detail'] as string | null),
  };
}

function terminalOf(row: Row): TerminalRecord {
  return {
    serial: row['serial'] as string,
    model: row['model'] as string,
    firmware: row['firmware'] as string,
    agreementNumber: row['agreement_number'] as string,
    firstSeenAt: num(row['first_seen_at']),
    ...opt('lastSyncAt', row['last_sync_at'] as number | null),
    ...opt('clockDriftMs', row['clock_drift_ms'] as number | null),
  };
}

function fseOf(row: Row): HostFse {
  return {
    id: num(row['id']),
    terminalSerial: row['terminal_serial'] as string,
    invoiceNumber: num(row['invoice_number']),
    digest: copy(row['digest']),
    size: num(row['size']),
    ...verdictOf(row),
    receivedAt: num(row['received_at']),
    ...opt('freedAt', row['freed_at'] as number | null),
  };
}

function conflictOf(row: Row): ConflictRecord {
  return {
    id: num(row['id']),
    terminalSerial: row['terminal_serial'] as string,
    kind: row['kind'] as 'fse' | 'lot',
    item: row['item'] as string,
    heldDigest: copy(row['held_digest']),
    offeredDigest: copy(row['offered_digest']),
    bytes: copy(row['bytes']),
    firstSeenAt: num(row['first_seen_at']),
    lastSeenAt: num(row['last_seen_at']),
  };
}

const FSE_COLUMNS = 'id, terminal_serial, invoice_number, digest, length(bytes) AS size, verdict, reason, detail, received_at, freed_at';
const LOT_COLUMNS = 'id, terminal_serial, destination, lot_number, digest, length(bytes) AS size, verdict, reason, detail, state, received_at, freed_at';

function where(filter: Readonly<Record<string, unknown>>): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    parts.push(`${column} = ?`);
    values.push(value);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, values };
}

/** @internal The operations over an open, migrated connection. */
export function createHostDatabase(db: BetterSqlite3.Database, path: string, clock: HostClock): HostDatabase {
  let closed = false;

  /** Runs `work` on the open connection, SQLite errors mapped to HostDatabaseError. */
  function run<T>(what: string, work: () => T): T {
    if (closed) throw new HostDatabaseError('closed', path, `${what}: the host database ${path} is closed`);
    try {
      return work();
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      throw fromSqlite(error, path, what);
    }
  }
  const tx = <T>(what: string, work: () => T): T => run(what, () => db.transaction(work)());
  const one = (sql: string, ...values: unknown[]): Row | undefined => db.prepare(sql).get(...values) as Row | undefined;
  const all = (sql: string, ...values: unknown[]): Row[] => db.prepare(sql).all(...values) as Row[];
  const exec = (sql: string, ...values: unknown[]): BetterSqlite3.RunResult => db.prepare(sql).run(...values);

  function must<T>(row: Row | undefined, of: (row: Row) => T, what: string): T {
    if (row === undefined) throw new HostDatabaseError('not-found', path, `${what} is not in the host database ${path}`);
    return of(row);
  }

  function lotOf(row: Row): HostLot {
    const fseIds = all('SELECT fse_id FROM lot_fse WHERE lot_id = ? ORDER BY fse_id', row['id']).map((r) => num(r['fse_id']));
    return {
      id: num(row['id']),
      terminalSerial: row['terminal_serial'] as string,
      ...opt('destination', row['destination'] as string | null),
      ...opt('lotNumber', row['lot_number'] as number | null),
      digest: copy(row['digest']),
      size: num(row['size']),
      ...verdictOf(row),
      state: row['state'] as LotState,
      receivedAt: num(row['received_at']),
      ...opt('freedAt', row['freed_at'] as number | null),
      fseIds,
    };
  }

  const journal = (syncId: number, kind: string, detail: string, item?: number): void => {
    exec('INSERT INTO sync_journal (sync_id, at, kind, item, detail) VALUES (?, ?, ?, ?, ?)', syncId, clock.now(), kind, item ?? null, detail);
  };

  return {
    path,
    upsertTerminal(identity, at) {
      return tx('recording a terminal', () => {
        exec(
          `INSERT INTO terminal (serial, model, firmware, agreement_number, first_seen_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (serial) DO UPDATE SET model = excluded.model, firmware = excluded.firmware, agreement_number = excluded.agreement_number`,
          identity.serial, identity.model, identity.firmware, identity.agreementNumber, at,
        );
        return must(one('SELECT * FROM terminal WHERE serial = ?', identity.serial), terminalOf, `terminal ${identity.serial}`);
      });
    },
    recordClockDrift(serial, driftMs) {
      tx('recording the clock drift', () => void exec('UPDATE terminal SET clock_drift_ms = ? WHERE serial = ?', Math.round(driftMs), serial));
    },
    terminal: (serial) => run('reading a terminal', () => {
      const row = one('SELECT * FROM terminal WHERE serial = ?', serial);
      return row === undefined ? undefined : terminalOf(row);
    }),
    terminals: () => run('listing terminals', () => all('SELECT * FROM terminal ORDER BY serial').map(terminalOf)),
    fseByInvoice: (serial, invoiceNumber) => run('reading an FSE', () => {
      const row = one(`SELECT ${FSE_COLUMNS} FROM fse WHERE terminal_serial = ? AND invoice_number = ?`, serial, invoiceNumber);
      return row === undefined ? undefined : fseOf(row);
    }),
    storeFse(fse, syncId) {
      return tx(`storing FSE ${fse.invoiceNumber}`, () => {
        const { lastInsertRowid } = exec(
          'INSERT INTO fse (terminal_serial, invoice_number, bytes, digest, verdict, reason, detail, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          fse.terminalSerial, fse.invoiceNumber, view(fse.bytes), view(fse.digest), fse.verdict, fse.reason ?? null, fse.detail ?? null, fse.receivedAt,
        );
        journal(syncId, 'fse-stored', fse.verdict === 'verified' ? 'verified' : `rejected: ${fse.reason}: ${fse.detail ?? ''}`, fse.invoiceNumber);
        return must(one(`SELECT ${FSE_COLUMNS} FROM fse WHERE id = ?`, lastInsertRowid), fseOf, 'the FSE just stored');
      });
    },
    getFse: (id) => run('reading an FSE', () => must(one(`SELECT ${FSE_COLUMNS} FROM fse WHERE id = ?`, id), fseOf, `FSE ${id}`)),
    fseBytes: (id) => run('reading an FSE', () => must(one('SELECT bytes FROM fse WHERE id = ?', id), (r) => copy(r['bytes']), `FSE ${id}`)),
    listFses: (filter = {}) => run('listing FSEs', () => {
      const w = where({ terminal_serial: filter.terminalSerial, verdict: filter.verdict });
      return all(`SELECT ${FSE_COLUMNS} FROM fse ${w.sql} ORDER BY terminal_serial, invoice_number`, ...w.values).map(fseOf);
    }),
    lotByDigest: (serial, digest) => run('reading a lot', () => {
      const row = one(`SELECT ${LOT_COLUMNS} FROM lot WHERE terminal_serial = ? AND digest = ?`, serial, view(digest));
      return row === undefined ? undefined : lotOf(row);
    }),
    lotsNumbered: (serial, destination, lotNumber) => run('reading lots', () =>
      all(`SELECT ${LOT_COLUMNS} FROM lot WHERE terminal_serial = ? AND destination = ? AND lot_number = ?
        AND NOT EXISTS (SELECT 1 FROM lot_state_change c WHERE c.lot_id = lot.id AND c.state = 'built') ORDER BY id`, serial, destination, lotNumber).map(lotOf),
    ),
    storeLot(lot, syncId) {
      return tx('storing a lot', () => {
        const { lastInsertRowid } = exec(
          'INSERT INTO lot (terminal_serial, destination, lot_number, bytes, digest, verdict, reason, detail, state, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          lot.terminalSerial, lot.destination ?? null, lot.lotNumber ?? null, view(lot.bytes), view(lot.digest), lot.verdict, lot.reason ?? null, lot.detail ?? null, lot.state, lot.receivedAt,
        );
        for (const fseId of lot.fseIds) exec('INSERT INTO lot_fse (lot_id, fse_id) VALUES (?, ?)', lastInsertRowid, fseId);
        exec('INSERT INTO lot_state_change (lot_id, state, at) VALUES (?, ?, ?)', lastInsertRowid, lot.state, lot.receivedAt);
        const name = lot.destination === undefined ? 'unparsable' : `${lot.destination}-${String(lot.lotNumber).padStart(3, '0')}`;
        journal(syncId, 'lot-stored', `${name} ${lot.verdict === 'verified' ? 'verified' : `rejected: ${lot.reason}: ${lot.detail ?? ''}`}`, num(lastInsertRowid as number));
        return must(one(`SELECT ${LOT_COLUMNS} FROM lot WHERE id = ?`, lastInsertRowid), lotOf, 'the lot just stored');
      });
    },
    getLot: (id) => run('reading a lot', () => must(one(`SELECT ${LOT_COLUMNS} FROM lot WHERE id = ?`, id), lotOf, `lot ${id}`)),
    lotBytes: (id) => run('reading a lot', () => must(one('SELECT bytes FROM lot WHERE id = ?', id), (r) => copy(r['bytes']), `lot ${id}`)),
    listLots: (filter = {}) => run('listing lots', () => {
      const w = where({ terminal_serial: filter.terminalSerial, verdict: filter.verdict, state: filter.state });
      return all(`SELECT ${LOT_COLUMNS} FROM lot ${w.sql} ORDER BY id`, ...w.values).map(lotOf);
    }),
    lotHistory: (lotId) => run('reading a lot history', () =>
      all('SELECT state, reason, at FROM lot_state_change WHERE lot_id = ? ORDER BY id', lotId).map((r) => ({ state: r['state'] as LotState, ...opt('reason', r['reason'] as string | null), at: num(r['at']) })),
    ),
    changeLotState: (lotId, change, at) => tx(`changing the state of lot ${lotId}`, () => applyLotState(db, path, lotId, change, at)),
    recordConflict(conflict, syncId) {
      return tx('recording a conflict', () => {
        exec(
          `INSERT INTO conflict (terminal_serial, kind, item, held_digest, offered_digest, bytes, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (terminal_serial, kind, item, offered_digest) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
          conflict.terminalSerial, conflict.kind, conflict.item, view(conflict.heldDigest), view(conflict.offeredDigest), view(conflict.bytes), conflict.at, conflict.at,
        );
        journal(syncId, 'conflict', `${conflict.kind} ${conflict.item}: other bytes than the ones held; kept aside, not acknowledged`);
        return must(
          one('SELECT * FROM conflict WHERE terminal_serial = ? AND kind = ? AND item = ? AND offered_digest = ?', conflict.terminalSerial, conflict.kind, conflict.item, view(conflict.offeredDigest)),
          conflictOf,
          'the conflict just recorded',
        );
      });
    },
    listConflicts: (serial) => run('listing conflicts', () => {
      const w = where({ terminal_serial: serial });
      return all(`SELECT * FROM conflict ${w.sql} ORDER BY id`, ...w.values).map(conflictOf);
    }),
    beginSync(serial, at) {
      return tx('starting a sync', () => {
        const id = num(exec('INSERT INTO sync_run (terminal_serial, started_at) VALUES (?, ?)', serial, at).lastInsertRowid as number);
        journal(id, 'sync-started', `terminal ${serial}`);
        return id;
      });
    },
    journal: (syncId, kind, detail, item) => tx('writing the sync journal', () => journal(syncId, kind, detail, item)),
    markFreed(syncId, freed, at) {
      tx('recording what the terminal freed', () => {
        for (const id of freed.fseIds) exec('UPDATE fse SET freed_at = ? WHERE id = ? AND freed_at IS NULL', at, id);
        for (const id of freed.lotIds) exec('UPDATE lot SET freed_at = ? WHERE id = ? AND freed_at IS NULL', at, id);
        journal(syncId, 'freed', `the terminal freed ${freed.fseIds.length} FSE(s) and ${freed.lotIds.length} lot(s)`);
      });
    },
    endSync(syncId, outcome, summary, at) {
      tx('ending a sync', () => {
        exec('UPDATE sync_run SET ended_at = ?, outcome = ?, summary = ? WHERE id = ?', at, outcome, summary, syncId);
        if (outcome === 'done') exec('UPDATE terminal SET last_sync_at = ? WHERE serial = (SELECT terminal_serial FROM sync_run WHERE id = ?)', at, syncId);
        journal(syncId, outcome === 'done' ? 'sync-done' : 'sync-failed', summary.length > 500 ? `${summary.slice(0, 500)}…` : summary);
      });
    },
    syncRuns: (serial) => run('listing syncs', () => {
      const w = where({ terminal_serial: serial });
      return all(`SELECT * FROM sync_run ${w.sql} ORDER BY id`, ...w.values).map((r) => ({
        id: num(r['id']),
        ...opt('terminalSerial', r['terminal_serial'] as string | null),
        startedAt: num(r['started_at']),
        ...opt('endedAt', r['ended_at'] as number | null),
        ...opt('outcome', r['outcome'] as 'done' | 'failed' | null),
        ...opt('summary', r['summary'] as string | null),
      }));
    }),
    journalOf: (syncId) => run('reading the sync journal', () =>
      all('SELECT * FROM sync_journal WHERE sync_id = ? ORDER BY id', syncId).map((r) => ({
        syncId: num(r['sync_id']),
        at: num(r['at']),
        kind: r['kind'] as string,
        ...opt('item', r['item'] as number | null),
        detail: r['detail'] as string,
      })),
    ),
    rights: createRightsTable(db, run),
    uploads: createUploadTable(db, run, tx),
    quarantines: createQuarantineTable(db, run),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
