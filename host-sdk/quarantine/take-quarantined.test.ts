// The host takes a real quarantined store (test-support `corruptTerminal`:
// the standard terminal synced once, 2 more FSEs, then a 4 KiB page gone
// bad, so the next boot sets it aside as `corrupt`). The terminal side is
// its own quarantine server and, after the release, its host link server on
// the fresh store with the next invoice number adopted (`quarantinedTerminal`).
import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Link } from '../../drivers/index.js';
import { LINK_ERROR } from '../../protocol/index.js';
import { nextInvoiceNumber } from '../../terminal/index.js';
import { corruptTerminal, DEVICE, HOST_NOW, hostDatabase, openCards, putFses, quarantinedTerminal, SYNC_OPTIONS, tempFolder } from '../test-support.js';
import { isSyncError, nextInvoiceNumberAfterQuarantine, QUARANTINE_INVOICE_MARGIN, syncTerminal, takeQuarantinedStores, type QuarantineProgress } from '../index.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A host that synced the terminal once, then the terminal's store corrupted and booted in quarantine; closed with the test. */
async function quarantinedRig(t: ExecutionContext) {
  const folder = tempFolder();
  t.teardown(folder.remove);
  const cards = await openCards();
  t.teardown(() => cards.close());
  const { boot, db, originals } = await corruptTerminal(folder.dir, cards);
  t.teardown(() => db.close());
  const terminal = quarantinedTerminal(boot);
  t.teardown(() => terminal.close());
  return { folder, cards, db, originals, terminal };
}

test.serial('a corrupt store: every file taken byte for byte, recorded, released once with highest + 1 + margin; the terminal captures again from it', async (t) => {
  t.timeout(60_000);
  const { folder, cards, db, originals, terminal } = await quarantinedRig(t);
  const { host } = await terminal.plug();

  t.is(db.quarantines.highestInvoiceNumber(DEVICE.serial), 51);
  const quarantineDir = join(folder.dir, 'quarantine');
  const events: QuarantineProgress['phase'][] = [];
  const summary = await syncTerminal(host, db, { ...SYNC_OPTIONS, quarantineFolder: quarantineDir, onProgress: (e) => void (e.phase.startsWith('quarantine') && events.push(e.phase as QuarantineProgress['phase'])) });
  const expected = 51 + 1 + QUARANTINE_INVOICE_MARGIN;
  t.is(nextInvoiceNumberAfterQuarantine(51), expected);
  t.like(summary.quarantine?.quarantines, [{ id: 1, reason: 'corrupt', outcome: 'taken', nextInvoiceNumber: expected }]);
  t.deepEqual(summary.listed, { fses: 0, lots: 0 }, 'the fresh store is empty');
  t.deepEqual(terminal.state.releases, [{ id: '0001', nextInvoiceNumber: expected }], 'released once, with the rule\'s number');
  t.is(events[0], 'quarantine-listed');
  t.true(events.filter((e) => e === 'quarantine-chunk').length > originals.size, 'a file over 32 KiB, in several chunks');
  t.deepEqual(events.slice(-2), ['quarantine-recorded', 'quarantine-released'], 'recorded before released');

  const folderOf = join(quarantineDir, DEVICE.serial, '0001');
  t.deepEqual(readdirSync(folderOf).sort(), [...originals.keys()].sort(), 'every file, no .part left');
  for (const [name, digest] of originals) t.is(sha256(readFileSync(join(folderOf, name))), digest, `${name} identical`);
  const record = db.quarantines.get(DEVICE.serial, 1);
  t.like(record, { reason: 'corrupt', folder: folderOf, released: { nextInvoiceNumber: expected, at: HOST_NOW } });
  t.deepEqual(new Map(record!.files.map((f) => [f.name, f.sha256])), originals);

  // The terminal captures again, from the number the host sent; the next sync takes it and no quarantine is touched.
  const store = terminal.state.store!;
  t.is(await nextInvoiceNumber(store), expected);
  await putFses(store, cards, [expected]);
  const next = await syncTerminal(host, db, { ...SYNC_OPTIONS, quarantineFolder: quarantineDir });
  t.is(next.quarantine, undefined);
  t.deepEqual(next.acknowledged, [expected]);
  t.is(terminal.state.releases.length, 1, 'never released twice');
});

test.serial('without a quarantine folder the sync stops with `quarantined`; the link cut mid-fetch, then a run that completes; a host stopped between record and release releases on the next run', async (t) => {
  t.timeout(60_000);
  const { folder, db, originals, terminal } = await quarantinedRig(t);
  const quarantineDir = join(folder.dir, 'quarantine');
  const options = { folder: quarantineDir, now: () => HOST_NOW };

  const first = await terminal.plug();
  const stopped = await syncTerminal(first.host, db, SYNC_OPTIONS).catch((error: unknown) => error);
  t.true(isSyncError(stopped, 'quarantined'), String(stopped));

  // Cut after the second chunk: nothing recorded, nothing released; a file under its own name is whole.
  let chunks = 0;
  const cut = await takeQuarantinedStores(first.host, db, { ...options, onProgress: (e) => void (e.phase === 'quarantine-chunk' && ++chunks === 2 && first.cut()) }).catch((error: unknown) => error);
  t.true(isSyncError(cut, 'link-failed'), String(cut));
  t.is(db.quarantines.get(DEVICE.serial, 1), undefined);
  t.deepEqual(terminal.state.releases, []);
  const folderOf = join(quarantineDir, DEVICE.serial, '0001');
  const partial = readdirSync(folderOf);
  t.true(partial.some((name) => name.endsWith('.part')), partial.join());
  for (const name of partial.filter((n) => !n.endsWith('.part'))) t.is(sha256(readFileSync(join(folderOf, name))), originals.get(name) ?? 'not listed', `${name} whole`);

  // Stopped right after the record (as a host killed there): recorded, not released.
  const second = await terminal.plug();
  const killed = await takeQuarantinedStores(second.host, db, { ...options, onProgress: (e) => void (e.phase === 'quarantine-recorded' && second.cut()) }).catch((error: unknown) => error);
  t.true(isSyncError(killed, 'link-failed'), String(killed));
  t.like(db.quarantines.get(DEVICE.serial, 1), { released: undefined });
  t.deepEqual(terminal.state.releases, []);
  for (const [name, digest] of originals) t.is(sha256(readFileSync(join(folderOf, name))), digest, `${name} identical after the cut`);

  const third = await terminal.plug();
  let fetched = 0;
  const done = await takeQuarantinedStores(third.host, db, { ...options, onProgress: (e) => void (e.phase === 'quarantine-chunk' && fetched++) });
  t.is(fetched, 0, 'recorded: not fetched again');
  t.like(done.quarantines, [{ id: 1, outcome: 'released', nextInvoiceNumber: 51 + 1 + QUARANTINE_INVOICE_MARGIN }]);
  t.is(terminal.state.releases.length, 1);
  const again = await takeQuarantinedStores(third.host, db, options);
  t.like(again.quarantines, [{ id: 1, outcome: 'done' }]);
  t.is(terminal.state.releases.length, 1, 'never released twice');
});

test.serial('a release that got through while its answer was lost: not recorded; the next run, on a list that does not show it yet, gets `refused` and records it as done', async (t) => {
  t.timeout(60_000);
  const { folder, db, terminal } = await quarantinedRig(t);
  const options = { folder: join(folder.dir, 'quarantine'), now: () => HOST_NOW };
  const expected = 51 + 1 + QUARANTINE_INVOICE_MARGIN;

  // The host's release reaches the terminal, the answer never comes back.
  const first = await terminal.plug();
  const realRequest = first.host.request.bind(first.host);
  const lossy: Link = { ...first.host, request: async (body, opts) => {
    const answer = await realRequest(body, opts);
    if (body.kind === 'release-quarantined') await first.cut();
    return body.kind === 'release-quarantined' ? realRequest(body, opts) : answer;
  } };
  const lost = await takeQuarantinedStores(lossy, db, options).catch((error: unknown) => error);
  t.true(isSyncError(lost, 'link-failed'), String(lost));
  t.deepEqual(terminal.state.releases, [{ id: '0001', nextInvoiceNumber: expected }]);
  t.like(db.quarantines.get(DEVICE.serial, 1), { released: undefined });

  // A stale list (the release not seen yet): the terminal answers `refused`, the host records it as done.
  const second = await terminal.plug();
  const stale = await second.host.request({ kind: 'list-quarantined' });
  if (stale.kind !== 'quarantine-list') return t.fail(stale.kind);
  const staleList = { ...stale, quarantines: stale.quarantines.map(({ releasedAt: _, ...q }) => q) };
  const staleLink: Link = { ...second.host, request: (body, opts) => (body.kind === 'list-quarantined' ? (Promise.resolve(staleList) as never) : second.host.request(body, opts)) };
  const refused = await takeQuarantinedStores(staleLink, db, options);
  t.like(refused.quarantines, [{ id: 1, outcome: 'released-before', nextInvoiceNumber: expected }]);
  t.like(db.quarantines.get(DEVICE.serial, 1), { released: { nextInvoiceNumber: expected } });
  t.is(terminal.state.releases.length, 1);
  t.like(await second.host.request({ kind: 'release-quarantined', id: 1, nextInvoiceNumber: expected }), { kind: 'error', code: LINK_ERROR.refused }, 'the terminal refuses a second release');
});

test.serial('a quarantine another PC took and released: `released-elsewhere` for this host, nothing fetched, recorded or released', async (t) => {
  t.timeout(60_000);
  const { folder, db, terminal } = await quarantinedRig(t);
  const { host } = await terminal.plug();
  await syncTerminal(host, db, { ...SYNC_OPTIONS, quarantineFolder: join(folder.dir, 'quarantine-a') });
  t.is(terminal.state.releases.length, 1);

  const other = await hostDatabase(folder.dir, 'host-b.db');
  t.teardown(() => other.close());
  const folderB = join(folder.dir, 'quarantine-b');
  let chunks = 0;
  const summary = await takeQuarantinedStores(host, other, { folder: folderB, now: () => HOST_NOW, onProgress: (e) => void (e.phase === 'quarantine-chunk' && chunks++) });
  t.like(summary.quarantines, [{ id: 1, reason: 'corrupt', outcome: 'released-elsewhere', files: [] }]);
  t.is(summary.quarantines[0]!.folder, undefined);
  t.is(chunks, 0, 'nothing fetched');
  t.is(other.quarantines.get(DEVICE.serial, 1), undefined, 'nothing recorded here');
  t.is(terminal.state.releases.length, 1, 'no second release');
});
