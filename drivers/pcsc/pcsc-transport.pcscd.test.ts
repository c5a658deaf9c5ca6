// The PC/SC transport against real pcscd + vsmartcard's vpcd, with the
// emulator's CPS and Vitale served as vpcd clients. Holds the machine-wide
// vpcd readers lock; skips, with the reason in every title, where pcscd,
// vpcd or pcsclite are missing.
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePcscd, lockVpcdReaders, releasePcscd, type VpcdClient } from '../../emulator/index.js';
import { hex, toHex } from '../../protocol/index.js';
import { DriverError, isDriverError } from '../core/errors.js';
import type { ReaderTransport } from '../core/transport.js';
import { createPcscTransport } from './pcsc-transport.js';
import { cardShown, missingPcsc, nextEvent, openFds, PORT0, PORT1, READER0, READER1, serveCard } from './test-support.js';

const run = promisify(execFile);
const missing = await missingPcsc();
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);

const SELECT_MF = hex('00 A4 00 0C 02 3F 00');
const SELECT_VITALE = hex('00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45');
const READ_BINARY = hex('00 B0 82 00 00');
const BOTH = { share: 'shared', protocols: ['T=0', 'T=1'] } as const;

let unlock: () => void = () => undefined;
let cps: { client: VpcdClient; atr: Uint8Array } | undefined;
let transport: ReaderTransport;

if (missing.length === 0) {
  test.before(async () => {
    unlock = await lockVpcdReaders({ timeoutMs: 120_000 });
    await ensurePcscd();
    cps = await serveCard('cps', PORT0);
    transport = createPcscTransport();
    await cardShown(transport, READER0);
  });
  test.after.always(async () => {
    await transport?.close();
    await cps?.client.stop();
    await releasePcscd();
    unlock();
  });
}

real(title('list() names both vpcd readers with card presence: the CPS in 00 00, 00 01 empty'), async (t) => {
  const readers = await transport.list();
  t.deepEqual(
    readers.filter((r) => r.name.startsWith('Virtual PCD')),
    [
      { name: READER0, cardPresent: true },
      { name: READER1, cardPresent: false },
    ],
  );
});

real(title('watch() sees the Vitale inserted (with its ATR) and removed when its vpcd client starts and stops'), async (t) => {
  const inserted = nextEvent(transport, 'card.inserted in 00 01', (e) => e.type === 'card.inserted' && e.reader === READER1);
  const vitale = await serveCard('vitale', PORT1);
  try {
    const event = await inserted;
    t.is(event.type === 'card.inserted' ? toHex(event.atr) : '', toHex(vitale.atr));
    t.true((await transport.list()).some((r) => r.name === READER1 && r.cardPresent));
  } finally {
    const removed = nextEvent(transport, 'card.removed in 00 01', (e) => e.type === 'card.removed' && e.reader === READER1);
    await vitale.client.stop();
    t.like(await removed, { type: 'card.removed', reader: READER1 });
  }
});

real(title('a watcher added later hears the readers and cards that are there (reader.added, card.inserted)'), async (t) => {
  const second = createPcscTransport();
  try {
    const events: string[] = [];
    second.watch((e) => events.push(`${e.type} ${'reader' in e ? e.reader : ''}`));
    await cardShown(second, READER0);
    t.true(events.includes(`reader.added ${READER0}`));
    t.true(events.includes(`card.inserted ${READER0}`));
    t.false(events.includes(`card.inserted ${READER1}`));
  } finally {
    await second.close();
  }
});

real(title('open + transmit: the CPS answers SELECT MF with 9000; ATR, protocol, chainsResponses false'), async (t) => {
  const port = await transport.open(READER0, BOTH);
  try {
    t.is(toHex(port.atr), toHex(cps!.atr));
    t.true(port.protocol === 'T=0' || port.protocol === 'T=1');
    t.false(port.chainsResponses);
    const response = await port.transmit(SELECT_MF);
    t.is(toHex(response.subarray(-2)), '9000');
  } finally {
    await port.close('leave');
  }
});

real(title('open() of an unknown reader is not-found, of an empty reader no-card; two ports on one reader through one transport both work'), async (t) => {
  t.like(await t.throwsAsync(transport.open('No Such Reader', BOTH)), { code: 'not-found' });
  t.like(await t.throwsAsync(transport.open(READER1, BOTH)), { code: 'no-card' });
  const first = await transport.open(READER0, BOTH);
  const second = await transport.open(READER0, BOTH);
  try {
    t.is(toHex((await first.transmit(SELECT_MF)).subarray(-2)), '9000');
    t.is(toHex((await second.transmit(SELECT_MF)).subarray(-2)), '9000');
  } finally {
    await first.close('leave');
    await second.close('leave');
  }
  t.throws(() => transport.open(READER0, { share: 'shared', protocols: [] }), { instanceOf: RangeError });
});

real(title('exclusive vs shared across two transports: sharing-violation while one holds the card exclusively, both fine when shared'), async (t) => {
  const other = createPcscTransport();
  try {
    const exclusive = await transport.open(READER0, { share: 'exclusive', protocols: ['T=0', 'T=1'] });
    const refused = await t.throwsAsync(other.open(READER0, BOTH));
    t.true(isDriverError(refused, 'sharing-violation'), String(refused));
    await exclusive.close('leave');
    const a = await transport.open(READER0, BOTH);
    const b = await other.open(READER0, BOTH);
    t.is(toHex((await a.transmit(SELECT_MF)).subarray(-2)), '9000');
    t.is(toHex((await b.transmit(SELECT_MF)).subarray(-2)), '9000');
    await a.close('leave');
    await b.close('leave');
  } finally {
    await other.close();
  }
});

real(title('transactions: in-process lock; the other session gets sharing-violation, its beginTransaction waits for endTransaction'), async (t) => {
  const other = createPcscTransport();
  const a = await transport.open(READER0, BOTH);
  const b = await other.open(READER0, BOTH);
  try {
    await a.beginTransaction();
    t.like(await t.throwsAsync(b.transmit(SELECT_MF)), { code: 'sharing-violation' });
    let granted = false;
    const waiting = b.beginTransaction().then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 50));
    t.false(granted);
    t.is(toHex((await a.transmit(SELECT_MF)).subarray(-2)), '9000');
    await a.endTransaction('leave');
    await waiting;
    t.true(granted);
    t.is(toHex((await b.transmit(SELECT_MF)).subarray(-2)), '9000');
    await b.endTransaction('leave');
  } finally {
    await a.close('leave');
    await b.close('leave');
    await other.close();
  }
});

real(title('reset() and reset("unpower") reconnect and give the ATR; the card answers after'), async (t) => {
  const port = await transport.open(READER0, BOTH);
  try {
    t.is(toHex(await port.reset('reset')), toHex(cps!.atr));
    t.is(toHex((await port.transmit(SELECT_MF)).subarray(-2)), '9000');
    t.is(toHex(await port.reset('unpower')), toHex(cps!.atr));
    t.is(toHex((await port.transmit(SELECT_MF)).subarray(-2)), '9000');
  } finally {
    await port.close('reset');
  }
});

real(title('an aborted transmit rejects canceled at once; the port works after'), async (t) => {
  const port = await transport.open(READER0, BOTH);
  try {
    const controller = new AbortController();
    controller.abort();
    t.like(await t.throwsAsync(port.transmit(SELECT_MF, { signal: controller.signal })), { code: 'canceled', canceled: true });
    t.is(toHex((await port.transmit(SELECT_MF)).subarray(-2)), '9000');
  } finally {
    await port.close('leave');
  }
});

real(title('the Vitale pulled while a slow READ BINARY is pending inside a transaction: card-removed, then no-card'), async (t) => {
  const vitale = await serveCard('vitale', PORT1, { faults: [{ trigger: { ins: 'B0' }, action: { kind: 'delay', ms: 3000 }, times: 'unlimited' }] });
  try {
    await cardShown(transport, READER1);
    const port = await transport.open(READER1, BOTH);
    await port.beginTransaction();
    // PC/SC leaves GET RESPONSE to the host: the Vitale's 61XX comes through as is.
    t.regex(toHex((await port.transmit(SELECT_VITALE)).subarray(-2)), /^(61|90)/);
    const pending = port.transmit(READ_BINARY);
    setTimeout(() => void vitale.client.stop(), 200);
    const error = await t.throwsAsync(pending);
    t.true(isDriverError(error, 'card-removed'), String(error));
    t.true((error as DriverError).disconnected);
    t.like(await t.throwsAsync(port.transmit(SELECT_VITALE)), { code: 'card-removed' });
    await port.close('leave');
    await cardShown(transport, READER1, false);
    t.like(await t.throwsAsync(transport.open(READER1, BOTH)), { code: 'no-card' });
  } finally {
    await vitale.client.stop();
  }
});

real(title('close() rejects a pending call with closed and is idempotent; calls after close reject closed'), async (t) => {
  const vitale = await serveCard('vitale', PORT1, { faults: [{ trigger: { ins: 'B0' }, action: { kind: 'delay', ms: 800 } }] });
  try {
    await cardShown(transport, READER1);
    const port = await transport.open(READER1, BOTH);
    await port.transmit(SELECT_VITALE);
    const pending = port.transmit(READ_BINARY);
    const closing = port.close('leave');
    t.like(await t.throwsAsync(pending), { code: 'closed' });
    await closing;
    await port.close('leave');
    t.like(await t.throwsAsync(port.transmit(SELECT_VITALE)), { code: 'closed' });
  } finally {
    await vitale.client.stop();
  }
});

real(title('2,000 open/transmit/close cycles: file descriptors and active resources do not grow'), async (t) => {
  const warm = await transport.open(READER0, BOTH);
  await warm.close('leave');
  const fds = openFds();
  const resources = process.getActiveResourcesInfo().length;
  for (let i = 0; i < 2000; i++) {
    const port = await transport.open(READER0, BOTH);
    await port.transmit(SELECT_MF);
    await port.close('leave');
  }
  // Earlier tests' extra contexts may be garbage-collected meanwhile: the count must not grow.
  t.true(openFds() <= fds, `fds: ${fds} before, ${openFds()} after`);
  t.true(process.getActiveResourcesInfo().length <= resources);
});

real(title('a process that lists, watches, opens and closes exits by itself (every pcsclite thread and handle released)'), async (t) => {
  const script = fileURLToPath(new URL('./exit-check.fixture.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import=tsx', script, READER0], { timeout: 20_000 });
  t.regex(stdout, /^opened .*; closed$/m);
});
