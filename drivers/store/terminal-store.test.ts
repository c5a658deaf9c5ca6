import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openTerminalStore } from './open-terminal-store.js';
import type { FseRecord, NewLot } from './records.js';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
import { isStoreError, StoreError } from './store-error.js';
import { lotNumberAfter, type TerminalStore } from './terminal-store.js';
import { makeFse, openOk, seededRandom, tempFolder } from './test-support.js';

const clock = { now: () => 1_767_225_600_000 };

async function withStore(t: { teardown(fn: () => void): void }, capacity = 500, eventCapacity?: number): Promise<{ store: TerminalStore; path: string }> {
  const folder = tempFolder('unit');
  t.teardown(folder.remove);
  const path = join(folder.dir, 'terminal.db');
  const store = await openOk(path, { capacity, clock, ...(eventCapacity === undefined ? {} : { eventCapacity }) });
  t.teardown(() => void store.close());
  return { store, path };
}

function lotOf(destination: string, number: number, fseIds: readonly number[]): NewLot {
  return { destination, number, fseIds, bytes: Uint8Array.of(0x4c, number), signature: Uint8Array.of(0x53, fseIds.length) };
}

test('a new file boots ok at the current schema: WAL, our application_id and version', async (t) => {
  const folder = tempFolder('fresh');
  t.teardown(folder.remove);
  const path = join(folder.dir, 'sub', 'terminal.db');
  const result = await openTerminalStore(path, { capacity: 500, clock });
  t.like(result, { boot: 'ok', created: true, migrated: [1] });
  if (result.boot !== 'ok') return;
  await result.store.close();
  const db = new Database(path, { readonly: true });
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  t.is(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  db.close();
  const again = await openTerminalStore(path, { capacity: 500, clock });
  t.like(again, { boot: 'ok', created: false, migrated: [] });
  if (again.boot === 'ok') await again.store.close();
});

test('putFse stores the bytes and columns; getFse and listFses give them back', async (t) => {
  const { store } = await withStore(t);
  const random = seededRandom(1);
  const a = makeFse(17, random, 1500, '011');
  const b = makeFse(5, random, 300, '031');
  t.deepEqual(await store.putFse(a), { count: 1, capacity: 500, warning: false });
  await store.putFse(b);
  const got = await store.getFse(17);
  t.deepEqual(got, { id: 17, capturedAt: a.capturedAt, destination: '011', amountCents: a.amountCents, securingMode: a.securingMode, state: 'stored', size: 1500, bytes: a.bytes });
  t.is(Object.getPrototypeOf(got.bytes), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer');
  t.deepEqual((await store.listFses()).map((f) => f.id), [5, 17]);
  t.deepEqual((await store.listFses({ destination: '031' })).map((f) => f.id), [5]);
  t.deepEqual(await store.listFses({ state: 'in-lot' }), []);
  await t.throwsAsync(store.getFse(6), { instanceOf: StoreError, message: /no FSE 6/ });
});

test('an FSE id that exists is refused as duplicate and the stored bytes stay', async (t) => {
  const { store } = await withStore(t);
  const random = seededRandom(2);
  const first = makeFse(9, random, 100);
  await store.putFse(first);
  const error = await t.throwsAsync(store.putFse(makeFse(9, random, 100)));
  t.true(isStoreError(error, 'duplicate'), String(error));
  t.deepEqual((await store.getFse(9)).bytes, first.bytes);
  t.is((await store.usage()).count, 1);
});

test('capacity: the warning from 90 %, store-full at capacity, room again once freed', async (t) => {
  const { store } = await withStore(t, 10);
  const random = seededRandom(3);
  for (let id = 1; id <= 8; id++) t.false((await store.putFse(makeFse(id, random, 50))).warning);
  t.deepEqual(await store.putFse(makeFse(9, random, 50)), { count: 9, capacity: 10, warning: true });
  await store.putFse(makeFse(10, random, 50));
  const full = await t.throwsAsync(store.putFse(makeFse(11, random, 50)));
  t.true(isStoreError(full, 'store-full'), String(full));
  await t.throwsAsync(store.getFse(11), { message: /no FSE 11/ });
  const lot = await store.createLot(lotOf('011', 1, [1, 2]));
  await store.acknowledge({ lotIds: [lot.id] });
  t.deepEqual(await store.free(), { lots: [lot.id], fses: [1, 2] });
  t.deepEqual(await store.usage(), { count: 8, capacity: 10, warning: false });
  await store.putFse(makeFse(11, random, 50));
});

test('bad arguments throw synchronously, before any promise', async (t) => {
  const { store } = await withStore(t);
  const good = makeFse(1, seededRandom(4), 10);
  const bad: [string, FseRecord][] = [
    ['id 0', { ...good, id: 0 }],
    ['id over 9 digits', { ...good, id: 1_000_000_000 }],
    ['id not an integer', { ...good, id: 1.5 }],
    ['destination', { ...good, destination: '11' }],
    ['amount in euros', { ...good, amountCents: 30.5 }],
    ['negative amount', { ...good, amountCents: -1 }],
    ['mode', { ...good, securingMode: 'X' as 'S' }],
    ['empty bytes', { ...good, bytes: new Uint8Array(0) }],
    ['bytes not bytes', { ...good, bytes: [1, 2] as unknown as Uint8Array }],
  ];
  for (const [why, record] of bad) t.throws(() => void store.putFse(record), { instanceOf: Error }, why);
  t.throws(() => void store.createLot(lotOf('011', 1, [])), { instanceOf: RangeError });
  t.throws(() => void store.createLot(lotOf('011', 1, [1, 1])), { instanceOf: RangeError });
  t.throws(() => void store.createLot(lotOf('011', 1000, [1])), { instanceOf: RangeError });
  t.throws(() => void store.createLot(lotOf('011', 1, Array.from({ length: 1000 }, (_, i) => i + 1))), { instanceOf: RangeError });
  t.throws(() => void store.appendEvent({ kind: 'Not Dotted', detail: '' }), { instanceOf: RangeError });
  t.throws(() => void store.readEvents(-1, 1), { instanceOf: RangeError });
  t.throws(() => void store.setSetting('tariff.version', Number.NaN), { instanceOf: TypeError });
  t.is((await store.usage()).count, 0);
});

testProp('putFse accepts exactly the valid records (arbitrary values)', [
  fc.record({
    id: fc.oneof(fc.integer({ min: 1, max: 999_999_999 }), fc.integer(), fc.double()),
    capturedAt: fc.oneof(fc.nat(), fc.integer()),
    destination: fc.oneof(fc.stringMatching(/^\d{3}$/), fc.string({ maxLength: 4 })),
    amountCents: fc.oneof(fc.nat(), fc.double()),
    securingMode: fc.constantFrom('S', 'F', 'D', 'X', ''),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 40 }),
  }),
], async (t, record) => {
  const valid =
    Number.isInteger(record.id) && record.id >= 1 && record.id <= 999_999_999 && record.capturedAt >= 0 && /^\d{3}$/.test(record.destination) &&
    Number.isSafeInteger(record.amountCents) && record.amountCents >= 0 && ['S', 'F', 'D'].includes(record.securingMode) && record.bytes.length > 0;
  const { store } = await withStore(t);
  const put = (): Promise<unknown> => store.putFse(record as FseRecord);
  if (!valid) {
    t.throws(put);
    return;
  }
  await put();
  t.deepEqual((await store.getFse(record.id)).bytes, record.bytes);
}, { seed: 6, numRuns: 40 });

test('createLot: the next number, FSEs in-lot, getLot and listLots; a wrong number is refused', async (t) => {
  const { store } = await withStore(t);
  const random = seededRandom(5);
  for (let id = 1; id <= 4; id++) await store.putFse(makeFse(id, random, 64, id === 4 ? '031' : '011'));
  t.is(await store.nextLotNumber('011'), 1);
  await t.throwsAsync(store.createLot(lotOf('011', 2, [1])), { instanceOf: RangeError, message: /not the next one \(1\)/ });
  const lot = await store.createLot(lotOf('011', 1, [3, 1]));
  t.deepEqual(lot, { id: 1, destination: '011', number: 1, createdAt: clock.now(), state: 'signed', fseCount: 2 });
  t.deepEqual(await store.getLot(1), { ...lot, fseIds: [1, 3], bytes: Uint8Array.of(0x4c, 1), signature: Uint8Array.of(0x53, 2) });
  t.like(await store.getFse(3), { state: 'in-lot', lotId: 1 });
  t.is(await store.nextLotNumber('011'), 2);
  t.is(await store.nextLotNumber('031'), 1, 'numbers are per destination');
  t.deepEqual(await store.listLots({ destination: '031' }), []);
  t.deepEqual((await store.listLots()).map((l) => l.id), [1]);
  await t.throwsAsync(store.getLot(2), { message: /no lot 2/ });
});

test('createLot is all or nothing: an unknown, taken or foreign FSE leaves every state and the counter as they were', async (t) => {
  const { store } = await withStore(t);
  const random = seededRandom(6);
  for (let id = 1; id <= 4; id++) await store.putFse(makeFse(id, random, 64, id === 4 ? '031' : '011'));
  await store.createLot(lotOf('011', 1, [1]));
  const before = await store.listFses();
  const missing = await t.throwsAsync(store.createLot(lotOf('011', 2, [2, 99])));
  t.true(isStoreError(missing, 'not-found'), String(missing));
  const taken = await t.throwsAsync(store.createLot(lotOf('011', 2, [2, 1])));
  t.true(isStoreError(taken, 'duplicate'), String(taken));
  await t.throwsAsync(store.createLot(lotOf('011', 2, [2, 4])), { instanceOf: RangeError, message: /goes to 031/ });
  t.deepEqual(await store.listFses(), before);
  t.is(await store.nextLotNumber('011'), 2);
  t.is((await store.listLots()).length, 1);
});

test('lot numbers wrap from 999 to 1, and a number still held by an unfreed lot is refused', async (t) => {
  const { store, path } = await withStore(t, 1100);
  const random = seededRandom(7);
  for (let n = 1; n <= 999; n++) {
    await store.putFse(makeFse(n, random, 8));
    await store.createLot(lotOf('011', n, [n]));
  }
  t.is(await store.nextLotNumber('011'), 1);
  await store.putFse(makeFse(1000, random, 8));
  const held = await t.throwsAsync(store.createLot(lotOf('011', 1, [1000])));
  t.true(isStoreError(held, 'duplicate'), String(held));
  t.like(await store.getFse(1000), { state: 'stored' });
  await store.acknowledge({ lotIds: [1] });
  await store.free();
  t.like(await store.createLot(lotOf('011', 1, [1000])), { id: 1000, number: 1 });
  await store.close();
  const reopened = await openOk(path, { capacity: 1100, clock });
  t.is(await reopened.nextLotNumber('011'), 2, 'the counter is persisted');
  await reopened.close();
});

test('lotNumberAfter: 1 first, then +1, 999 wraps to 1', (t) => {
  t.is(lotNumberAfter(undefined), 1);
  t.is(lotNumberAfter(1), 2);
  t.is(lotNumberAfter(998), 999);
  t.is(lotNumberAfter(999), 1);
});

test('acknowledge and free: only acknowledged lots (with their FSEs) and acknowledged lone FSEs go', async (t) => {
  const { store } = await withStore(t);
  const random = seededRandom(8);
  for (let id = 1; id <= 6; id++) await store.putFse(makeFse(id, random, 32));
  const a = await store.createLot(lotOf('011', 1, [1, 2]));
  const b = await store.createLot(lotOf('011', 2, [3]));
  t.deepEqual(await store.free(), { lots: [], fses: [] }, 'nothing acknowledged, nothing freed');
  t.deepEqual(await store.acknowledge({ lotIds: [a.id, 77], fseIds: [3, 5, 88] }), {
    lots: [a.id],
    fses: [1, 2, 5],
    notFound: [77, 88],
    inUnacknowledgedLot: [3],
  });
  t.like(await store.getLot(a.id), { state: 'acknowledged' });
  t.like(await store.getFse(2), { state: 'acknowledged', lotId: a.id });
  t.like(await store.getFse(3), { state: 'in-lot', lotId: b.id });
  t.deepEqual((await store.acknowledge({ lotIds: [a.id] })).lots, [a.id], 'idempotent');
  t.deepEqual(await store.free(), { lots: [a.id], fses: [1, 2, 5] });
  t.deepEqual((await store.listFses()).map((f) => [f.id, f.state]), [[3, 'in-lot'], [4, 'stored'], [6, 'stored']]);
  t.deepEqual((await store.listLots()).map((l) => l.id), [b.id]);
  const c = await store.createLot(lotOf('011', 3, [4]));
  t.is(c.id, 3, 'lot ids are never reused');
  await t.throwsAsync(store.putFse(makeFse(3, random, 8)), { message: /already stored/ });
});

test('event log: appended in order, read by pages, trimmed to its capacity with indexes going on', async (t) => {
  const { store } = await withStore(t, 10, 5);
  for (let i = 0; i < 7; i++) t.is((await store.appendEvent({ kind: 'fse.stored', detail: `FSE ${i}`, ...(i === 0 ? {} : { at: 1000 + i }) })).index, i);
  const all = await store.readEvents(0, 100);
  t.deepEqual(all.entries.map((e) => e.index), [2, 3, 4, 5, 6]);
  t.is(all.total, 5);
  t.is(all.nextIndex, 7);
  t.deepEqual(await store.readEvents(5, 1), { entries: [{ index: 5, at: 1005, kind: 'fse.stored', detail: 'FSE 5' }], total: 5, nextIndex: 7 });
  const { store: other } = await withStore(t);
  await other.appendEvent({ kind: 'boot', detail: '' });
  t.is((await other.readEvents(0, 1)).entries[0]?.at, clock.now(), 'the store clock when no time is given');
  t.deepEqual(await (await withStore(t)).store.readEvents(0, 10), { entries: [], total: 0, nextIndex: 0 });
});

test('settings: absent, set, replaced, persisted', async (t) => {
  const { store, path } = await withStore(t);
  t.is(await store.getSetting('clock.offset-ms'), undefined);
  await store.setSetting('clock.offset-ms', -3600);
  await store.setSetting('tariff.version', '2025-12-22');
  await store.setSetting('tariff.version', '2026-01-01');
  await store.setSetting('display.beep', false);
  await store.close();
  const reopened = await openOk(path, { capacity: 500, clock });
  t.is(await reopened.getSetting('clock.offset-ms'), -3600);
  t.is(await reopened.getSetting('tariff.version'), '2026-01-01');
  t.is(await reopened.getSetting('display.beep'), false);
  await reopened.close();
});

test('a closed store rejects every call with closed', async (t) => {
  const { store } = await withStore(t);
  await store.close();
  await store.close();
  const calls: (() => Promise<unknown>)[] = [
    () => store.usage(),
    () => store.putFse(makeFse(1, seededRandom(9), 8)),
    () => store.getFse(1),
    () => store.listFses(),
    () => store.listLots(),
    () => store.free(),
    () => store.readEvents(0, 1),
    () => store.getSetting('a'),
  ];
  for (const call of calls) {
    const error = await t.throwsAsync(call());
    t.true(isStoreError(error, 'closed'), String(error));
  }
});

/** A model of the store: ids by state, lots by id. */
interface Model {
  fses: Map<number, { state: string; lot?: number }>;
  lots: Map<number, { state: string; fses: number[] }>;
  next: number;
}

type Op = { kind: 'put'; size: number } | { kind: 'lot'; take: number } | { kind: 'ack-lot'; pick: number } | { kind: 'ack-fse'; pick: number } | { kind: 'free' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), size: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('lot' as const), take: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('ack-lot' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('ack-fse' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('free' as const) }),
);

testProp('any sequence of puts, lots, acknowledgements and frees agrees with a model', [fc.array(opArb, { maxLength: 25 })], async (t, ops) => {
  const { store } = await withStore(t, 8);
  const random = seededRandom(10);
  const model: Model = { fses: new Map(), lots: new Map(), next: 1 };
  let lotNumber = 1;
  for (const op of ops) {
    if (op.kind === 'put') {
      const full = model.fses.size >= 8;
      const put = store.putFse(makeFse(model.next, random, op.size));
      if (full) {
        t.true(isStoreError(await t.throwsAsync(put), 'store-full'));
        continue;
      }
      await put;
      model.fses.set(model.next++, { state: 'stored' });
    } else if (op.kind === 'lot') {
      const ids = [...model.fses].filter(([, f]) => f.state === 'stored').map(([id]) => id).slice(0, op.take);
      if (ids.length === 0) continue;
      const lot = await store.createLot(lotOf('011', lotNumber, ids));
      lotNumber = lotNumberAfter(lotNumber);
      model.lots.set(lot.id, { state: 'signed', fses: ids });
      for (const id of ids) model.fses.set(id, { state: 'in-lot', lot: lot.id });
    } else if (op.kind === 'ack-lot') {
      const id = [...model.lots.keys()][op.pick % Math.max(1, model.lots.size)] ?? 999;
      await store.acknowledge({ lotIds: [id] });
      const lot = model.lots.get(id);
      if (lot !== undefined) {
        lot.state = 'acknowledged';
        for (const f of lot.fses) model.fses.set(f, { state: 'acknowledged', lot: id });
      }
    } else if (op.kind === 'ack-fse') {
      const id = [...model.fses.keys()][op.pick % Math.max(1, model.fses.size)] ?? 999;
      await store.acknowledge({ fseIds: [id] });
      const fse = model.fses.get(id);
      if (fse !== undefined && fse.lot === undefined) fse.state = 'acknowledged';
    } else {
      await store.free();
      for (const [id, lot] of model.lots) if (lot.state === 'acknowledged') model.lots.delete(id);
      for (const [id, f] of model.fses) if (f.state === 'acknowledged') model.fses.delete(id);
    }
  }
  t.deepEqual(
    (await store.listFses()).map((f) => [f.id, f.state, f.lotId]),
    [...model.fses].sort(([a], [b]) => a - b).map(([id, f]) => [id, f.state, f.lot]),
  );
  t.deepEqual((await store.listLots()).map((l) => [l.id, l.state]), [...model.lots].map(([id, l]) => [id, l.state]));
  t.is((await store.usage()).count, model.fses.size);
}, { seed: 11, numRuns: 25 });
