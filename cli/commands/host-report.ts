/**
 * `bifente host lots` and `bifente host status`: what the host database
 * holds, read only (a missing database is not created).
 * @module
 */
import { existsSync } from 'node:fs';
import { LOT_STATES, openHostDatabase, type HostDatabase, type HostLot, type LotState } from '../../host-sdk/index.js';
import { toHex } from '../../protocol/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Io } from '../command.js';
import { toJson } from '../format.js';
import { formatTable } from '../table.js';
import { HOST_EXIT, hostFailure } from './host-exit.js';

/** A time for people: ISO 8601 in UTC to the second; `-` when absent. */
const when = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

/**
 * Open the host database at `path`, which must exist (only `host sync`
 * creates one); on failure the message is on stderr and the exit code is
 * returned.
 */
export async function openExistingDatabase(command: string, path: string, io: Io): Promise<HostDatabase | number> {
  if (!existsSync(path)) {
    io.err(`bifente host ${command}: no host database at ${path} (bifente host sync creates it; or give --db)\n`);
    return HOST_EXIT.database;
  }
  try {
    return await openHostDatabase(path);
  } catch (error) {
    io.err(`bifente host ${command}: ${hostFailure(error, '-').message}\n`);
    return HOST_EXIT.database;
  }
}

/** Open the database at `path` for reading, run `read`, close; the failure as an exit code. */
async function withDatabase(command: string, path: string, io: Io, read: (db: HostDatabase) => void): Promise<number> {
  const db = await openExistingDatabase(command, path, io);
  if (typeof db === 'number') return db;
  try {
    read(db);
    return HOST_EXIT.ok;
  } finally {
    db.close();
  }
}

/** A lot for `--json`: its record without the FSE ids list (a count), digest in hex. */
function lotJson(lot: HostLot) {
  const { fseIds, digest, ...rest } = lot;
  return { ...rest, digest: toHex(digest), fses: fseIds.length };
}

/** Run `bifente host lots …`. */
export async function runHostLots(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { db: { type: 'string', default: 'host.db' }, state: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const state = values.state;
  if (state !== undefined && !(LOT_STATES as readonly string[]).includes(state)) throw new UsageError(`--state must be one of ${LOT_STATES.join(', ')}`);
  return withDatabase('lots', values.db, io, (db) => {
    const lots = db.listLots(state === undefined ? {} : { state: state as LotState });
    if (values.json) return io.out(toJson(lots.map(lotJson)));
    const rows = lots.map((l) => [String(l.id), l.terminalSerial, l.destination ?? '?', l.lotNumber === undefined ? '?' : String(l.lotNumber).padStart(3, '0'), String(l.fseIds.length), l.state, l.verdict === 'verified' ? 'verified' : `rejected: ${l.reason ?? '?'}`, when(l.receivedAt), l.freedAt === undefined ? 'no' : 'yes']);
    io.out(formatTable([{ header: 'id', right: true }, { header: 'terminal' }, { header: 'dest' }, { header: 'lot' }, { header: 'FSEs', right: true }, { header: 'state' }, { header: 'verdict' }, { header: 'received (UTC)' }, { header: 'freed' }], rows));
  });
}

/** What `host status` reports. */
export interface HostStatus {
  readonly database: string;
  readonly terminals: readonly { serial: string; model: string; firmware: string; lastSyncAt?: number; clockDriftMs?: number; lastSync?: 'done' | 'failed' }[];
  readonly fses: { readonly verified: number; readonly rejected: number; readonly onTerminal: number };
  readonly lots: Readonly<Record<LotState, number>> & { readonly rejected: number };
  readonly conflicts: readonly { terminalSerial: string; kind: 'fse' | 'lot'; item: string; lastSeenAt: number }[];
}

/** Gather the status of the host database. */
export function hostStatus(db: HostDatabase): HostStatus {
  const fses = db.listFses();
  const lots = db.listLots();
  const byState = Object.fromEntries(LOT_STATES.map((s) => [s, lots.filter((l) => l.verdict === 'verified' && l.state === s).length])) as Record<LotState, number>;
  return {
    database: db.path,
    terminals: db.terminals().map((t) => {
      const last = db.syncRuns(t.serial).at(-1);
      return { serial: t.serial, model: t.model, firmware: t.firmware, ...(t.lastSyncAt === undefined ? {} : { lastSyncAt: t.lastSyncAt }), ...(t.clockDriftMs === undefined ? {} : { clockDriftMs: t.clockDriftMs }), ...(last?.outcome === undefined ? {} : { lastSync: last.outcome }) };
    }),
    fses: { verified: fses.filter((f) => f.verdict === 'verified').length, rejected: fses.filter((f) => f.verdict === 'rejected').length, onTerminal: fses.filter((f) => f.freedAt === undefined).length },
    lots: { ...byState, rejected: lots.filter((l) => l.verdict === 'rejected').length },
    conflicts: db.listConflicts().map((c) => ({ terminalSerial: c.terminalSerial, kind: c.kind, item: c.item, lastSeenAt: c.lastSeenAt })),
  };
}

function statusText(s: HostStatus): string {
  const terminals = formatTable(
    [{ header: 'terminal' }, { header: 'model' }, { header: 'firmware' }, { header: 'last sync (UTC)' }, { header: 'outcome' }, { header: 'clock drift', right: true }],
    s.terminals.map((t) => [t.serial, t.model, t.firmware, when(t.lastSyncAt), t.lastSync ?? '-', t.clockDriftMs === undefined ? '-' : `${(t.clockDriftMs / 1000).toFixed(1)} s`]),
  );
  const fses = formatTable([{ header: 'FSEs' }, { header: 'count', right: true }], [['verified', String(s.fses.verified)], ['rejected', String(s.fses.rejected)], ['not yet freed on the terminal', String(s.fses.onTerminal)]]);
  const lots = formatTable([{ header: 'lots' }, { header: 'count', right: true }], [...LOT_STATES.map((st) => [st, String(s.lots[st])]), ['rejected at sync', String(s.lots.rejected)]]);
  const conflicts = formatTable([{ header: 'conflict' }, { header: 'terminal' }, { header: 'item' }, { header: 'last seen (UTC)' }], s.conflicts.map((c) => [c.kind, c.terminalSerial, c.item, when(c.lastSeenAt)]));
  return `host database ${s.database}\n\n${terminals}\n${fses}\n${lots}\n${conflicts}`;
}

/** Run `bifente host status …`. */
export async function runHostStatus(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { db: { type: 'string', default: 'host.db' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return withDatabase('status', values.db, io, (db) => {
    const status = hostStatus(db);
    io.out(values.json ? toJson(status) : statusText(status));
  });
}
