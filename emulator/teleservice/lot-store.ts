/**
 * The lot reception tables of the teleservice's store (migration 2, OURS):
 * receptions with their ARL, the lot numbering per (partner, destination),
 * and the NOEMIE-like returns. Prepared statements over the store's
 * database; a reception is written in one transaction by the caller
 * (`TeleserviceStore.transaction`).
 * @module
 */
import type Database from 'better-sqlite3';
import type { ArlStatus, LotReceipt } from '../../protocol/index.js';

/** One received lot and its verdict: what its receipt says (`id` is the receipt id; times in ms), who sent and signed it, its ARL. */
export interface ReceptionRow extends Pick<LotReceipt, 'lotHash' | 'partner' | 'destination' | 'lotNumber' | 'invoiceCount' | 'totalCents' | 'amoCents'> {
  readonly id: string;
  readonly senderRpps: string;
  readonly signerRpps: string;
  /** When it was received (ms). */
  readonly receivedAt: number;
  /** When the ARL becomes available (ms). */
  readonly arlAt: number;
  readonly status: ArlStatus;
  readonly reason: string | null;
  readonly invoiceNumber: number | null;
  readonly message: string | null;
  /** The 128-byte ARL record. */
  readonly arl: Uint8Array;
}

/** What is stored with a reception besides its row: the bytes received. */
export interface ReceivedBytes {
  readonly b2: Uint8Array;
  readonly signedLot: Uint8Array;
}

/** One NOEMIE-like return, prepared at reception, available later. */
export interface ReturnRow {
  readonly seq: number;
  readonly receptionId: string;
  readonly senderRpps: string;
  readonly availableAt: number;
  readonly noemie: Uint8Array;
  /** The JSON view, as text. */
  readonly view: string;
}

/** The lot reception operations. */
export interface LotStore {
  /** The latest reception of a signed lot by its hash. */
  receptionByHash(lotHash: string): ReceptionRow | undefined;
  /** A reception by id. */
  reception(id: string): ReceptionRow | undefined;
  /** A positive reception of that number for the pair exists. */
  hasPositive(partner: string, destination: string, lotNumber: number): boolean;
  /** The last positively acknowledged number of the pair. */
  lastNumber(partner: string, destination: string): number | undefined;
  insertReception(row: ReceptionRow, bytes: ReceivedBytes): void;
  setLastNumber(partner: string, destination: string, lotNumber: number): void;
  insertReturn(row: Omit<ReturnRow, 'seq'>): void;
  /** Returns of `senderRpps` with `seq > since` available at `now`, oldest first, at most `limit`. */
  returns(senderRpps: string, since: number, now: number, limit: number): readonly ReturnRow[];
}

const RECEPTION_COLUMNS = `id, lot_hash AS lotHash, sender_rpps AS senderRpps, signer_rpps AS signerRpps, partner, destination,
  lot_number AS lotNumber, invoice_count AS invoiceCount, total_cents AS totalCents, amo_cents AS amoCents,
  received_at AS receivedAt, arl_at AS arlAt, status, reason, invoice_number AS invoiceNumber, message, arl`;

const withBytes = <T extends { arl?: Uint8Array; noemie?: Uint8Array }>(row: T | undefined): T | undefined => {
  if (row === undefined) return undefined;
  const out: Record<string, unknown> = { ...row };
  for (const key of ['arl', 'noemie'] as const) if (row[key] !== undefined) out[key] = new Uint8Array(row[key]);
  return out as T;
};

/** The lot operations over a teleservice database migrated to version 2 or later. */
export function lotStoreOver(db: Database.Database): LotStore {
  const byHash = db.prepare(`SELECT ${RECEPTION_COLUMNS} FROM lot_reception WHERE lot_hash = ? ORDER BY rowid DESC LIMIT 1`);
  const byId = db.prepare(`SELECT ${RECEPTION_COLUMNS} FROM lot_reception WHERE id = ?`);
  const positive = db.prepare("SELECT 1 FROM lot_reception WHERE partner = ? AND destination = ? AND lot_number = ? AND status = 'positive' LIMIT 1");
  const last = db.prepare('SELECT last_number AS n FROM lot_sequence WHERE partner = ? AND destination = ?');
  const insert = db.prepare(
    `INSERT INTO lot_reception (id, lot_hash, sender_rpps, signer_rpps, partner, destination, lot_number, invoice_count, total_cents, amo_cents,
       received_at, arl_at, status, reason, invoice_number, message, arl, b2, signed_lot)
     VALUES (@id, @lotHash, @senderRpps, @signerRpps, @partner, @destination, @lotNumber, @invoiceCount, @totalCents, @amoCents,
       @receivedAt, @arlAt, @status, @reason, @invoiceNumber, @message, @arl, @b2, @signedLot)`,
  );
  const setLast = db.prepare(
    'INSERT INTO lot_sequence (partner, destination, last_number) VALUES (?, ?, ?) ON CONFLICT (partner, destination) DO UPDATE SET last_number = excluded.last_number',
  );
  const insertReturn = db.prepare('INSERT INTO lot_return (reception_id, sender_rpps, available_at, noemie, view) VALUES (@receptionId, @senderRpps, @availableAt, @noemie, @view)');
  const returns = db.prepare(
    `SELECT seq, reception_id AS receptionId, sender_rpps AS senderRpps, available_at AS availableAt, noemie, view
     FROM lot_return WHERE sender_rpps = ? AND seq > ? AND available_at <= ? ORDER BY seq LIMIT ?`,
  );
  return {
    receptionByHash: (lotHash) => withBytes(byHash.get(lotHash) as ReceptionRow | undefined),
    reception: (id) => withBytes(byId.get(id) as ReceptionRow | undefined),
    hasPositive: (partner, destination, lotNumber) => positive.get(partner, destination, lotNumber) !== undefined,
    lastNumber: (partner, destination) => (last.get(partner, destination) as { n: number } | undefined)?.n,
    insertReception: (row, bytes) => void insert.run({ ...row, b2: bytes.b2, signedLot: bytes.signedLot }),
    setLastNumber: (partner, destination, lotNumber) => void setLast.run(partner, destination, lotNumber),
    insertReturn: (row) => void insertReturn.run(row),
    returns: (senderRpps, since, now, limit) => (returns.all(senderRpps, since, now, limit) as ReturnRow[]).map((r) => withBytes(r)!),
  };
}
