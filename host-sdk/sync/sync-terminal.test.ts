import test from 'ava';
import { join } from 'node:path';
import { createMemoryLinkPair, openLink } from '../../drivers/index.js';
import { LINK_ERROR, lotLinkId, verifySecuredFse } from '../../protocol/index.js';
import { buildLots, CA_PEM, copyTerminal, DEVICE, HOST_NOW, hostDatabase, invariantProblems, openCards, plugTerminal, putFses, SYNC_OPTIONS, tempFolder, TERMINAL_CLOCK, writeTerminalFile, type Cards, type TerminalContents } from '../test-support.js';
import { isSyncError, syncTerminal, type SyncProgress } from '../index.js';

let cards: Cards;
let template: string;
let contents: TerminalContents;
const folder = tempFolder();

test.before(async () => {
  cards = await openCards();
  template = join(folder.dir, 'template.db');
  contents = await writeTerminalFile(template, cards);
});
test.after.always(async () => {
  await cards?.close();
  folder.remove();
});

let n = 0;
/** A terminal copied from the template and a fresh host database, joined by an in-memory link. */
async function world(options: { line?: (bytes: Uint8Array) => Uint8Array | null; busy?: () => boolean } = {}) {
  const k = n++;
  const store = await copyTerminal(template, join(folder.dir, `w${k}-terminal.db`));
  const db = await hostDatabase(folder.dir, `w${k}-host.db`);
  const plug = () => plugTerminal(store, options);
  return { store, db, plug, close: async () => Promise.all([store.close(), db.close()]) };
}

const verifies = (bytes: Uint8Array) => verifySecuredFse(bytes, { ca: CA_PEM }).ok;
const LOTS = [lotLinkId(1), lotLinkId(2)];

test('a full sync: identify, clock, every FSE and lot fetched, verified, stored, then acknowledged and freed; the bad FSE stays on the terminal', async (t) => {
  const w = await world();
  const link = await w.plug();
  const events: SyncProgress[] = [];
  const summary = await syncTerminal(link.host, w.db, { ...SYNC_OPTIONS, onProgress: (e) => events.push(e) });
  t.deepEqual(summary.terminal, DEVICE);
  t.is(summary.clockDriftMs, TERMINAL_CLOCK.now() - HOST_NOW);
  t.deepEqual(summary.listed, { fses: 8, lots: 2 });
  t.like(summary, { fetched: 10, alreadyHeld: 0, stored: 10, verified: 9 });
  t.deepEqual(summary.rejected.map((r) => [r.kind, r.id, r.reason]), [['fse', 51, 'bad-signature']]);
  t.deepEqual(summary.acknowledged, [11, 12, 13, 21, 22, 31, 41, ...LOTS]);
  t.deepEqual([...summary.freed].sort((a, b) => a - b), [11, 12, 13, 21, 22, 31, 41, ...LOTS]);
  t.deepEqual((await w.store.listFses()).map((f) => f.id), [51]);
  t.deepEqual(await w.store.listLots(), []);
  t.deepEqual(await invariantProblems(w.store, w.db, contents, verifies), []);
  // The host's records.
  t.like(w.db.terminal(DEVICE.serial), { ...DEVICE, clockDriftMs: summary.clockDriftMs, lastSyncAt: HOST_NOW });
  const lots = w.db.listLots();
  t.deepEqual(lots.map((l) => [l.destination, l.lotNumber, l.state, l.verdict, l.fseIds.length, l.freedAt]).sort(), [['691', 1, 'signed', 'verified', 2, HOST_NOW], ['751', 1, 'signed', 'verified', 3, HOST_NOW]]);
  t.deepEqual(w.db.lotHistory(lots[0]!.id), [{ state: 'signed', at: HOST_NOW }]);
  t.deepEqual(w.db.listFses({ verdict: 'verified' }).filter((f) => f.freedAt === HOST_NOW).length, 7);
  const journal = w.db.journalOf(summary.syncId).map((j) => j.kind);
  t.deepEqual([journal[0], journal[1], journal[2]], ['sync-started', 'clock-set', 'listed']);
  t.true(journal.indexOf('acknowledging') > journal.lastIndexOf('lot-stored'), 'the acknowledgement comes after every item is stored');
  t.deepEqual(journal.slice(-2), ['freed', 'sync-done']);
  t.like(w.db.syncRuns()[0], { outcome: 'done', terminalSerial: DEVICE.serial });
  // Progress: one item event per listed item, in order, ending at total.
  const items = events.filter((e) => e.phase === 'item');
  t.deepEqual(items.map((e) => e.done), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.true(items.every((e) => e.total === 10));
  t.deepEqual(events.map((e) => e.phase).filter((p) => p !== 'item'), ['identified', 'clock-set', 'listed', 'acknowledging', 'acknowledged']);

  // The next sync: the rejected FSE is seen again (held, same digest), reported, not acknowledged.
  const again = await syncTerminal(link.host, w.db, SYNC_OPTIONS);
  t.like(again, { fetched: 1, alreadyHeld: 1, stored: 0, acknowledged: [], freed: [] });
  t.deepEqual(again.rejected.map((r) => r.id), [51]);
  t.is(w.db.listFses().length, 8);
  await link.unplug();
  await w.close();
});

test('a sync cut during the lots, then again: nothing lost, nothing twice, everything acknowledged once held', async (t) => {
  let cutting = false;
  const w = await world({ line: (bytes) => (cutting ? null : bytes) });
  const first = await w.plug();
  // The line goes dead once the first lot is stored: the fetch of the second never arrives.
  const onProgress = (e: SyncProgress) => {
    if (e.phase === 'item' && e.kind === 'lot') {
      cutting = true;
      void first.hostPort.close();
    }
  };
  const error = await t.throwsAsync(syncTerminal(first.host, w.db, { ...SYNC_OPTIONS, onProgress }));
  t.true(isSyncError(error, 'link-failed') && error.disconnected, String(error));
  t.is((await w.store.listFses()).length, 8, 'nothing was freed: nothing was acknowledged');
  t.is(w.db.listFses().length, 8);
  t.is(w.db.listLots().length, 1);
  t.like(w.db.syncRuns()[0], { outcome: 'failed' });
  t.deepEqual(await invariantProblems(w.store, w.db, contents, verifies), []);
  cutting = false;
  const second = await w.plug();
  const summary = await syncTerminal(second.host, w.db, SYNC_OPTIONS);
  t.like(summary, { fetched: 10, alreadyHeld: 9, stored: 1, verified: 1 });
  t.deepEqual(summary.acknowledged, [11, 12, 13, 21, 22, 31, 41, ...LOTS]);
  t.deepEqual((await w.store.listFses()).map((f) => f.id), [51]);
  t.is(w.db.listFses().length, 8);
  t.is(w.db.listLots().length, 2);
  t.deepEqual(await invariantProblems(w.store, w.db, contents, verifies), []);
  await second.unplug();
  await w.close();
});

test('a terminal that re-used an invoice number: a conflict recorded with its bytes, never overwriting, never acknowledged', async (t) => {
  const w = await world();
  const link = await w.plug();
  await syncTerminal(link.host, w.db, SYNC_OPTIONS);
  // The terminal's memory was reset: FSE 31 again, for another fund (other bytes).
  await putFses(w.store, cards, [31], '691');
  const held = w.db.fseByInvoice(DEVICE.serial, 31)!;
  const summary = await syncTerminal(link.host, w.db, SYNC_OPTIONS);
  t.deepEqual(summary.conflicts, [{ kind: 'fse', id: 31, item: '31' }]);
  t.false(summary.acknowledged.includes(31));
  t.deepEqual((await w.store.listFses()).map((f) => f.id), [31, 51]);
  t.deepEqual(w.db.fseByInvoice(DEVICE.serial, 31), held, 'the FSE held is untouched');
  const [conflict] = w.db.listConflicts(DEVICE.serial);
  t.like(conflict, { kind: 'fse', item: '31', heldDigest: held.digest });
  t.deepEqual(conflict!.bytes, (await w.store.getFse(31)).bytes);
  await syncTerminal(link.host, w.db, SYNC_OPTIONS);
  t.is(w.db.listConflicts().length, 1, 'seen again, recorded once');
  await link.unplug();
  await w.close();
});

test('FSEs signed with a revoked CPS certificate are rejected with the reason, and so is their lot; the terminal keeps them', async (t) => {
  const garnier = await openCards('dr-garnier', 'pt-c2s');
  const w = await world();
  try {
    await putFses(w.store, garnier, [61, 62], '131');
    // dr-garnier signs both lots: 61 and 62 (131), and the tampered 51 (751, it parses): the lot's own certificate is checked first.
    t.is(await buildLots(w.store, garnier), 2);
    const link = await w.plug();
    const summary = await syncTerminal(link.host, w.db, SYNC_OPTIONS);
    t.deepEqual(summary.rejected.map((r) => [r.kind, r.reason]), [['fse', 'bad-signature'], ['fse', 'revoked-certificate'], ['fse', 'revoked-certificate'], ['lot', 'revoked-certificate'], ['lot', 'revoked-certificate']]);
    // 31 and 41 verify and are acknowledged, but they sit in the rejected lot: the terminal frees a lot's FSEs only with it.
    t.true(summary.acknowledged.includes(31) && summary.acknowledged.includes(41));
    t.deepEqual((await w.store.listFses()).map((f) => f.id), [31, 41, 51, 61, 62]);
    t.is((await w.store.listLots()).length, 2, 'both rejected lots stay on the terminal');
    // Without the CRL the same FSEs verify (the host trusts what it is told is revoked).
    const other = await hostDatabase(folder.dir, 'norevoke.db');
    const { revokedSerials: _, ...withoutCrl } = SYNC_OPTIONS;
    const free = await syncTerminal(link.host, other, withoutCrl);
    t.deepEqual(free.rejected.map((r) => [r.kind, r.reason]), [['fse', 'bad-signature'], ['lot', 'fse-rejected']]);
    other.close();
    await link.unplug();
  } finally {
    await garnier.close();
    await w.close();
  }
});

test('a busy terminal, a canceled sync, a terminal that answers off the point: typed errors, nothing acknowledged', async (t) => {
  const w = await world({ busy: () => true });
  const link = await w.plug();
  const busy = await t.throwsAsync(syncTerminal(link.host, w.db, SYNC_OPTIONS));
  t.true(isSyncError(busy, 'busy'), String(busy));
  await link.unplug();
  await w.close();

  const v = await world();
  const plugged = await v.plug();
  const controller = new AbortController();
  const canceled = await t.throwsAsync(syncTerminal(plugged.host, v.db, { ...SYNC_OPTIONS, signal: controller.signal, onProgress: (e) => void (e.phase === 'item' && e.done === 3 ? controller.abort() : undefined) }));
  t.true(isSyncError(canceled, 'canceled') && canceled.canceled, String(canceled));
  t.is(v.db.listFses().length, 3);
  t.is((await v.store.listFses()).length, 8);
  await plugged.unplug();
  await v.close();

  // A fake terminal: identity right, then an acknowledged answer to set-clock; another answers notFound to everything.
  const [hostPort, fakePort] = createMemoryLinkPair();
  const fake = openLink(fakePort);
  fake.onMessage((r) => (r.kind === 'identify' ? { kind: 'identity', ...DEVICE } : { kind: 'acknowledged', freed: [] }));
  const host = openLink(hostPort);
  const db = await hostDatabase(folder.dir, 'fake.db');
  const off = await t.throwsAsync(syncTerminal(host, db, SYNC_OPTIONS));
  t.true(isSyncError(off, 'protocol-error'), String(off));
  fake.onMessage((r) => (r.kind === 'identify' ? { kind: 'identity', ...DEVICE } : { kind: 'error', code: LINK_ERROR.internal, text: 'panne' }));
  const refused = await t.throwsAsync(syncTerminal(host, db, SYNC_OPTIONS));
  t.true(isSyncError(refused, 'terminal-refused'), String(refused));
  t.deepEqual(db.syncRuns().map((r) => r.outcome), ['failed', 'failed']);
  await host.close();
  db.close();
});

test('bad options are refused at once', async (t) => {
  const [hostPort] = createMemoryLinkPair();
  const host = openLink(hostPort);
  const db = await hostDatabase(folder.dir, 'options.db');
  await t.throwsAsync(syncTerminal(host, db, { ...SYNC_OPTIONS, utcOffsetMinutes: 900 }), { instanceOf: RangeError });
  await t.throwsAsync(syncTerminal(host, db, { ...SYNC_OPTIONS, ca: undefined as unknown as string }), { instanceOf: TypeError });
  await host.close();
  db.close();
});
