import test from 'ava';
import { X509Certificate, verify } from 'node:crypto';
import { createMemoryLinkPair, openLink, type Link, type TerminalStore } from '../../drivers/index.js';
import { hex, LINK_ERROR, parseSecuredFse, parseSignedLot, signedLotCheck, toHex, type LinkFseEntry, sha256, LOT_LINK_FLAG } from '../../protocol/index.js';
import { tempStore } from '../lots/test-support.js';
import { MAX_EVENT_PAGE, serveHostLink } from './host-link-server.js';
import { encodeTariffTable, loadTariffs } from './tariffs-in-force.js';
import { openTerminalClock } from './terminal-clock.js';
import { baseClock, BUILT_IN_TARIFFS, connect, DEVICE, fillTerminal, raw, rawHost, TARIFFS_JSON } from './test-support.js';

async function list(host: Link): Promise<LinkFseEntry[]> {
  const answer = await host.request({ kind: 'list-fses' });
  if (answer.kind !== 'fse-list') throw new Error(`list-fses answered ${answer.kind}`);
  return [...answer.fses];
}

async function fetchBytes(host: Link, id: number): Promise<Uint8Array> {
  const answer = await host.request({ kind: id >= LOT_LINK_FLAG ? 'fetch-lot' : 'fetch-fse', id });
  if (answer.kind !== 'fse' && answer.kind !== 'lot') throw new Error(`fetch ${id} answered ${answer.kind}: ${answer.kind === 'error' ? answer.text : ''}`);
  return answer.bytes;
}

const held = async (store: TerminalStore) => ({ fses: (await store.listFses()).map((f) => f.id), lots: (await store.listLots()).map((l) => l.id) });

test('a full sync: identify, set the clock, list, fetch and verify everything, acknowledge, all freed', async (t) => {
  const store = await tempStore();
  await fillTerminal(store);
  const base = baseClock(1_773_478_800_000);
  const c = await connect(store, { base });
  t.deepEqual(await c.host.request({ kind: 'identify' }), { kind: 'identity', requestId: 1, ...DEVICE });

  const hostNow = 1_773_480_000_000;
  const set = await c.host.request({ kind: 'set-clock', epochMs: hostNow, utcOffsetMinutes: 60 });
  t.deepEqual(set, { kind: 'clock-set', requestId: 2, previousEpochMs: 1_773_478_800_000 });
  base.advance(5000);
  t.is(c.clock.now(), hostNow + 5000, 'terminal clock = base + offset');
  t.is(c.clock.utcOffsetMinutes(c.clock.now()), 60);
  const reopened = await openTerminalClock(base, store);
  t.is(reopened.now(), hostNow + 5000, 'the offset survives a reboot (settings)');

  const items = await list(c.host);
  const lotIds = items.filter((i) => i.id >= LOT_LINK_FLAG).map((i) => i.id);
  const fseIds = items.filter((i) => i.id < LOT_LINK_FLAG).map((i) => i.id);
  t.deepEqual(fseIds, [11, 12, 13, 21, 22, 31, 41]);
  t.is(lotIds.length, 2);
  t.true(items.every((i) => i.state === 'pending' && i.size > 0));

  const fseBytes = new Map<number, Uint8Array>();
  for (const id of fseIds) {
    const bytes = await fetchBytes(c.host, id);
    const parsed = parseSecuredFse(bytes);
    t.true(parsed.ok, `FSE ${id} parses`);
    if (parsed.ok) t.is(parsed.value.fse.invoiceNumber, id);
    t.is(bytes.length, items.find((i) => i.id === id)!.size);
    fseBytes.set(id, bytes);
  }
  const inLots: number[] = [];
  for (const id of lotIds) {
    const parsed = parseSignedLot(await fetchBytes(c.host, id));
    t.true(parsed.ok, `lot ${id} parses`);
    if (!parsed.ok) continue;
    const check = signedLotCheck(parsed.value);
    t.true(verify('sha256', check.data, new X509Certificate(check.certificate).publicKey, check.signature), 'the lot signature verifies');
    for (const entry of parsed.value.lot.fses) {
      t.is(toHex(entry.digest), toHex(sha256(fseBytes.get(entry.invoiceNumber)!)), `lot entry ${entry.invoiceNumber} is the fetched FSE`);
      inLots.push(entry.invoiceNumber);
    }
  }
  t.deepEqual(inLots.sort((a, b) => a - b), [11, 12, 13, 21, 22]);
  t.true((await list(c.host)).every((i) => i.state === 'fetched'), 'everything fetched');
  t.deepEqual(await held(store), { fses: fseIds, lots: lotIds.map((id) => id - LOT_LINK_FLAG) }, 'fetching frees nothing');

  const lone = fseIds.filter((id) => !inLots.includes(id));
  const acked = await c.host.request({ kind: 'acknowledge', ids: [...lotIds, ...lone] });
  t.is(acked.kind, 'acknowledged');
  if (acked.kind === 'acknowledged') t.deepEqual([...acked.freed].sort((a, b) => a - b), [...fseIds, ...lotIds].sort((a, b) => a - b));
  t.deepEqual(await held(store), { fses: [], lots: [] });
  t.deepEqual(await list(c.host), []);

  const log = await c.host.request({ kind: 'read-event-log', from: 0, count: 100 });
  t.is(log.kind, 'event-log');
  if (log.kind === 'event-log') t.deepEqual(log.entries.map((e) => e.code), [0x0101, 0x0103], 'clock set, then acknowledged');
  await c.close();
  await store.close();
});

test('a link cut in the middle of a fetch, then plugged again: nothing lost, nothing freed before the acknowledgement', async (t) => {
  const store = await tempStore();
  await fillTerminal(store);
  const before = await held(store);
  const first = await connect(store);
  const items = await list(first.host);
  await fetchBytes(first.host, items[0]!.id);
  const cut = first.host.request({ kind: 'fetch-lot', id: items.find((i) => i.id >= LOT_LINK_FLAG)!.id });
  await first.terminal.close(); // the cable is pulled while the lot travels
  const error = await t.throwsAsync(cut);
  t.regex(error?.message ?? '', /closed|went away|restarted/);
  t.deepEqual(await held(store), before, 'nothing freed');

  const second = await connect(store);
  const again = await list(second.host);
  t.deepEqual(again.map((i) => i.id), items.map((i) => i.id), 'every item still listed');
  const lotIds = again.filter((i) => i.id >= LOT_LINK_FLAG).map((i) => i.id);
  const firstLot = parseSignedLot(await fetchBytes(second.host, lotIds[0]!));
  t.true(firstLot.ok);
  const fseOfOtherLot = lotIds[1]! - LOT_LINK_FLAG;
  const otherFses = (await store.getLot(fseOfOtherLot)).fseIds;
  const partial = await second.host.request({ kind: 'acknowledge', ids: [lotIds[0]!, otherFses[0]!] });
  t.is(partial.kind, 'acknowledged');
  const firstLotFses = firstLot.ok ? firstLot.value.lot.fses.map((e) => e.invoiceNumber) : [];
  if (partial.kind === 'acknowledged') t.deepEqual([...partial.freed].sort((a, b) => a - b), [...firstLotFses, lotIds[0]!], 'only the acknowledged lot and its FSEs; an FSE of an unacknowledged lot stays');
  const after = await held(store);
  t.deepEqual(after.lots, [fseOfOtherLot]);
  t.true(otherFses.every((id) => after.fses.includes(id)));
  await second.close();
  await store.close();
});

test('hostile and bad requests get error answers with a code, and the server goes on', async (t) => {
  const store = await tempStore();
  await fillTerminal(store);
  const c = await connect(store);
  const expectError = async (request: Parameters<Link['request']>[0], code: number, what: string) => {
    const answer = await c.host.request(request);
    t.is(answer.kind, 'error', what);
    if (answer.kind === 'error') {
      t.is(answer.code, code, what);
      t.true(new TextEncoder().encode(answer.text).length <= 255, what);
    }
  };
  await expectError({ kind: 'fetch-fse', id: 0 }, LINK_ERROR.notFound, 'FSE 0');
  await expectError({ kind: 'fetch-fse', id: 0xffff_ffff }, LINK_ERROR.notFound, 'FSE 2^32-1');
  await expectError({ kind: 'fetch-fse', id: 999 }, LINK_ERROR.notFound, 'unknown FSE');
  await expectError({ kind: 'fetch-lot', id: 0 }, LINK_ERROR.notFound, 'lot 0');
  await expectError({ kind: 'fetch-lot', id: LOT_LINK_FLAG + 77 }, LINK_ERROR.notFound, 'unknown lot');
  await expectError({ kind: 'update-tariffs', version: 2, table: hex('FF FE 00') }, LINK_ERROR.badRequest, 'not UTF-8');
  await expectError({ kind: 'update-tariffs', version: 2, table: new TextEncoder().encode('{"tables": [') }, LINK_ERROR.badRequest, 'not JSON');
  await expectError({ kind: 'update-tariffs', version: 2, table: encodeTariffTable({ tables: [] }) }, LINK_ERROR.badRequest, 'an empty book');
  await expectError({ kind: 'update-tariffs', version: 0, table: encodeTariffTable(TARIFFS_JSON) }, LINK_ERROR.refused, 'an older version');
  t.is((await loadTariffs(store, BUILT_IN_TARIFFS)).version, 1, 'refused tables change nothing');

  const updated = await c.host.request({ kind: 'update-tariffs', version: 7, table: encodeTariffTable(TARIFFS_JSON) });
  t.deepEqual(updated, { kind: 'tariffs-updated', requestId: updated.requestId, version: 7 });
  t.is(c.server.tariffs.version, 7);
  t.is((await loadTariffs(store, BUILT_IN_TARIFFS)).version, 7, 'kept in the store');

  const ack = await c.host.request({ kind: 'acknowledge', ids: [0, 999, 0xffff_ffff, LOT_LINK_FLAG, 11] });
  t.deepEqual(ack.kind === 'acknowledged' ? ack.freed : ack, [], 'unknown ids and an FSE of an unacknowledged lot free nothing');
  const page = await c.host.request({ kind: 'read-event-log', from: 0, count: 65_535 });
  t.true(page.kind === 'event-log' && page.entries.length <= MAX_EVENT_PAGE);
  const beyond = await c.host.request({ kind: 'read-event-log', from: 0xffff_ffff, count: 10 });
  t.true(beyond.kind === 'event-log' && beyond.entries.length === 0);
  const lateClock = await c.host.request({ kind: 'set-clock', epochMs: 2 ** 53 - 1, utcOffsetMinutes: -840 });
  t.is(lateClock.kind, 'clock-set', 'the latest time the link carries is taken');
  t.is(c.clock.now(), 2 ** 53 - 1);
  t.is((await list(c.host)).length, 9, 'nothing lost');
  await c.close();
  await store.close();
});

test('raw bytes: an unknown type, a truncated request, trailing bytes: error answers, then the server still answers', async (t) => {
  const store = await tempStore();
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openLink(terminalPort);
  serveHostLink(terminal, { store, device: DEVICE, clock: await openTerminalClock({ now: () => 0 }, store), tariffs: BUILT_IN_TARIFFS });
  const host = rawHost(hostPort);
  const rows: [string, string, number][] = [
    ['unknown type 0C', '0C 00 05', LINK_ERROR.unknownRequest],
    ['fetch-fse without its id', '04 00 06 00 00', LINK_ERROR.badRequest],
    ['identify with trailing bytes', '01 00 07 FF', LINK_ERROR.badRequest],
    ['set-clock beyond ±840 minutes', '02 00 08 00 00 00 00 00 00 00 01 03 49', LINK_ERROR.badRequest],
  ];
  for (const [name, bytes, code] of rows) {
    const answer = await host.send(hex(bytes));
    t.is(answer.kind, 'error', name);
    if (answer.kind === 'error') t.is(answer.code, code, name);
    t.is(answer.requestId, parseInt(bytes.slice(3, 8).replace(' ', ''), 16), `${name}: the request id is echoed`);
  }
  const identity = await host.send(raw({ kind: 'identify', requestId: 9 }));
  t.is(identity.kind, 'identity');
  await terminal.close();
  await store.close();
});

test('busy: a card operation in progress refuses every request but identify', async (t) => {
  const store = await tempStore();
  let busy = true;
  const c = await connect(store, { busy: () => busy });
  t.is((await c.host.request({ kind: 'identify' })).kind, 'identity');
  const refused = await c.host.request({ kind: 'list-fses' });
  t.true(refused.kind === 'error' && refused.code === LINK_ERROR.busy);
  busy = false;
  t.is((await c.host.request({ kind: 'list-fses' })).kind, 'fse-list');
  await c.close();
  await store.close();
});
