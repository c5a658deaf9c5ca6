/**
 * The terminal store's durable commits (issue 6: commits a second with full
 * sync, and their ratio to a bare better-sqlite3 insert loop with the same
 * pragmas and table in the same run, target ≥ 0.7), and a store holding
 * 5,000 FSEs: listing them, and the process's RSS growth (printed by the
 * case's setup; see README).
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCase, BenchRatio } from '../../bench/run.js';
import type { TerminalStore } from './terminal-store.js';
import { MIGRATIONS } from './schema.js';
import { makeFse, openOk, seededRandom, tempFolder } from './test-support.js';

const FSE_SIZE = 1536;
const STORE = 'terminal store putFse (1.5 KB FSE, one transaction each, WAL + synchronous FULL)';
const BARE = 'bare better-sqlite3 INSERT of the same row (WAL + synchronous FULL, same table)';
const HELD = 5000;

const random = seededRandom(42);
const record = makeFse(1, random, FSE_SIZE);
let folder: ReturnType<typeof tempFolder> | undefined;
let store: TerminalStore | undefined;
let bare: Database.Database | undefined;
let insert: Database.Statement | undefined;
let nextId = 1;

async function openStore(): Promise<TerminalStore> {
  folder = tempFolder('bench');
  nextId = 1;
  store = await openOk(join(folder.dir, 'terminal.db'), { capacity: 100_000_000 });
  return store;
}

async function closeAll(): Promise<void> {
  await store?.close();
  bare?.close();
  folder?.remove();
  store = undefined;
  bare = undefined;
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('setup did not run');
  return value;
}

export const benches: BenchCase[] = [
  {
    name: STORE,
    unit: 'ops/s',
    opsPerCall: 1,
    target: 1000,
    setup: async () => void (await openStore()),
    teardown: closeAll,
    fn: async () => void (await need(store).putFse({ ...record, id: nextId++ })),
  },
  {
    name: BARE,
    unit: 'ops/s',
    opsPerCall: 1,
    setup: () => {
      folder = tempFolder('bench-bare');
      nextId = 1;
      bare = new Database(join(folder.dir, 'bare.db'));
      bare.pragma('journal_mode = WAL');
      bare.pragma('synchronous = FULL');
      bare.pragma('foreign_keys = ON');
      for (const m of MIGRATIONS) bare.exec(m.sql);
      insert = bare.prepare('INSERT INTO fse (id, captured_at, destination, amount_cents, securing_mode, bytes, state) VALUES (?, ?, ?, ?, ?, ?, ?)');
      return Promise.resolve();
    },
    teardown: closeAll,
    fn: () => {
      const bytes = Buffer.from(record.bytes.buffer, record.bytes.byteOffset, record.bytes.byteLength);
      need(insert).run(nextId++, record.capturedAt, record.destination, record.amountCents, record.securingMode, bytes, 'stored');
    },
  },
  {
    name: `listFses of a store holding ${HELD.toLocaleString('en-US')} FSEs of 1.5 KB`,
    unit: 'ops/s',
    opsPerCall: 1,
    setup: async () => {
      const before = process.memoryUsage().rss;
      const s = await openStore();
      for (let id = 1; id <= HELD; id++) await s.putFse({ ...record, id, destination: ['011', '012', '031'][id % 3] ?? '011' });
      const listed = await s.listFses();
      const after = process.memoryUsage().rss;
      const file = statSync(s.path).size + (statSync(`${s.path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      console.log(`store holding ${listed.length} FSEs: RSS +${((after - before) / 2 ** 20).toFixed(1)} MiB, database ${(file / 2 ** 20).toFixed(1)} MiB on disk`);
    },
    teardown: closeAll,
    fn: async () => void (await need(store).listFses()),
  },
];

export const ratios: BenchRatio[] = [{ name: 'terminal store putFse / bare better-sqlite3 insert (same run)', numerator: STORE, denominator: BARE, target: 0.7 }];
