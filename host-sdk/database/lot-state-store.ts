/**
 * A lot's state change inside the caller's transaction: the pure model
 * (lots/lot-state.ts) decides, the row and its history line are written
 * together. Shared by `HostDatabase.changeLotState` and the upload table.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import { nextLotState, type LotState, type LotStateChange, type LotTransition } from '../lots/lot-state.js';
import { HostDatabaseError } from './host-database-error.js';

/** @internal Apply `change` to lot `lotId` (call inside a transaction); an illegal move writes nothing and says why. */
export function applyLotState(db: BetterSqlite3.Database, path: string, lotId: number, change: LotStateChange, at: number): LotTransition {
  const row = db.prepare('SELECT state FROM lot WHERE id = ?').get(lotId) as { state: LotState } | undefined;
  if (row === undefined) throw new HostDatabaseError('not-found', path, `lot ${lotId} is not in the host database ${path}`);
  const next = nextLotState(row.state, change);
  if (!next.ok) return next;
  db.prepare('UPDATE lot SET state = ? WHERE id = ?').run(next.state, lotId);
  db.prepare('INSERT INTO lot_state_change (lot_id, state, reason, at) VALUES (?, ?, ?, ?)').run(lotId, next.state, next.reason ?? null, at);
  return next;
}
