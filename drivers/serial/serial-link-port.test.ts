// The serial link port against real pseudo-terminals (socat) and the real
// serialport binding: open errors, unplug, leaks. The byte-moving behaviour
// shared by every link port is in test-vectors/conformance/link.test.ts.
import test from 'ava';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, socatMissing } from '../../scripts/pty/pty-pair.js';
import { isDriverError } from '../core/errors.js';
import type { LinkPort, LinkPortEvent } from '../core/link-port.js';
import { listSerialPorts } from './list-serial-ports.js';
import { openSerialLinkPort } from './serial-link-port.js';

const missing = socatMissing();
const pty = missing === undefined ? test : test.skip;
const title = (what: string): string => (missing === undefined ? what : `${what} [skipped: ${missing}]`);

function closedEvent(port: LinkPort): Promise<LinkPortEvent & { type: 'closed' }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no closed event within 5 s')), 5000);
    port.onEvent((event) => {
      if (event.type === 'closed') {
        clearTimeout(timer);
        resolve(event);
      }
    });
  });
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

test('bad arguments throw synchronously', (t) => {
  t.throws(() => openSerialLinkPort(''), { instanceOf: TypeError });
  t.throws(() => openSerialLinkPort('/dev/ttyACM0', { baudRate: 0 }), { instanceOf: RangeError });
  t.throws(() => openSerialLinkPort('/dev/ttyACM0', { writeTimeoutMs: -1 }), { instanceOf: RangeError });
});

test('a missing device is not-found, with the path and what to check', async (t) => {
  const error = await t.throwsAsync(openSerialLinkPort('/dev/ttyACM-bifente-none'));
  t.true(isDriverError(error, 'not-found'), String(error));
  t.regex(error?.message ?? '', /no serial device at \/dev\/ttyACM-bifente-none: is the terminal plugged in/);
  t.truthy(error?.cause, 'the binding error is kept as cause');
});

test('a device that is not a tty is not-supported', async (t) => {
  const error = await t.throwsAsync(openSerialLinkPort('/dev/null'));
  t.true(isDriverError(error, 'not-supported'), String(error));
});

test('an aborted signal cancels the open', async (t) => {
  const error = await t.throwsAsync(openSerialLinkPort('/dev/null', { signal: AbortSignal.abort() }));
  t.true(isDriverError(error, 'canceled'), String(error));
});

pty(title('a second open of the same pty is a sharing-violation (serialport locks the port)'), async (t) => {
  const pair = await openPtyPair();
  const first = await openSerialLinkPort(pair.paths[0]);
  try {
    const error = await t.throwsAsync(openSerialLinkPort(pair.paths[0]));
    t.true(isDriverError(error, 'sharing-violation'), String(error));
  } finally {
    await first.close();
    await pair.close();
  }
});

pty(title('unplugging the device mid-write: closed with reader-gone, the write rejects, later writes reject closed'), async (t) => {
  const pair = await openPtyPair();
  const [a, b] = await Promise.all(pair.paths.map((path) => openSerialLinkPort(path)));
  if (a === undefined || b === undefined) throw new Error('two ports');
  const closed = closedEvent(a);
  // Nobody reads b: a 1 MiB write fills the pty buffers and is still pending when the plug is pulled.
  const writing = a.write(new Uint8Array(1 << 20)).then(
    () => undefined,
    (error: unknown) => error,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await pair.unplug(0);
  const event = await closed;
  t.true(isDriverError(event.error, 'reader-gone'), String(event.error));
  t.regex(event.error?.message ?? '', /went away/);
  const writeError = await writing;
  t.true(isDriverError(writeError) && writeError.disconnected, String(writeError));
  t.true(isDriverError(await t.throwsAsync(a.write(Uint8Array.of(1))), 'closed'));
  await Promise.all([a.close(), b.close(), pair.close()]);
});

pty(title('a write the far end never reads times out and closes the port'), async (t) => {
  const pair = await openPtyPair();
  // At 4,000,000 baud the 512 KiB write is allowed 200 ms + twice its 1.3 s line time.
  const a = await openSerialLinkPort(pair.paths[0], { writeTimeoutMs: 200, baudRate: 4_000_000 });
  try {
    const closed = closedEvent(a);
    const error = await t.throwsAsync(a.write(new Uint8Array(1 << 19)));
    t.true(isDriverError(error, 'timeout'), String(error));
    t.is((await closed).error, undefined);
  } finally {
    await a.close();
    await pair.close();
  }
});

pty(title('300 open/write/read/close cycles leave /proc/self/fd as it was'), async (t) => {
  const pair = await openPtyPair();
  try {
    // Warm-up cycles load the binding, its poller and libuv's threads before the count.
    const cycle = async (i: number): Promise<void> => {
      const [a, b] = await Promise.all(pair.paths.map((path) => openSerialLinkPort(path)));
      if (a === undefined || b === undefined) throw new Error('two ports');
      const got = new Promise<number>((resolve) => b.onEvent((e) => e.type === 'data' && resolve(e.bytes[0] ?? -1)));
      await a.write(Uint8Array.of(i & 0xff));
      t.is(await got, i & 0xff);
      await Promise.all([a.close(), b.close()]);
    };
    for (let i = 0; i < 10; i++) await cycle(i);
    const before = openFds();
    for (let i = 1; i <= 300; i++) await cycle(i);
    t.true(openFds() <= before, `open descriptors: ${openFds()} after, ${before} before`);
  } finally {
    await pair.close();
  }
});

test('listSerialPorts says how it listed: udev, or a /dev scan with the reason', async (t) => {
  const dev = mkdtempSync(join(tmpdir(), 'bifente-dev-'));
  try {
    for (const name of ['ttyACM0', 'ttyUSB3', 'ttyS0', 'tty1', 'hidraw0']) writeFileSync(join(dev, name), '');
    const listing = await listSerialPorts(dev);
    if (listing.source === 'dev-scan') {
      t.deepEqual(listing.ports.map((p) => p.path), [join(dev, 'ttyACM0'), join(dev, 'ttyUSB3')]);
      t.regex(listing.note ?? '', /udevadm|serialport|SerialPort\.list/);
    } else {
      t.true(Array.isArray(listing.ports), 'udev answered: its list is returned as is');
      t.is(listing.note, undefined);
    }
  } finally {
    rmSync(dev, { recursive: true });
  }
});
