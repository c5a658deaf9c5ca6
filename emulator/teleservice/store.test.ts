// The teleservice's SQLite store: a real file, WAL, versioned migrations a
// later wave extends, refusal of files that are not ours; tokens survive
// a restart of the server.
import test from 'ava';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateTeleservice, openTeleserviceStore, TELESERVICE_APPLICATION_ID, TELESERVICE_MIGRATIONS, TELESERVICE_SCHEMA_VERSION, TeleserviceStoreError } from './store.js';
import { bearer, startTeleservice } from './test-support.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-teleservice-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a new file: WAL, our application id, the last schema version, in a folder created for it', async (t) => {
  const file = join(tempDir(t), 'nested', 'teleservice.db');
  const running = await startTeleservice({ database: file });
  await running.stop();
  const reopened = new Database(file, { readonly: true });
  t.is(reopened.pragma('journal_mode', { simple: true }), 'wal');
  t.is(reopened.pragma('application_id', { simple: true }), TELESERVICE_APPLICATION_ID);
  t.is(reopened.pragma('user_version', { simple: true }), TELESERVICE_SCHEMA_VERSION);
  reopened.close();
});

test('a token stays valid across a restart on the same file', async (t) => {
  const file = join(tempDir(t), 'teleservice.db');
  const first = await startTeleservice({ database: file });
  const headers = await bearer(first);
  await first.service.close();
  const second = await startTeleservice({ database: file });
  t.teardown(second.stop);
  const answer = await second.call('POST', '/v1/rights', { nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 }, headers);
  t.is(answer.status, 200);
});

test('another application\'s database and a newer schema are refused, untouched', async (t) => {
  const dir = tempDir(t);
  const foreign = join(dir, 'foreign.db');
  const other = new Database(foreign);
  other.exec('CREATE TABLE notes (x)');
  other.close();
  const refused = await t.throwsAsync(openTeleserviceStore(foreign), { instanceOf: TeleserviceStoreError });
  t.is(refused?.code, 'foreign-database');
  const newer = join(dir, 'newer.db');
  (await openTeleserviceStore(newer)).close();
  const bump = new Database(newer);
  bump.pragma(`user_version = ${TELESERVICE_SCHEMA_VERSION + 1}`);
  bump.close();
  t.is((await t.throwsAsync(openTeleserviceStore(newer), { instanceOf: TeleserviceStoreError }))?.code, 'newer-schema');
});

test('migrations apply forward, one transaction each: a failing step leaves the previous version', (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  t.deepEqual(migrateTeleservice(db, 0), TELESERVICE_MIGRATIONS.map((m) => m.version));
  const later = [
    ...TELESERVICE_MIGRATIONS,
    { version: TELESERVICE_SCHEMA_VERSION + 1, description: 'lots (wave 2)', sql: 'CREATE TABLE lot (id INTEGER PRIMARY KEY) STRICT;' },
    { version: TELESERVICE_SCHEMA_VERSION + 2, description: 'broken', sql: 'CREATE TABLE arl (id INTEGER); INSERT INTO nowhere VALUES (1);' },
  ];
  t.throws(() => migrateTeleservice(db, TELESERVICE_SCHEMA_VERSION, later), { any: true, message: /no such table: nowhere/ });
  t.is(db.pragma('user_version', { simple: true }), TELESERVICE_SCHEMA_VERSION + 1);
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  t.true(tables.includes('lot'));
  t.false(tables.includes('arl'), 'the failed step rolled back whole');
});
