// The host takes a quarantined store over the link, then releases it:
// real store files in temp folders (a foreign SQLite database, garbage),
// the in-memory link pair with 64-byte reports, a typed host and a raw one.
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLinkPair, listQuarantined, openLink, openQuarantineArchive, openTerminalStore, type BootQuarantined, type Link } from '../../drivers/index.js';
import { hex, LINK_ERROR, LINK_MAX_QUARANTINE_CHUNK } from '../../protocol/index.js';
import { putAll, securedFseRecord } from '../lots/test-support.js';
import { serveHostLink } from './host-link-server.js';
import { QUARANTINED_TEXT, serveQuarantinedHostLink, type QuarantineRelease } from './quarantine-link.js';
import { openMemoryClock, openTerminalClock } from './terminal-clock.js';
import { baseClock, BUILT_IN_TARIFFS, DEVICE, makeForeign, raw, rawHost, takeQuarantine } from './test-support.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A store file that boots quarantined: a foreign SQLite database holding 300 FSEs (about 200 KB), or garbage. */
async function quarantinedStore(kind: 'foreign' | 'garbage'): Promise<BootQuarantined> {
  const path = join(mkdtempSync(join(tmpdir(), 'bifente-quarantine-')), 'terminal.db');
  if (kind === 'foreign') await makeForeign(path, (store) => putAll(store, Array.from({ length: 300 }, (_, i) => securedFseRecord(i + 1))));
  else writeFileSync(path, new Uint8Array(10_000).map((_, i) => (i * 31) & 0xff));
  const boot = await openTerminalStore(path, { capacity: 5000, clock: { now: () => 1_773_478_800_000 } });
  if (boot.boot !== 'quarantined') throw new Error('expected a quarantine');
  return boot;
}

/** A quarantined terminal on one end of an in-memory link, a typed host on the other. */
function plug(boot: BootQuarantined, onReleased?: (release: QuarantineRelease) => Promise<void>) {
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openLink(terminalPort);
  const base = baseClock(1_773_478_900_000);
  const clock = openMemoryClock(base);
  serveQuarantinedHostLink(terminal, { archive: openQuarantineArchive(boot.path), device: DEVICE, clock, ...(onReleased === undefined ? {} : { onReleased }) });
  const host: Link = openLink(hostPort, { requestTimeoutMs: 5000 });
  return { host, terminal, clock, terminalPort, close: async () => (await host.close(), await terminal.close()) };
}

test('a foreign store: the host lists it, fetches every file in 32 KiB chunks byte for byte, releases it with the next invoice number', async (t) => {
  const boot = await quarantinedStore('foreign');
  t.is(boot.quarantined.reason, 'foreign');
  const releases: QuarantineRelease[] = [];
  const c = plug(boot, async (r) => void releases.push(r));
  try {
    t.like(await c.host.request({ kind: 'identify' }), { kind: 'identity', ...DEVICE });
    const listed = await c.host.request({ kind: 'list-quarantined' });
    if (listed.kind !== 'quarantine-list') return t.fail(listed.kind);
    t.like(listed.quarantines, [{ id: 1, reason: 'foreign', at: 1_773_478_800_000, files: [{ name: 'terminal.db' }] }]);
    t.false('releasedAt' in listed.quarantines[0]!);
    const size = listed.quarantines[0]!.files[0]!.size;
    t.true(size > 4 * LINK_MAX_QUARANTINE_CHUNK, `${size} bytes: many chunks`);

    const first = await c.host.request({ kind: 'fetch-quarantined', id: 1, name: 'terminal.db', offset: 0, length: 65_535 });
    t.like(first, { kind: 'quarantined-chunk', id: 1, name: 'terminal.db', offset: 0, total: size });
    if (first.kind === 'quarantined-chunk') t.is(first.bytes.length, LINK_MAX_QUARANTINE_CHUNK, 'a longer length is cut to 32 KiB');
    const taken = await takeQuarantine(c.host, 1);
    for (const file of boot.quarantined.files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      t.is(sha256(taken.get(name)!), sha256(readFileSync(file)), `${name} identical`);
    }
    const end = await c.host.request({ kind: 'fetch-quarantined', id: 1, name: 'terminal.db', offset: size, length: 100 });
    t.like(end, { kind: 'quarantined-chunk', offset: size, total: size, bytes: new Uint8Array(0) });

    const released = await c.host.request({ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 42 });
    t.deepEqual(released, { kind: 'quarantine-released', requestId: released.requestId, id: 1, pending: 0 });
    t.like(releases, [{ entry: { id: '0001', nextInvoiceNumber: 42, releasedAt: 1_773_478_900_000 }, pending: 0 }]);
    t.like(listQuarantined(boot.path)[0], { releasedAt: 1_773_478_900_000, nextInvoiceNumber: 42 });
    const again = await c.host.request({ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 43 });
    t.like(again, { kind: 'error', code: LINK_ERROR.refused });
    t.is(releases.length, 1, 'a second release does nothing');
    const relisted = await c.host.request({ kind: 'list-quarantined' });
    t.like(relisted, { kind: 'quarantine-list', quarantines: [{ id: 1, releasedAt: 1_773_478_900_000 }] });
  } finally {
    await c.close();
  }
});

test('while quarantined: identify, set-clock (in memory) and the quarantine requests are answered; the rest is "memoire en quarantaine"', async (t) => {
  const boot = await quarantinedStore('garbage');
  const c = plug(boot);
  try {
    const set = await c.host.request({ kind: 'set-clock', epochMs: 1_773_500_000_000, utcOffsetMinutes: 60 });
    t.like(set, { kind: 'clock-set', previousEpochMs: 1_773_478_900_000 });
    t.is(c.clock.now(), 1_773_500_000_000);
    t.is(c.clock.utcOffsetMinutes(c.clock.now()), 60);
    for (const request of [
      { kind: 'list-fses' },
      { kind: 'fetch-fse', id: 1 },
      { kind: 'fetch-lot', id: 1 },
      { kind: 'acknowledge', ids: [1] },
      { kind: 'update-tariffs', version: 9, table: new Uint8Array(1) },
      { kind: 'read-event-log', from: 0, count: 1 },
    ] as const) {
      t.like(await c.host.request(request), { kind: 'error', code: LINK_ERROR.quarantined, text: QUARANTINED_TEXT }, request.kind);
    }
    t.like(await c.host.request({ kind: 'list-quarantined' }), { kind: 'quarantine-list', quarantines: [{ id: 1, reason: 'not-sqlite', files: [{ name: 'terminal.db', size: 10_000 }] }] });
  } finally {
    await c.close();
  }
});

test('a wrong release or fetch is an error answer and the store stays in quarantine', async (t) => {
  const boot = await quarantinedStore('garbage');
  writeFileSync(join(boot.path, '..', 'other.txt'), 'not the host\'s');
  const released: QuarantineRelease[] = [];
  const c = plug(boot, async (r) => void released.push(r));
  try {
    const rows = [
      [{ kind: 'release-quarantined', id: 2, nextInvoiceNumber: 42 }, LINK_ERROR.notFound],
      [{ kind: 'release-quarantined', id: 0, nextInvoiceNumber: 42 }, LINK_ERROR.notFound],
      [{ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 0 }, LINK_ERROR.badRequest],
      [{ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 1_000_000_000 }, LINK_ERROR.badRequest],
      [{ kind: 'fetch-quarantined', id: 2, name: 'terminal.db', offset: 0, length: 10 }, LINK_ERROR.notFound],
      [{ kind: 'fetch-quarantined', id: 1, name: '../other.txt', offset: 0, length: 10 }, LINK_ERROR.notFound],
      [{ kind: 'fetch-quarantined', id: 1, name: '../../terminal.db', offset: 0, length: 10 }, LINK_ERROR.notFound],
      [{ kind: 'fetch-quarantined', id: 1, name: 'quarantine.json', offset: 0, length: 10 }, LINK_ERROR.notFound],
      [{ kind: 'fetch-quarantined', id: 1, name: 'terminal.db', offset: 10_001, length: 10 }, LINK_ERROR.badRequest],
      [{ kind: 'fetch-quarantined', id: 0xffff_ffff, name: '', offset: 0xffff_ffff, length: 0 }, LINK_ERROR.notFound],
    ] as const;
    for (const [request, code] of rows) t.like(await c.host.request(request), { kind: 'error', code }, JSON.stringify(request));
    t.deepEqual(released, []);
    t.is(listQuarantined(boot.path)[0]?.releasedAt, undefined);
    t.like(await boot.reopen(), { boot: 'quarantined' }, 'still in quarantine');
  } finally {
    await c.close();
  }
});

test('raw bytes of the new kinds: cut, trailing or out-of-range fields get badRequest, then the server still answers', async (t) => {
  const boot = await quarantinedStore('garbage');
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openLink(terminalPort);
  serveQuarantinedHostLink(terminal, { archive: openQuarantineArchive(boot.path), device: DEVICE, clock: openMemoryClock({ now: () => 0 }) });
  const host = rawHost(hostPort);
  try {
    for (const [name, bytes] of [
      ['fetch-quarantined with its name cut', '0A 00 05 00 00 00 01 0B 74 65'],
      ['release-quarantined with a trailing byte', '0B 00 06 00 00 00 01 00 00 00 2A 00'],
      ['list-quarantined with a trailing byte', '09 00 07 00'],
      ['fetch-quarantined with a bad UTF-8 name', '0A 00 08 00 00 00 01 01 FF 00 00 00 00 00 0A'],
    ] as const) {
      const answer = await host.send(hex(bytes));
      t.like(answer, { kind: 'error', code: LINK_ERROR.badRequest }, name);
    }
    t.like(await host.send(raw({ kind: 'list-quarantined', requestId: 9 })), { kind: 'quarantine-list', requestId: 9 });
  } finally {
    await terminal.close();
  }
});

test('an open store still lists and serves its released quarantines; a release there is refused', async (t) => {
  const boot = await quarantinedStore('garbage');
  await openQuarantineArchive(boot.path).release('0001', { at: 5, nextInvoiceNumber: 7 });
  const opened = await boot.reopen();
  if (opened.boot !== 'ok') return t.fail('expected a store');
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openLink(terminalPort);
  serveHostLink(terminal, { store: opened.store, device: DEVICE, clock: await openTerminalClock({ now: () => 1_773_478_900_000 }, opened.store), tariffs: BUILT_IN_TARIFFS });
  const host = openLink(hostPort, { requestTimeoutMs: 5000 });
  try {
    t.like(await host.request({ kind: 'list-quarantined' }), { kind: 'quarantine-list', quarantines: [{ id: 1, releasedAt: 5 }] });
    t.is((await takeQuarantine(host, 1)).get('terminal.db')?.length, 10_000);
    t.like(await host.request({ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 9 }), { kind: 'error', code: LINK_ERROR.refused });
    t.like(await host.request({ kind: 'list-fses' }), { kind: 'fse-list', fses: [] });
  } finally {
    await host.close();
    await terminal.close();
    await opened.store.close();
  }
});
