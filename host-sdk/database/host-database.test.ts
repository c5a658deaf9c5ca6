import test from 'ava';
import Database from 'better-sqlite3';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../test-support.js';
import { HOST_APPLICATION_ID, HOST_SCHEMA_VERSION, isHostDatabaseError, openHostDatabase, type HostDatabase } from '../index.js';

const folder = tempFolder();
test.after.always(() => folder.remove());
let n = 0;
const fresh = () => join(folder.dir, `db${n++}`, 'host.db');
const clock = { now: () => 1_000 };
const digest = (b: number) => new Uint8Array(32).fill(b);
const DEVICE = { serial: 'BF-1', model: 'BFT-TLA', firmware: '0.6.0', agreementNumber: 'A-1' };

async function withFse(db: HostDatabase) {
  db.upsertTerminal(DEVICE, 10);
  const sync = db.beginSync(DEVICE.serial, 10);
  const fse = db.storeFse({ terminalSerial: DEVICE.serial, invoiceNumber: 7, bytes: Uint8Array.of(1, 2, 3), digest: digest(7), verdict: 'verified', receivedAt: 20 }, sync);
  return { sync, fse };
}

test('a new file: created with its folder, WAL, full sync, the host application id and the last schema version; reopened as it is', async (t) => {
  const path = fresh();
  const db = await openHostDatabase(path, { clock });
  const { sync, fse } = await withFse(db);
  t.like(fse, { invoiceNumber: 7, verdict: 'verified', size: 3, receivedAt: 20 });
  db.close();
  t.throws(() => db.listFses(), { instanceOf: Error, message: /closed/ });
  const raw = new Database(path, { readonly: true });
  t.is(raw.pragma('application_id', { simple: true }), HOST_APPLICATION_ID);
  t.is(raw.pragma('user_version', { simple: true }), HOST_SCHEMA_VERSION);
  t.is(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  const again = await openHostDatabase(path, { clock });
  t.deepEqual(again.fseBytes(fse.id), Uint8Array.of(1, 2, 3));
  t.deepEqual(again.journalOf(sync).map((j) => [j.kind, j.item, j.at]), [['sync-started', undefined, 1_000], ['fse-stored', 7, 1_000]]);
  again.close();
});

test('(terminal, invoice number) is unique: a second FSE 7 is refused, the first untouched', async (t) => {
  const db = await openHostDatabase(fresh(), { clock });
  const { sync, fse } = await withFse(db);
  const error = t.throws(() => db.storeFse({ terminalSerial: DEVICE.serial, invoiceNumber: 7, bytes: Uint8Array.of(9), digest: digest(9), verdict: 'verified', receivedAt: 30 }, sync));
  t.true(isHostDatabaseError(error, 'duplicate'), String(error));
  t.deepEqual(db.getFse(fse.id), fse);
  t.is(db.journalOf(sync).length, 2, 'the refused store wrote no journal line either (one transaction)');
  t.throws(() => db.storeFse({ terminalSerial: DEVICE.serial, invoiceNumber: 8, bytes: Uint8Array.of(9), digest: digest(8), verdict: 'rejected', receivedAt: 30 }, sync), undefined, 'a rejection needs its reason');
  t.throws(() => db.getFse(999), { message: /FSE 999 is not in the host database/ });
  db.close();
});

test('a lot: stored signed with its FSEs, moved through its states with history; illegal moves change nothing', async (t) => {
  const db = await openHostDatabase(fresh(), { clock });
  const { sync, fse } = await withFse(db);
  const lot = db.storeLot({ terminalSerial: DEVICE.serial, destination: '751', lotNumber: 1, bytes: Uint8Array.of(4), digest: digest(1), verdict: 'verified', receivedAt: 40, state: 'signed', fseIds: [fse.id] }, sync);
  t.like(lot, { destination: '751', lotNumber: 1, state: 'signed', fseIds: [fse.id] });
  t.like(db.changeLotState(lot.id, { to: 'sent' }, 50), { ok: true, state: 'sent' });
  t.like(db.changeLotState(lot.id, { to: 'paid' }, 60), { ok: false, reason: 'illegal-transition' });
  t.like(db.changeLotState(lot.id, { to: 'arl-negative', reason: 'R12 signature du lot' }, 70), { ok: true });
  t.deepEqual(db.lotHistory(lot.id), [{ state: 'signed', at: 40 }, { state: 'sent', at: 50 }, { state: 'arl-negative', reason: 'R12 signature du lot', at: 70 }]);
  t.is(db.getLot(lot.id).state, 'arl-negative');
  t.deepEqual(db.listLots({ state: 'arl-negative' }).map((l) => l.id), [lot.id]);
  t.is(db.lotByDigest(DEVICE.serial, digest(1))?.id, lot.id);
  t.deepEqual(db.lotsNumbered(DEVICE.serial, '751', 1).map((l) => l.id), [lot.id]);
  db.markFreed(sync, { fseIds: [fse.id], lotIds: [lot.id] }, 80);
  t.is(db.getFse(fse.id).freedAt, 80);
  t.is(db.getLot(lot.id).freedAt, 80);
  db.endSync(sync, 'done', '{}', 90);
  t.like(db.terminal(DEVICE.serial), { lastSyncAt: 90 });
  t.like(db.syncRuns(DEVICE.serial)[0], { outcome: 'done', endedAt: 90 });
  db.close();
});

test('files the host will not use are refused, named, and left byte for byte as they were', async (t) => {
  const cases: [string, (path: string) => void, string][] = [
    ['not-sqlite', (p) => writeFileSync(p, 'hello, this is not a database at all, but it is long enough to have a header of one hundred bytes..'), 'not-sqlite'],
    ['foreign', (p) => { const d = new Database(p); d.exec('CREATE TABLE patients (x)'); d.close(); }, 'foreign'],
    ['a terminal store', (p) => { const d = new Database(p); d.pragma('application_id = 0x42465453'); d.exec('CREATE TABLE fse (x)'); d.close(); }, 'foreign'],
    ['newer-schema', (p) => { const d = new Database(p); d.pragma(`application_id = ${HOST_APPLICATION_ID}`); d.pragma(`user_version = ${HOST_SCHEMA_VERSION + 1}`); d.exec('CREATE TABLE later (x)'); d.close(); }, 'newer-schema'],
  ];
  for (const [name, make, code] of cases) {
    const path = fresh();
    await openHostDatabase(path).then((db) => db.close());
    rmSync(path);
    for (const side of ['-wal', '-shm']) rmSync(path + side, { force: true });
    make(path);
    const before = readFileSync(path);
    const error = await t.throwsAsync(openHostDatabase(path));
    t.true(isHostDatabaseError(error, code as never), `${name}: ${String(error)}`);
    t.true(isHostDatabaseError(error) && error.path === path && error.message.includes(path), name);
    t.deepEqual(readFileSync(path), before, `${name}: untouched`);
  }
});

test('a corrupt file (a page overwritten) is refused as corrupt and kept', async (t) => {
  const path = fresh();
  const db = await openHostDatabase(path, { clock });
  const { sync } = await withFse(db);
  for (let i = 8; i < 400; i++) db.storeFse({ terminalSerial: DEVICE.serial, invoiceNumber: i, bytes: new Uint8Array(200).fill(i & 0xff), digest: digest(i & 0xff), verdict: 'verified', receivedAt: i }, sync);
  db.close();
  const raw = new Database(path);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  t.true(statSync(path).size > pageSize * 6);
  bytes.fill(0x5a, pageSize * 3, pageSize * 4);
  writeFileSync(path, bytes);
  const error = await t.throwsAsync(openHostDatabase(path));
  t.true(isHostDatabaseError(error, 'corrupt'), String(error));
  t.deepEqual(readFileSync(path), bytes);
});
