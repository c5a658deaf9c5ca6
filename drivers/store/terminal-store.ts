/**
 * The terminal store over an open, checked better-sqlite3 connection: FSEs
 * (one transaction each), lots (one transaction each, with their lot
 * number), acknowledgements, freeing, the event log and settings. Every
 * write is a transaction committed with `synchronous = FULL` in WAL mode:
 * once a method's promise resolves, the data survives a power loss.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  AcknowledgeRequest,
  AcknowledgeResult,
  EventPage,
  FreeResult,
  FseRecord,
  FseState,
  FseSummary,
  LoggedEvent,
  LotState,
  LotSummary,
  NewEvent,
  NewLot,
  SecuringMode,
  SettingValue,
  StoredFse,
  StoredLot,
  StoreUsage,
} from './records.js';
import { fromSqliteError, StoreError } from './store-error.js';
import {
  checkDestination,
  checkEvent,
  checkFseId,
  checkFseRecord,
  checkId,
  checkIds,
  checkNewLot,
  checkPage,
  checkSettingKey,
  checkSettingValue,
} from './validate.js';

/** The time source of the store (lot creation, acknowledgements, default event time). */
export interface StoreClock {
  /** Milliseconds since 1970 (UTC). */
  now(): number;
}

/** Which FSEs or lots a list returns (all when absent). */
export interface ListFilter<State> {
  readonly state?: State;
  readonly destination?: string;
}

/**
 * The portable terminal's crash-safe store (its flash memory). Methods
 * validate their arguments synchronously (TypeError / RangeError), then
 * resolve once the change is durable, or reject with a {@link StoreError}.
 * Calls are served one at a time in call order (one SQLite connection).
 * After {@link TerminalStore.close} every call rejects with `closed`.
 */
export interface TerminalStore {
  /** The database file. */
  readonly path: string;
  /** How full the store is (the display warns from 90 %). */
  usage(): Promise<StoreUsage>;
  /**
   * Stores one secured FSE in its own transaction and resolves with the new
   * usage: only then may the display confirm the FSE. Rejects with
   * `store-full` at capacity, `duplicate` when the id is stored (nothing is
   * ever overwritten).
   */
  putFse(record: FseRecord): Promise<StoreUsage>;
  /** One FSE with its bytes; rejects with `not-found`. */
  getFse(id: number): Promise<StoredFse>;
  /** FSEs without their bytes, by ascending id. */
  listFses(filter?: ListFilter<FseState>): Promise<FseSummary[]>;
  /** The lot number the next lot for `destination` gets: 1 for the first, then +1, 999 wraps to 1. */
  nextLotNumber(destination: string): Promise<number>;
  /**
   * Records a signed lot in one transaction: takes the next lot number for
   * its destination (which `lot.number` must equal, else RangeError), marks
   * its FSEs `in-lot`. Rejects with `not-found` for an unknown FSE,
   * `duplicate` for an FSE already in a lot or acknowledged, or when the
   * number is still held by an earlier lot of that destination not yet freed.
   * RangeError when an FSE has another destination.
   */
  createLot(lot: NewLot): Promise<LotSummary>;
  /** One lot with bytes, signature and FSE ids; rejects with `not-found`. */
  getLot(id: number): Promise<StoredLot>;
  /** Lots without their bytes, by ascending id. */
  listLots(filter?: ListFilter<LotState>): Promise<LotSummary[]>;
  /**
   * The host holds these lots (and their FSEs) or these FSEs (of no lot):
   * they become `acknowledged`, and only then can {@link TerminalStore.free} delete them.
   * Idempotent; unknown ids are reported, not an error.
   */
  acknowledge(request: AcknowledgeRequest): Promise<AcknowledgeResult>;
  /** Deletes, in one transaction, every acknowledged lot with its FSEs and every acknowledged FSE of no lot. */
  free(): Promise<FreeResult>;
  /** Appends to the event log (the oldest entries beyond `eventCapacity` go). Never log a PIN. */
  appendEvent(event: NewEvent): Promise<LoggedEvent>;
  /** Up to `count` (≤ 65,535) entries with index ≥ `from`, oldest first. */
  readEvents(from: number, count: number): Promise<EventPage>;
  /** A setting (clock offset, tariff version...), `undefined` when never set. */
  getSetting(key: string): Promise<SettingValue | undefined>;
  setSetting(key: string, value: SettingValue): Promise<void>;
  /** Closes the connection (checkpointing the WAL into the file). Idempotent. */
  close(): Promise<void>;
}

/** @internal What {@link createTerminalStore} needs besides the connection. */
export interface StoreSettings {
  readonly path: string;
  readonly capacity: number;
  readonly eventCapacity: number;
  readonly clock: StoreClock;
}

interface FseRow {
  id: number;
  captured_at: number;
  destination: string;
  amount_cents: number;
  securing_mode: SecuringMode;
  state: FseState;
  lot_id: number | null;
  size: number;
  bytes?: Buffer;
}

interface LotRow {
  id: number;
  destination: string;
  number: number;
  created_at: number;
  state: LotState;
  fse_count: number;
  bytes?: Buffer;
  signature?: Buffer;
}

const FSE_COLUMNS = 'id, captured_at, destination, amount_cents, securing_mode, state, lot_id, length(bytes) AS size';
const LOT_COLUMNS = 'id, destination, number, created_at, state, fse_count';
const WARNING_SHARE = 0.9;

/** Uint8Array → Buffer without a copy (better-sqlite3 binds Buffers). */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Buffer → a plain Uint8Array of its own. */
function toBytes(buffer: Buffer | undefined): Uint8Array {
  return buffer === undefined ? new Uint8Array(0) : new Uint8Array(buffer);
}

function fseSummary(row: FseRow): FseSummary {
  return {
    id: row.id,
    capturedAt: row.captured_at,
    destination: row.destination,
    amountCents: row.amount_cents,
    securingMode: row.securing_mode,
    state: row.state,
    ...(row.lot_id === null ? {} : { lotId: row.lot_id }),
    size: row.size,
  };
}

function lotSummary(row: LotRow): LotSummary {
  return { id: row.id, destination: row.destination, number: row.number, createdAt: row.created_at, state: row.state, fseCount: row.fse_count };
}

/** The next lot number after `last` (none yet: 1), wrapping from 999 to 1. */
export function lotNumberAfter(last: number | undefined): number {
  return last === undefined ? 1 : (last % 999) + 1;
}

function filterClause(filter: ListFilter<string> | undefined): { where: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (filter?.state !== undefined) {
    parts.push('state = ?');
    params.push(filter.state);
  }
  if (filter?.destination !== undefined) {
    parts.push('destination = ?');
    params.push(checkDestination(filter.destination));
  }
  return { where: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

/** @internal The store over `db`, already checked, migrated and set to WAL + FULL. */
export function createTerminalStore(db: BetterSqlite3.Database, settings: StoreSettings): TerminalStore {
  const { path, capacity, eventCapacity, clock } = settings;
  const sql = {
    insertFse: db.prepare(
      'INSERT INTO fse (id, captured_at, destination, amount_cents, securing_mode, bytes, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    fseCount: db.prepare('SELECT count(*) FROM fse').pluck(),
    getFse: db.prepare(`SELECT ${FSE_COLUMNS}, bytes FROM fse WHERE id = ?`),
    lastLotNumber: db.prepare('SELECT last_number FROM lot_counter WHERE destination = ?').pluck(),
    setLastLotNumber: db.prepare(
      'INSERT INTO lot_counter (destination, last_number) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET last_number = excluded.last_number',
    ),
    insertLot: db.prepare(
      "INSERT INTO lot (destination, number, created_at, fse_count, bytes, signature, state) VALUES (?, ?, ?, ?, ?, ?, 'signed')",
    ),
    fseInLot: db.prepare("UPDATE fse SET state = 'in-lot', lot_id = ? WHERE id = ?"),
    getLot: db.prepare(`SELECT ${LOT_COLUMNS}, bytes, signature FROM lot WHERE id = ?`),
    lotFseIds: db.prepare('SELECT id FROM fse WHERE lot_id = ? ORDER BY id').pluck(),
    lotState: db.prepare('SELECT state FROM lot WHERE id = ?').pluck(),
    ackLot: db.prepare("UPDATE lot SET state = 'acknowledged', acknowledged_at = ? WHERE id = ? AND state = 'signed'"),
    ackLotFses: db.prepare("UPDATE fse SET state = 'acknowledged' WHERE lot_id = ? RETURNING id").pluck(),
    ackFse: db.prepare("UPDATE fse SET state = 'acknowledged' WHERE id = ? AND lot_id IS NULL"),
    freeFses: db.prepare(
      "DELETE FROM fse WHERE state = 'acknowledged' AND (lot_id IS NULL OR lot_id IN (SELECT id FROM lot WHERE state = 'acknowledged')) RETURNING id",
    ).pluck(),
    freeLots: db.prepare("DELETE FROM lot WHERE state = 'acknowledged' RETURNING id").pluck(),
    insertEvent: db.prepare('INSERT INTO event (at, kind, detail) VALUES (?, ?, ?)'),
    trimEvents: db.prepare('DELETE FROM event WHERE idx <= ?'),
    readEvents: db.prepare('SELECT idx, at, kind, detail FROM event WHERE idx > ? ORDER BY idx LIMIT ?'),
    eventCount: db.prepare('SELECT count(*) FROM event').pluck(),
    eventSequence: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'event'").pluck(),
    getSetting: db.prepare('SELECT value FROM setting WHERE key = ?').pluck(),
    setSetting: db.prepare('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };
  let count = sql.fseCount.get() as number;
  let closed = false;

  const usage = (): StoreUsage => ({ count, capacity, warning: count >= capacity * WARNING_SHARE });

  /** Runs one unit of work: a rejected promise for any failure, SQLite's mapped to StoreError. */
  function run<T>(what: string, work: () => T): Promise<T> {
    if (closed) return Promise.reject(new StoreError('closed', `${what}: the store is closed`));
    try {
      return Promise.resolve(work());
    } catch (error) {
      const passThrough = error instanceof StoreError || error instanceof RangeError || error instanceof TypeError;
      return Promise.reject(passThrough ? error : fromSqliteError(error, what));
    }
  }

  const createLotTx = db.transaction((lot: NewLot, createdAt: number): LotSummary => {
    const next = lotNumberAfter(sql.lastLotNumber.get(lot.destination) as number | undefined);
    if (lot.number !== next) throw new RangeError(`lot number ${lot.number} for ${lot.destination} is not the next one (${next})`);
    for (const id of lot.fseIds) {
      const row = sql.getFse.get(id) as FseRow | undefined;
      if (row === undefined) throw new StoreError('not-found', `createLot: no FSE ${id}`);
      if (row.state !== 'stored') throw new StoreError('duplicate', `createLot: FSE ${id} is ${row.state}${row.lot_id === null ? '' : ` (lot ${row.lot_id})`}`);
      if (row.destination !== lot.destination) throw new RangeError(`createLot: FSE ${id} goes to ${row.destination}, not ${lot.destination}`);
    }
    const lotId = Number(
      sql.insertLot.run(lot.destination, lot.number, createdAt, lot.fseIds.length, toBuffer(lot.bytes), toBuffer(lot.signature)).lastInsertRowid,
    );
    for (const id of lot.fseIds) sql.fseInLot.run(lotId, id);
    sql.setLastLotNumber.run(lot.destination, lot.number);
    return { id: lotId, destination: lot.destination, number: lot.number, createdAt, state: 'signed', fseCount: lot.fseIds.length };
  });

  const acknowledgeTx = db.transaction((lotIds: readonly number[], fseIds: readonly number[], at: number): AcknowledgeResult => {
    const lots: number[] = [];
    const fses: number[] = [];
    const notFound: number[] = [];
    const inUnacknowledgedLot: number[] = [];
    for (const id of lotIds) {
      if (sql.lotState.get(id) === undefined) {
        notFound.push(id);
        continue;
      }
      sql.ackLot.run(at, id);
      fses.push(...(sql.ackLotFses.all(id) as number[]));
      lots.push(id);
    }
    for (const id of fseIds) {
      const row = sql.getFse.get(id) as FseRow | undefined;
      if (row === undefined) notFound.push(id);
      else if (row.lot_id === null) {
        sql.ackFse.run(id);
        fses.push(id);
      } else if (sql.lotState.get(row.lot_id) === 'acknowledged') fses.push(id);
      else inUnacknowledgedLot.push(id);
    }
    return { lots, fses: [...new Set(fses)].sort((a, b) => a - b), notFound, inUnacknowledgedLot };
  });

  const freeTx = db.transaction((): FreeResult => {
    const fses = (sql.freeFses.all() as number[]).sort((a, b) => a - b);
    const lots = (sql.freeLots.all() as number[]).sort((a, b) => a - b);
    return { lots, fses };
  });

  const appendEventTx = db.transaction((at: number, kind: string, detail: string): LoggedEvent => {
    const idx = Number(sql.insertEvent.run(at, kind, detail).lastInsertRowid);
    if (idx > eventCapacity) sql.trimEvents.run(idx - eventCapacity);
    return { index: idx - 1, at, kind, detail };
  });

  return {
    path,
    usage: () => run('usage', usage),
    putFse(record) {
      checkFseRecord(record);
      return run(`putFse ${record.id}`, () => {
        if (count >= capacity) throw new StoreError('store-full', `putFse ${record.id}: the store holds ${count} of ${capacity} FSEs`);
        sql.insertFse.run(record.id, record.capturedAt, record.destination, record.amountCents, record.securingMode, toBuffer(record.bytes), 'stored');
        count += 1;
        return usage();
      });
    },
    getFse(id) {
      checkFseId(id);
      return run(`getFse ${id}`, () => {
        const row = sql.getFse.get(id) as FseRow | undefined;
        if (row === undefined) throw new StoreError('not-found', `no FSE ${id}`);
        return { ...fseSummary(row), bytes: toBytes(row.bytes) };
      });
    },
    listFses(filter) {
      const { where, params } = filterClause(filter);
      return run('listFses', () => (db.prepare(`SELECT ${FSE_COLUMNS} FROM fse ${where} ORDER BY id`).all(...params) as FseRow[]).map(fseSummary));
    },
    nextLotNumber(destination) {
      checkDestination(destination);
      return run('nextLotNumber', () => lotNumberAfter(sql.lastLotNumber.get(destination) as number | undefined));
    },
    createLot(lot) {
      checkNewLot(lot);
      return run(`createLot ${lot.destination}/${lot.number}`, () => createLotTx(lot, clock.now()));
    },
    getLot(id) {
      checkId(id, 'lot id');
      return run(`getLot ${id}`, () => {
        const row = sql.getLot.get(id) as LotRow | undefined;
        if (row === undefined) throw new StoreError('not-found', `no lot ${id}`);
        return { ...lotSummary(row), fseIds: sql.lotFseIds.all(id) as number[], bytes: toBytes(row.bytes), signature: toBytes(row.signature) };
      });
    },
    listLots(filter) {
      const { where, params } = filterClause(filter);
      return run('listLots', () => (db.prepare(`SELECT ${LOT_COLUMNS} FROM lot ${where} ORDER BY id`).all(...params) as LotRow[]).map(lotSummary));
    },
    acknowledge(request) {
      const lotIds = checkIds(request?.lotIds, 'lot ids');
      const fseIds = checkIds(request?.fseIds, 'FSE ids');
      return run('acknowledge', () => acknowledgeTx(lotIds, fseIds, clock.now()));
    },
    free() {
      return run('free', () => {
        const freed = freeTx();
        count -= freed.fses.length;
        return freed;
      });
    },
    appendEvent(event) {
      checkEvent(event);
      return run(`appendEvent ${event.kind}`, () => appendEventTx(event.at ?? clock.now(), event.kind, event.detail));
    },
    readEvents(from, pageSize) {
      checkPage(from, pageSize);
      return run('readEvents', () => {
        const rows = sql.readEvents.all(from, pageSize) as { idx: number; at: number; kind: string; detail: string }[];
        return {
          entries: rows.map((r) => ({ index: r.idx - 1, at: r.at, kind: r.kind, detail: r.detail })),
          total: sql.eventCount.get() as number,
          nextIndex: (sql.eventSequence.get() as number | undefined) ?? 0,
        };
      });
    },
    getSetting(key) {
      checkSettingKey(key);
      return run(`getSetting ${key}`, () => {
        const text = sql.getSetting.get(key) as string | undefined;
        return text === undefined ? undefined : (JSON.parse(text) as SettingValue);
      });
    },
    setSetting(key, value) {
      checkSettingKey(key);
      checkSettingValue(value);
      return run(`setSetting ${key}`, () => {
        sql.setSetting.run(key, JSON.stringify(value));
      });
    },
    close() {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
