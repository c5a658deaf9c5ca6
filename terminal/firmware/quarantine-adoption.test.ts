// A fresh store adopts the released quarantines: events and the invoice
// number to go on from, once, even after a power loss between the release
// and the reopening (real store files in temp folders).
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQuarantineArchive, openTerminalStore, type TerminalStore } from '../../drivers/index.js';
import { continueInvoicesFrom, INVOICE_SETTING, nextInvoiceNumber } from './invoice-counter.js';
import { ADOPTED_SETTING, adoptReleasedQuarantines } from './quarantine-adoption.js';
import { rig } from './test-support.js';

const clock = { now: () => 1_773_478_800_000 };

/** A garbage store file quarantined, released by the host with `next`, and the fresh store opened. */
async function releasedThenReopened(dir: string, next: number): Promise<TerminalStore> {
  const path = join(dir, 'terminal.db');
  writeFileSync(path, 'garbage, not a database'.repeat(20));
  const boot = await openTerminalStore(path, { capacity: 50, clock });
  if (boot.boot !== 'quarantined') throw new Error('expected a quarantine');
  await openQuarantineArchive(path).release('0001', { at: clock.now() + 1000, nextInvoiceNumber: next });
  const again = await boot.reopen();
  if (again.boot !== 'ok') throw new Error('expected a fresh store');
  return again.store;
}

test('adoption: two events, the counter set to go on from the host\'s number, once', async (t) => {
  const store = await releasedThenReopened(mkdtempSync(join(tmpdir(), 'bifente-adopt-')), 42);
  try {
    const archive = openQuarantineArchive(store.path);
    t.like(await adoptReleasedQuarantines(store, archive), [{ id: '0001', nextInvoiceNumber: 42 }]);
    t.deepEqual(await adoptReleasedQuarantines(store, archive), [], 'adopted once');
    const events = (await store.readEvents(0, 10)).entries;
    t.deepEqual(events.map((e) => [e.kind, e.at]), [['store.quarantined', clock.now()], ['store.quarantine-released', clock.now() + 1000]]);
    t.is(await store.getSetting(ADOPTED_SETTING), '["0001"]');
    t.is(await nextInvoiceNumber(store), 42);
  } finally {
    await store.close();
  }
});

test('continueInvoicesFrom never moves the counter back and refuses numbers outside 1..999,999,999', async (t) => {
  const settings = new Map<string, string | number | boolean>();
  const store = { getSetting: async (k: string) => settings.get(k), setSetting: async (k: string, v: string | number | boolean) => void settings.set(k, v) };
  await continueInvoicesFrom(store, 1);
  t.is(settings.get(INVOICE_SETTING), 0);
  settings.set(INVOICE_SETTING, 100);
  await continueInvoicesFrom(store, 42);
  t.is(settings.get(INVOICE_SETTING), 100, 'already further');
  await continueInvoicesFrom(store, 500);
  t.is(settings.get(INVOICE_SETTING), 499);
  for (const bad of [0, 1_000_000_000, 1.5, Number.NaN]) await t.throwsAsync(continueInvoicesFrom(store, bad), { instanceOf: RangeError }, String(bad));
});

test('a power loss between the release and the reopening: the next boot adopts the quarantine', async (t) => {
  const r = await rig({ boot: async (dir) => ({ boot: 'ok', store: await releasedThenReopened(dir, 77), created: true, migrated: [] }) });
  try {
    await r.until('idle', (s) => s.device === 'on.idle');
    t.is(r.firmware.state().storage, 'ok');
    t.is(await r.firmware.store!.getSetting(INVOICE_SETTING), 76);
    t.is((await r.firmware.store!.readEvents(0, 10)).total, 2);
  } finally {
    await r.close();
  }
});
