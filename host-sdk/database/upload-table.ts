/**
 * The upload side of the host database (schema version 2, OURS, README
 * "Upload"): the receipt of every lot sent (`lot_upload`), its ARL, the
 * per-invoice returns (`invoice_return`), the returns cursor per
 * teleservice, and the lots the host builds itself from the FSEs of a
 * negatively acknowledged lot. Each change that touches a lot's state is
 * ONE transaction with the state change and its history line.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LotTransition } from '../lots/lot-state.js';
import { applyLotState } from './lot-state-store.js';

/** A lot the teleservice received, as recorded. */
export interface UploadRecord extends NewUpload {
  /** Host time the receipt was recorded. */
  readonly sentAt: number;
  readonly arl?: RecordedArl;
}

/** An ARL as recorded: the 128-character record and its decoded verdict. */
export interface RecordedArl {
  readonly record: Uint8Array;
  readonly status: 'positive' | 'negative';
  readonly reason?: string;
  readonly label?: string;
  readonly message?: string;
  readonly at: number;
}

/** What the host records when a receipt comes back. */
export interface NewUpload {
  readonly lotId: number;
  readonly receiptId: string;
  /** The receipt JSON as the server sent it. */
  readonly receipt: unknown;
  readonly partner: string;
  readonly destination: string;
  readonly lotNumber: number;
  /** Server time of the reception, ms since 1970. */
  readonly receivedAt: number;
  readonly attempts: number;
}

/** One invoice of a return, for {@link UploadTable.recordReturns}. */
export interface NewInvoiceReturn {
  readonly fseId: number;
  readonly outcome: 'paid' | 'rejected';
  readonly paidCents: number;
  readonly paidOn?: string;
  /** Rejection and warning codes. */
  readonly codes: { readonly rejections: readonly string[]; readonly warnings: readonly string[] };
}

/** An invoice's return as recorded. */
export interface InvoiceReturnRecord extends NewInvoiceReturn {
  readonly lotId: number;
  readonly returnId: number;
  readonly at: number;
}

/** A lot the host built and signed itself, for {@link UploadTable.storeBuiltLot}. */
export interface NewBuiltLot {
  /** The terminal its FSEs came from. */
  readonly terminalSerial: string;
  readonly destination: string;
  readonly lotNumber: number;
  /** The signed lot (`E4`). */
  readonly bytes: Uint8Array;
  readonly digest: Uint8Array;
  readonly fseIds: readonly number[];
  readonly at: number;
}

/** The upload operations (each one transaction). */
export interface UploadTable {
  /** Record the receipt and move the lot `signed → sent`, together; an illegal move writes nothing. */
  recordSent(upload: NewUpload, at: number): LotTransition;
  get(lotId: number): UploadRecord | undefined;
  /** Lots sent whose ARL the host has not received, oldest first. */
  awaitingArl(): UploadRecord[];
  /** Record the ARL and move the lot `sent → arl-positive | arl-negative` (reason: code and label), together. */
  recordArl(lotId: number, arl: RecordedArl): LotTransition;
  /** The lot sent with this receipt, if this host sent it. */
  lotOfReceipt(receiptId: string): number | undefined;
  /** The number of the last lot positively acknowledged for (partner, destination), by server reception time. */
  lastPositive(partner: string, destination: string): number | undefined;
  /** Lots sent with a negative ARL, oldest first. */
  negative(): UploadRecord[];
  /** Whether a lot of `destination` is `signed` or sent without an ARL yet (its number may still take the next one). */
  inFlight(destination: string): boolean;
  /** FSEs of lot `lotId` that are in no lot other than negatively acknowledged ones: the FSEs to put in a new lot. */
  fsesToRelot(lotId: number): number[];
  /** Store a host-built lot: state `built` then `signed`, with its FSE links, in one transaction; returns its id. */
  storeBuiltLot(lot: NewBuiltLot): number;
  /** The returns cursor for `teleservice` (0 if none). */
  returnsCursor(teleservice: string): number;
  /**
   * Record a page of returns in ONE transaction: the invoices' outcomes,
   * each lot `arl-positive → paid`, and the cursor `next`. A page seen
   * again (a crash before the cursor was written) changes nothing twice.
   */
  recordReturns(teleservice: string, lots: readonly { readonly lotId: number; readonly returnId: number; readonly invoices: readonly NewInvoiceReturn[] }[], next: number, at: number): void;
  /** The recorded returns of a lot's invoices. */
  invoiceReturns(lotId: number): InvoiceReturnRecord[];
}

type Row = Record<string, unknown>;
const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function uploadOf(row: Row): UploadRecord {
  const base = {
    lotId: row['lot_id'] as number,
    receiptId: row['receipt_id'] as string,
    receipt: JSON.parse(row['receipt'] as string) as unknown,
    partner: row['partner'] as string,
    destination: row['destination'] as string,
    lotNumber: row['lot_number'] as number,
    receivedAt: row['received_at'] as number,
    sentAt: row['sent_at'] as number,
    attempts: row['attempts'] as number,
  };
  if (row['arl'] === null) return base;
  const optional = (key: string): Record<string, string> => (row[`arl_${key}`] === null ? {} : { [key]: row[`arl_${key}`] as string });
  const arl = { record: new Uint8Array(row['arl'] as Buffer), status: row['arl_status'] as 'positive' | 'negative', at: row['arl_at'] as number, ...optional('reason'), ...optional('label'), ...optional('message') };
  return { ...base, arl };
}

/** @internal The upload table over an open connection; `run` maps SQLite errors, `tx` also opens a transaction. */
export function createUploadTable(db: BetterSqlite3.Database, run: <T>(what: string, work: () => T) => T, tx: <T>(what: string, work: () => T) => T): UploadTable {
  const all = (sql: string, ...values: unknown[]): Row[] => db.prepare(sql).all(...values) as Row[];
  const one = (sql: string, ...values: unknown[]): Row | undefined => db.prepare(sql).get(...values) as Row | undefined;
  const path = db.name;
  return {
    recordSent: (u, at) => tx(`recording the receipt of lot ${u.lotId}`, () => {
      const moved = applyLotState(db, path, u.lotId, { to: 'sent' }, at);
      if (!moved.ok) return moved;
      db.prepare(
        'INSERT INTO lot_upload (lot_id, receipt_id, receipt, partner, destination, lot_number, received_at, sent_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(u.lotId, u.receiptId, JSON.stringify(u.receipt), u.partner, u.destination, u.lotNumber, u.receivedAt, at, u.attempts);
      return moved;
    }),
    get: (lotId) => run('reading an upload', () => {
      const row = one('SELECT * FROM lot_upload WHERE lot_id = ?', lotId);
      return row === undefined ? undefined : uploadOf(row);
    }),
    awaitingArl: () => run('listing uploads', () => all('SELECT * FROM lot_upload WHERE arl IS NULL ORDER BY sent_at, lot_id').map(uploadOf)),
    recordArl: (lotId, arl) => tx(`recording the ARL of lot ${lotId}`, () => {
      const change = arl.status === 'positive' ? { to: 'arl-positive' as const } : { to: 'arl-negative' as const, reason: `${arl.reason ?? '?'} ${arl.label ?? ''}`.trim() };
      const moved = applyLotState(db, path, lotId, change, arl.at);
      if (!moved.ok) return moved;
      db.prepare('UPDATE lot_upload SET arl = ?, arl_status = ?, arl_reason = ?, arl_label = ?, arl_message = ?, arl_at = ? WHERE lot_id = ?')
        .run(view(arl.record), arl.status, arl.reason ?? null, arl.label ?? null, arl.message ?? null, arl.at, lotId);
      return moved;
    }),
    lotOfReceipt: (receiptId) => run('reading an upload', () => one('SELECT lot_id FROM lot_upload WHERE receipt_id = ?', receiptId)?.['lot_id'] as number | undefined),
    lastPositive: (partner, destination) => run('reading the lot sequence', () =>
      one("SELECT lot_number FROM lot_upload WHERE partner = ? AND destination = ? AND arl_status = 'positive' ORDER BY received_at DESC, lot_id DESC LIMIT 1", partner, destination)?.['lot_number'] as number | undefined,
    ),
    negative: () => run('listing negative lots', () => all("SELECT * FROM lot_upload WHERE arl_status = 'negative' ORDER BY received_at, lot_id").map(uploadOf)),
    inFlight: (destination) => run('reading lots in flight', () =>
      one(
        `SELECT 1 FROM lot l WHERE l.destination = ? AND (l.state = 'signed' AND l.verdict = 'verified'
           OR l.state = 'sent' AND EXISTS (SELECT 1 FROM lot_upload u WHERE u.lot_id = l.id AND u.arl IS NULL)) LIMIT 1`,
        destination,
      ) !== undefined,
    ),
    fsesToRelot: (lotId) => run('reading the FSEs of a lot', () =>
      all(
        `SELECT f.fse_id FROM lot_fse f WHERE f.lot_id = ? AND NOT EXISTS (
           SELECT 1 FROM lot_fse o JOIN lot l ON l.id = o.lot_id WHERE o.fse_id = f.fse_id AND l.state <> 'arl-negative') ORDER BY f.fse_id`,
        lotId,
      ).map((r) => r['fse_id'] as number),
    ),
    storeBuiltLot: (lot) => tx('storing a lot built by the host', () => {
      const { lastInsertRowid } = db.prepare(
        "INSERT INTO lot (terminal_serial, destination, lot_number, bytes, digest, verdict, state, received_at) VALUES (?, ?, ?, ?, ?, 'verified', 'built', ?)",
      ).run(lot.terminalSerial, lot.destination, lot.lotNumber, view(lot.bytes), view(lot.digest), lot.at);
      const id = Number(lastInsertRowid);
      for (const fseId of lot.fseIds) db.prepare('INSERT INTO lot_fse (lot_id, fse_id) VALUES (?, ?)').run(id, fseId);
      db.prepare("INSERT INTO lot_state_change (lot_id, state, at) VALUES (?, 'built', ?)").run(id, lot.at);
      applyLotState(db, path, id, { to: 'signed' }, lot.at);
      return id;
    }),
    returnsCursor: (teleservice) => run('reading the returns cursor', () => (one('SELECT since FROM returns_cursor WHERE teleservice = ?', teleservice)?.['since'] as number | undefined) ?? 0),
    recordReturns: (teleservice, lots, next, at) => tx('recording returns', () => {
      const insert = db.prepare(
        'INSERT INTO invoice_return (fse_id, lot_id, return_id, outcome, paid_cents, paid_on, codes, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fse_id, lot_id) DO NOTHING',
      );
      for (const lot of lots) {
        for (const i of lot.invoices) insert.run(i.fseId, lot.lotId, lot.returnId, i.outcome, i.paidCents, i.paidOn ?? null, JSON.stringify(i.codes), at);
        applyLotState(db, path, lot.lotId, { to: 'paid' }, at);
      }
      db.prepare('INSERT INTO returns_cursor (teleservice, since, at) VALUES (?, ?, ?) ON CONFLICT (teleservice) DO UPDATE SET since = excluded.since, at = excluded.at').run(teleservice, next, at);
    }),
    invoiceReturns: (lotId) => run('reading returns', () =>
      all('SELECT * FROM invoice_return WHERE lot_id = ? ORDER BY fse_id', lotId).map((r) => ({
        fseId: r['fse_id'] as number,
        lotId: r['lot_id'] as number,
        returnId: r['return_id'] as number,
        outcome: r['outcome'] as 'paid' | 'rejected',
        paidCents: r['paid_cents'] as number,
        ...(r['paid_on'] === null ? {} : { paidOn: r['paid_on'] as string }),
        codes: JSON.parse(r['codes'] as string) as NewInvoiceReturn['codes'],
        at: r['at'] as number,
      })),
    ),
  };
}
