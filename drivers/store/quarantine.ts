/**
 * Quarantine: a database file the store cannot trust (not SQLite, another
 * application's, a newer schema, failing its integrity check) is moved aside
 * with its `-wal`, `-shm` and `-journal` files, never deleted, into
 * `<path>.quarantine/<n>/`, next to a `quarantine.json` that says why. While
 * a quarantine is not released the terminal refuses captures: the host must
 * first take the data (our design, see README).
 * @module
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Why a database file was moved aside. */
export type QuarantineReason =
  /** The file is not an SQLite database (random bytes, or too short for a header). */
  | 'not-sqlite'
  /** An SQLite database of another application (not our `application_id`). */
  | 'foreign'
  /** Ours, with a schema version newer than this firmware knows: refused, not touched. */
  | 'newer-schema'
  /** Ours, but the integrity or foreign-key check fails, or SQLite says it is corrupt. */
  | 'corrupt'
  /** `-wal` / `-shm` files left without their database (a quarantine cut short by a power loss). */
  | 'orphan-journal';

/** One quarantined database, as `quarantine.json` records it. */
export interface QuarantineEntry {
  /** The folder name under `<path>.quarantine/`: `0001`, `0002`... */
  readonly id: string;
  /** Where the database file now is (it may be absent for `orphan-journal`). */
  readonly movedTo: string;
  /** Every file moved, by full path. */
  readonly files: readonly string[];
  readonly reason: QuarantineReason;
  /** What the check found, for people. */
  readonly detail: string;
  /** When it was moved aside (the store's clock, ms since 1970). */
  readonly at: number;
  /** When the host confirmed it took the data; until then captures are refused. */
  readonly releasedAt?: number;
  /**
   * The invoice number the host said to go on from when it released the
   * quarantine (it read the data; the terminal could not). The terminal
   * applies it to its fresh store's counter (terminal/firmware).
   */
  readonly nextInvoiceNumber?: number;
}

/** The files SQLite may keep next to a database. */
export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

const RECORD = 'quarantine.json';

/** The folder that holds the quarantines of the store at `path`. */
export function quarantineFolder(path: string): string {
  return `${path}.quarantine`;
}

/** Every quarantine of the store at `path`, oldest first (released ones included). */
export function listQuarantined(path: string): QuarantineEntry[] {
  const folder = quarantineFolder(path);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^\d{4,}$/.test(name) && existsSync(join(folder, name, RECORD)))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(folder, name, RECORD), 'utf8')) as QuarantineEntry);
}

/**
 * Records that the host took the data of quarantine `id` (and, when given,
 * the invoice number to go on from): once none is pending, the store opens
 * (a fresh database). The files stay where they are. Releasing a released
 * quarantine changes nothing.
 * @throws RangeError when there is no such quarantine.
 */
export function releaseQuarantine(path: string, id: string, at: number = Date.now(), nextInvoiceNumber?: number): QuarantineEntry {
  const entry = listQuarantined(path).find((e) => e.id === id);
  if (entry === undefined) throw new RangeError(`no quarantine ${id} for ${path}`);
  if (entry.releasedAt !== undefined) return entry;
  const released: QuarantineEntry = { ...entry, releasedAt: at, ...(nextInvoiceNumber === undefined ? {} : { nextInvoiceNumber }) };
  writeDurably(join(quarantineFolder(path), id, RECORD), JSON.stringify(released, null, 2));
  return released;
}

/**
 * @internal Moves the database at `path` and its sidecars into a new
 * quarantine folder. The record is written (and synced) first, then the
 * database, then its sidecars: a power loss in between leaves sidecars
 * without a database, which the next boot moves into the newest quarantine
 * ({@link adoptOrphans}).
 */
export function quarantine(path: string, reason: QuarantineReason, detail: string, at: number): QuarantineEntry {
  const folder = quarantineFolder(path);
  mkdirSync(folder, { recursive: true });
  const last = readdirSync(folder).filter((n) => /^\d{4,}$/.test(n)).sort().at(-1);
  const id = String((last === undefined ? 0 : Number(last)) + 1).padStart(4, '0');
  const dir = join(folder, id);
  mkdirSync(dir);
  const name = basename(path);
  const moves = [path, ...SIDECARS.map((s) => path + s)].filter((p) => existsSync(p));
  const entry: QuarantineEntry = {
    id,
    movedTo: join(dir, name),
    files: moves.map((p) => join(dir, basename(p))),
    reason,
    detail,
    at,
  };
  writeDurably(join(dir, RECORD), JSON.stringify(entry, null, 2));
  for (const from of moves) renameSync(from, join(dir, basename(from)));
  syncFolder(dir);
  syncFolder(dirname(path));
  return entry;
}

/**
 * @internal Sidecars at `path` without the database itself: a quarantine cut
 * short (or a database deleted by hand). They are moved into the newest
 * quarantine when one exists, else into a new `orphan-journal` one, so that
 * SQLite never pairs them with a new database. Returns the entry that got them.
 */
export function adoptOrphans(path: string, at: number): QuarantineEntry | undefined {
  if (existsSync(path)) return undefined;
  const orphans = SIDECARS.map((s) => path + s).filter((p) => existsSync(p) && statSync(p).size > 0);
  if (orphans.length === 0) return undefined;
  const newest = listQuarantined(path).at(-1);
  if (newest === undefined || newest.releasedAt !== undefined) {
    return quarantine(path, 'orphan-journal', `${orphans.map((p) => basename(p)).join(', ')} without ${basename(path)}`, at);
  }
  const dir = join(quarantineFolder(path), newest.id);
  const files = [...newest.files];
  for (const from of orphans) {
    const to = join(dir, basename(from));
    renameSync(from, existsSync(to) ? `${to}.${at}` : to);
    if (!files.includes(to)) files.push(to);
  }
  const entry: QuarantineEntry = { ...newest, files };
  writeDurably(join(dir, RECORD), JSON.stringify(entry, null, 2));
  syncFolder(dirname(path));
  return entry;
}

function writeDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncFolder(dirname(file));
}

function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
