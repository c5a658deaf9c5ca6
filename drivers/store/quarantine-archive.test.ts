import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTerminalStore } from './open-terminal-store.js';
import { listQuarantined } from './quarantine.js';
import { openQuarantineArchive } from './quarantine-archive.js';
import { isStoreError } from './store-error.js';
import { makeFse, openOk, seededRandom, sha256, tempFolder } from './test-support.js';

const clock = { now: () => 1_767_225_600_000 };
const options = { capacity: 500, clock };

function place(t: { teardown(fn: () => void): void }): string {
  const folder = tempFolder('archive');
  t.teardown(folder.remove);
  return join(folder.dir, 'terminal.db');
}

/** A real store of ours with its WAL still full (not checkpointed), stamped with another application id: `foreign`. */
async function foreignWithWal(path: string): Promise<void> {
  const store = await openOk(path, options);
  const random = seededRandom(3);
  for (let id = 1; id <= 40; id++) await store.putFse(makeFse(id, random, 1500));
  await store.close();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('application_id = 1234');
  // A writer that leaves a WAL behind (process "killed": no close, so no checkpoint).
  db.prepare('INSERT INTO setting (key, value) VALUES (?, ?)').run('left', '"in the wal"');
}

test('a foreign store with its WAL: listed with every file and size, read back whole in chunks, byte for byte', async (t) => {
  const path = place(t);
  await foreignWithWal(path);
  // The -shm is SQLite's shared index, which any reader (the boot's check included) may touch: compared with the moved file.
  const before = new Map(['', '-wal'].map((s) => [`terminal.db${s}`, sha256(readFileSync(path + s))]));
  const boot = await openTerminalStore(path, options);
  if (boot.boot !== 'quarantined') return t.fail('expected a quarantine');
  t.is(boot.quarantined.reason, 'foreign');
  t.is(boot.path, path);
  const archive = openQuarantineArchive(path);
  const [listed, ...more] = await archive.list();
  t.is(more.length, 0);
  t.deepEqual(listed?.files.map((f) => f.name).sort(), ['terminal.db', 'terminal.db-shm', 'terminal.db-wal']);
  t.true(listed!.files.find((f) => f.name === 'terminal.db-wal')!.size > 0, 'the WAL holds frames the database lacks');
  for (const file of listed!.files) {
    const parts: Uint8Array[] = [];
    for (let offset = 0; ; ) {
      const chunk = await archive.read('0001', file.name, offset, 7000);
      t.is(chunk.total, file.size);
      if (chunk.bytes.length === 0) break;
      parts.push(chunk.bytes);
      offset += chunk.bytes.length;
    }
    const fetched = sha256(Buffer.concat(parts));
    t.is(fetched, before.get(file.name) ?? sha256(readFileSync(join(`${path}.quarantine`, '0001', file.name))), file.name);
  }
});

test('unknown quarantines and files are not-found; a path as a name reaches nothing; an offset past the end is a RangeError', async (t) => {
  const path = place(t);
  writeFileSync(path, 'x'.repeat(300));
  writeFileSync(join(path, '..', 'secret.txt'), 'not yours');
  await openTerminalStore(path, options);
  const archive = openQuarantineArchive(path);
  for (const [id, name] of [['0002', 'terminal.db'], ['0001', 'secret.txt'], ['0001', '../secret.txt'], ['0001', '../../terminal.db'], ['0001', 'quarantine.json']]) {
    const error = await t.throwsAsync(archive.read(id!, name!, 0, 10));
    t.true(isStoreError(error, 'not-found'), `${id} ${name}`);
  }
  t.deepEqual((await archive.read('0001', 'terminal.db', 300, 10)).bytes, new Uint8Array(0));
  await t.throwsAsync(archive.read('0001', 'terminal.db', 301, 10), { instanceOf: RangeError });
  await t.throwsAsync(archive.read('0001', 'terminal.db', -1, 10), { instanceOf: RangeError });
  rmSync(`${path}.quarantine/0001/terminal.db`);
  t.deepEqual((await archive.list())[0]?.files, [], 'a file removed by hand is left out');
  t.true(isStoreError(await t.throwsAsync(archive.read('0001', 'terminal.db', 0, 10)), 'not-found'));
});

test('release records the time and the next invoice number once; the next boot opens a fresh store; the files stay', async (t) => {
  const path = place(t);
  writeFileSync(path, 'y'.repeat(500));
  await openTerminalStore(path, options);
  const archive = openQuarantineArchive(path);
  t.true(isStoreError(await t.throwsAsync(archive.release('0007', { at: 1, nextInvoiceNumber: 2 })), 'not-found'));
  t.like(await archive.release('0001', { at: 10, nextInvoiceNumber: 42 }), { releasedAt: 10, nextInvoiceNumber: 42 });
  t.like(await archive.release('0001', { at: 20, nextInvoiceNumber: 7 }), { releasedAt: 10, nextInvoiceNumber: 42 }, 'a second release changes nothing');
  t.like(listQuarantined(path)[0], { releasedAt: 10, nextInvoiceNumber: 42 });
  const fresh = await openTerminalStore(path, options);
  t.like(fresh, { boot: 'ok', created: true });
  if (fresh.boot === 'ok') await fresh.store.close();
  t.like((await archive.list())[0], { files: [{ name: 'terminal.db', size: 500 }] });
});

test('reopen() boots again with the same options', async (t) => {
  const path = place(t);
  writeFileSync(path, 'z'.repeat(200));
  const boot = await openTerminalStore(path, { capacity: 3, clock });
  if (boot.boot !== 'quarantined') return t.fail('expected a quarantine');
  t.like(await boot.reopen(), { boot: 'quarantined', quarantined: { id: '0001' } });
  await openQuarantineArchive(path).release('0001', { at: 1, nextInvoiceNumber: 1 });
  const again = await boot.reopen();
  if (again.boot !== 'ok') return t.fail('expected a store');
  t.is((await again.store.usage()).capacity, 3);
  await again.store.close();
});

testProp('any split of a file into chunks reads it back whole', [fc.uint8Array({ minLength: 0, maxLength: 5000 }), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 20 })], async (t, bytes, sizes) => {
  const path = place(t);
  writeFileSync(path, Uint8Array.of(1, ...bytes));
  await openTerminalStore(path, options);
  const archive = openQuarantineArchive(path);
  const parts: Uint8Array[] = [];
  for (let offset = 0, k = 0; offset < bytes.length + 1; k++) {
    const chunk = await archive.read('0001', 'terminal.db', offset, sizes[k % sizes.length]!);
    parts.push(chunk.bytes);
    offset += chunk.bytes.length;
  }
  t.deepEqual(Buffer.concat(parts), Buffer.from(Uint8Array.of(1, ...bytes)));
}, { seed: 6, numRuns: 20 });
