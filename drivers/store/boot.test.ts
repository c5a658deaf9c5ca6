import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectStore, openTerminalStore, type BootResult } from './open-terminal-store.js';
import { listQuarantined, quarantineFolder, releaseQuarantine, type QuarantineReason } from './quarantine.js';
import { APPLICATION_ID, migrate, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { isStoreError } from './store-error.js';
import { makeFse, openOk, seededRandom, sha256, tempFolder } from './test-support.js';

const clock = { now: () => 1_767_225_600_000 };
const options = { capacity: 500, clock };

function place(t: { teardown(fn: () => void): void }): string {
  const folder = tempFolder('boot');
  t.teardown(folder.remove);
  return join(folder.dir, 'terminal.db');
}

/** A store with `n` FSEs and a lot, closed. */
async function populated(path: string, n = 60): Promise<void> {
  const store = await openOk(path, options);
  const random = seededRandom(n);
  for (let id = 1; id <= n; id++) await store.putFse(makeFse(id, random, 1200));
  await store.createLot({ destination: '011', number: 1, fseIds: [1, 2, 3], bytes: Uint8Array.of(1), signature: Uint8Array.of(2) });
  await store.close();
}

/** Boots, expects a quarantine for `reason` with the file moved aside byte for byte; the path is free. */
async function expectQuarantine(t: import('ava').ExecutionContext, path: string, reason: QuarantineReason): Promise<BootResult> {
  const before = existsSync(path) ? sha256(readFileSync(path)) : undefined;
  const result = await openTerminalStore(path, options);
  t.is(result.boot, 'quarantined');
  if (result.boot !== 'quarantined') return result;
  t.is(result.quarantined.reason, reason, result.quarantined.detail);
  t.false(existsSync(path), 'moved aside');
  if (before !== undefined) t.is(sha256(readFileSync(result.quarantined.movedTo)), before, 'kept byte for byte');
  t.true(result.quarantined.movedTo.startsWith(quarantineFolder(path)));
  return result;
}

testProp('a file of random bytes is quarantined as not-sqlite, kept, and keeps the terminal quarantined until released', [
  fc.uint8Array({ minLength: 1, maxLength: 9000 }),
], async (t, bytes) => {
  const path = place(t);
  writeFileSync(path, bytes);
  const first = await expectQuarantine(t, path, 'not-sqlite');
  const again = await openTerminalStore(path, options);
  t.like(again, { boot: 'quarantined', quarantined: { id: '0001' } });
  if (first.boot !== 'quarantined') return;
  t.like(releaseQuarantine(path, first.quarantined.id, 5), { releasedAt: 5 });
  const fresh = await openTerminalStore(path, options);
  t.like(fresh, { boot: 'ok', created: true });
  if (fresh.boot === 'ok') await fresh.store.close();
  t.deepEqual(readFileSync(first.quarantined.movedTo), Buffer.from(bytes), 'still there after release');
}, { seed: 12, numRuns: 15 });

test('a truncated database is quarantined as corrupt (or not-sqlite below its header) with its WAL', async (t) => {
  for (const keep of [0.5, 0.9, 50]) {
    const path = place(t);
    await populated(path);
    const size = statSync(path).size;
    truncateSync(path, keep < 1 ? Math.floor(size * keep / 4096) * 4096 + 1000 : keep);
    await expectQuarantine(t, path, keep < 1 ? 'corrupt' : 'not-sqlite');
  }
});

test('a database with a page overwritten is quarantined as corrupt', async (t) => {
  const path = place(t);
  await populated(path);
  const bytes = readFileSync(path);
  bytes.fill(0x5a, 4096 * 3 + 8, 4096 * 3 + 600);
  writeFileSync(path, bytes);
  await expectQuarantine(t, path, 'corrupt');
});

test('another application\'s SQLite database is quarantined as foreign', async (t) => {
  for (const applicationId of [0, 0x4d504247]) {
    const path = place(t);
    const db = new Database(path);
    db.pragma(`application_id = ${applicationId}`);
    db.exec('CREATE TABLE patient (name TEXT); INSERT INTO patient VALUES (\'x\')');
    db.close();
    const result = await expectQuarantine(t, path, 'foreign');
    if (result.boot === 'quarantined') t.regex(result.quarantined.detail, /application_id 0x/);
  }
});

test('an empty SQLite database (a boot cut before its first commit) is taken as new', async (t) => {
  const path = place(t);
  new Database(path).close();
  const sqlite = await openTerminalStore(path, options);
  t.like(sqlite, { boot: 'ok', created: true });
  if (sqlite.boot === 'ok') await sqlite.store.close();
  const empty = place(t);
  writeFileSync(empty, '');
  const result = await openTerminalStore(empty, options);
  t.like(result, { boot: 'ok', created: true });
  if (result.boot === 'ok') await result.store.close();
});

test('a newer schema version is refused untouched (database and WAL), and expectStore says newer-schema', async (t) => {
  const path = place(t);
  await populated(path, 5);
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.exec('CREATE TABLE future (x INTEGER)');
  const hold = new Database(path, { readonly: true });
  hold.prepare('SELECT 1').get();
  db.close(); // the reader still open keeps the WAL from being checkpointed
  const wal = readFileSync(`${path}-wal`);
  hold.close();
  t.true(wal.length > 0);
  const result = await expectQuarantine(t, path, 'newer-schema');
  if (result.boot !== 'quarantined') return;
  t.deepEqual(result.quarantined.files.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort(), ['terminal.db'].concat(existsSync(`${result.quarantined.movedTo}-wal`) ? ['terminal.db-wal'] : []).concat(existsSync(`${result.quarantined.movedTo}-shm`) ? ['terminal.db-shm'] : []).sort());
  const error = t.throws(() => expectStore(result));
  t.true(isStoreError(error, 'newer-schema'), String(error));
  const moved = new Database(result.quarantined.movedTo, { readonly: true });
  t.is(moved.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  t.is((moved.prepare('SELECT count(*) AS n FROM fse').get() as { n: number }).n, 5);
  moved.close();
});

test('a WAL left without its database (a quarantine cut by a power loss) joins the newest quarantine', async (t) => {
  const path = place(t);
  writeFileSync(path, 'not a database at all, long enough to pass the size test'.repeat(4));
  await expectQuarantine(t, path, 'not-sqlite');
  writeFileSync(`${path}-wal`, 'wal frames');
  const result = await openTerminalStore(path, options);
  t.like(result, { boot: 'quarantined', quarantined: { id: '0001', reason: 'not-sqlite' } });
  t.false(existsSync(`${path}-wal`));
  if (result.boot === 'quarantined') t.true(result.quarantined.files.some((f) => f.endsWith('terminal.db-wal')));
  releaseQuarantine(path, '0001');
  writeFileSync(`${path}-wal`, 'another orphan');
  t.like(await openTerminalStore(path, options), { boot: 'quarantined', quarantined: { id: '0002', reason: 'orphan-journal' } });
  t.is(listQuarantined(path).length, 2);
  t.throws(() => releaseQuarantine(path, '0009'), { instanceOf: RangeError });
});

test('expectStore: the store of an ok boot, quarantined otherwise', async (t) => {
  const path = place(t);
  const ok = await openTerminalStore(path, options);
  const store = expectStore(ok);
  await store.close();
  writeFileSync(path, Buffer.alloc(4096, 7));
  const error = t.throws(() => expectStore(ok.boot === 'ok' ? { boot: 'quarantined', quarantined: { id: '1', movedTo: 'x', files: [], reason: 'corrupt', detail: 'd', at: 0 }, pending: [], path: 'x', reopen: () => Promise.reject(new Error('unused')) } : ok));
  t.true(isStoreError(error, 'quarantined'), String(error));
});

test('boot refuses a capacity that is not a positive integer', async (t) => {
  const path = place(t);
  await t.throwsAsync(openTerminalStore(path, { capacity: 0 }), { instanceOf: RangeError });
  await t.throwsAsync(openTerminalStore(path, { capacity: 500, eventCapacity: 1.5 }), { instanceOf: RangeError });
  t.false(existsSync(path));
});

test('migrations: numbered 1, 2, 3... and applied forward one transaction each; a failing step leaves the old version', (t) => {
  t.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
  const path = place(t);
  const db = new Database(path);
  t.deepEqual(migrate(db, 0), [1]);
  const later = [...MIGRATIONS, { version: 2, description: 'a column', sql: 'ALTER TABLE fse ADD COLUMN note TEXT' }];
  const broken = [...later, { version: 3, description: 'broken', sql: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1)' }];
  t.throws(() => migrate(db, 1, broken), { any: true, message: /no such table: nowhere/ });
  t.is(db.pragma('user_version', { simple: true }), 2, 'step 2 committed, step 3 rolled back');
  t.is((db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get() as { n: number }).n, 0);
  t.deepEqual(migrate(db, 2, later), []);
  t.is(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  db.close();
});
