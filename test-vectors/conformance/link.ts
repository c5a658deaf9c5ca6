/**
 * The conformance suite of link ports (issue 5, "one suite for all
 * transports"): `testLinkPort` registers the same ava tests for any
 * {@link LinkPort} pair, whatever carries the bytes (a serial pty pair,
 * HID reports, an in-memory pair). A behaviour a transport cannot have is
 * a titled skip, never a silent pass.
 * @module
 */
import test from 'ava';
import { isDriverError, openLink, type LinkPort } from '../../drivers/index.js';

/** What a pair can do, and why not when it cannot. */
export interface LinkPortFeatures {
  /** Report ports: each write arrives as one report of this size, zero-padded. Absent for byte streams. */
  readonly reportSize?: number;
  /** Why closing the first end is not seen by the second. */
  readonly firstCloseUnseen?: string;
  /** Why closing the second end is not seen by the first. */
  readonly secondCloseUnseen?: string;
  /** Bytes for the large-payload test (default 256 KiB). */
  readonly largeBytes?: number;
  /** Why the whole pair cannot be made here (missing system component): every test is a titled skip. */
  readonly missing?: string;
}

const WAIT_MS = 10_000;

/** Bytes whose value depends on position and seed, so a lost, duplicated or reordered byte shows. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}

/** What one end received: the concatenated bytes, the deliveries, and whether it saw `closed`. */
interface Received {
  bytes(): Uint8Array;
  readonly deliveries: Uint8Array[];
  readonly closed: Promise<Error | undefined>;
  /** Resolve once `length` bytes arrived; reject after WAIT_MS. */
  until(length: number): Promise<Uint8Array>;
}

function receive(port: LinkPort): Received {
  const deliveries: Uint8Array[] = [];
  let total = 0;
  let wake = (): void => undefined;
  let onClosed: (error: Error | undefined) => void = () => undefined;
  const closed = new Promise<Error | undefined>((resolve) => (onClosed = resolve));
  port.onEvent((event) => {
    if (event.type === 'data') {
      deliveries.push(Uint8Array.from(event.bytes));
      total += event.bytes.length;
      wake();
    } else onClosed(event.error);
  });
  const bytes = (): Uint8Array => {
    const out = new Uint8Array(total);
    let at = 0;
    for (const d of deliveries) {
      out.set(d, at);
      at += d.length;
    }
    return out;
  };
  const until = (length: number): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${total} of ${length} bytes in ${WAIT_MS} ms`)), WAIT_MS);
      wake = () => {
        if (total >= length) {
          clearTimeout(timer);
          resolve(bytes());
        }
      };
      wake();
    });
  return { bytes, deliveries, closed, until };
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_MS} ms`)), WAIT_MS)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Split `bytes` into writes a port takes (at most `maxWrite` each). */
function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** What the far end receives for these writes: the bytes, or the zero-padded reports. */
function expected(writes: readonly Uint8Array[], features: LinkPortFeatures): Uint8Array {
  const size = features.reportSize;
  const parts = size === undefined ? writes : writes.map((w) => {
    const report = new Uint8Array(size);
    report.set(w);
    return report;
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Register the link-port conformance tests for `name`. `makePair` returns
 * two connected ends, fresh for each test; the suite closes them.
 */
export function testLinkPort(name: string, makePair: () => Promise<readonly [LinkPort, LinkPort]>, features: LinkPortFeatures = {}): void {
  const title = (what: string, unsupported?: string): string => {
    const why = features.missing ?? unsupported;
    return why === undefined ? `${name}: ${what}` : `${name}: ${what} [skipped: ${why}]`;
  };
  const run = (what: string, body: (a: LinkPort, b: LinkPort, t: import('ava').ExecutionContext) => Promise<void>, unsupported?: string): void => {
    const impl = features.missing ?? unsupported ? test.skip : test;
    impl(title(what, unsupported), async (t) => {
      const [a, b] = await makePair();
      try {
        await body(a, b, t);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  };

  run('bytes both ways', async (a, b, t) => {
    const atB = receive(b);
    const atA = receive(a);
    const ping = pattern(5, 1);
    const pong = pattern(7, 2);
    await a.write(ping);
    await b.write(pong);
    t.deepEqual(await atB.until(expected([ping], features).length), expected([ping], features));
    t.deepEqual(await atA.until(expected([pong], features).length), expected([pong], features));
  });

  run('64-byte chunks arrive intact and in order', async (a, b, t) => {
    const atB = receive(b);
    const writes = Array.from({ length: 64 }, (_, i) => pattern(64, i));
    for (const w of writes) await a.write(w);
    const want = expected(writes, features);
    t.deepEqual(await atB.until(want.length), want);
    if (features.reportSize !== undefined) t.is(atB.deliveries.length, 64, 'one report a write');
  });

  run('large payloads both ways at once', async (a, b, t) => {
    const size = features.largeBytes ?? 256 * 1024;
    const atA = receive(a);
    const atB = receive(b);
    const send = async (port: LinkPort, payload: Uint8Array): Promise<Uint8Array[]> => {
      const writes = chunks(payload, Number.isFinite(port.maxWrite) ? port.maxWrite : payload.length);
      for (const w of writes) await port.write(w);
      return writes;
    };
    const [toB, toA] = await Promise.all([send(a, pattern(size, 3)), send(b, pattern(size, 4))]);
    const wantB = expected(toB, features);
    const wantA = expected(toA, features);
    t.deepEqual(await atB.until(wantB.length), wantB);
    t.deepEqual(await atA.until(wantA.length), wantA);
  });

  run('writes issued together keep their order', async (a, b, t) => {
    const atB = receive(b);
    const limit = Number.isFinite(a.maxWrite) ? a.maxWrite : 300;
    const writes = Array.from({ length: 200 }, (_, i) => pattern(1 + ((i * 37) % limit), i));
    await Promise.all(writes.map((w) => a.write(w)));
    const want = expected(writes, features);
    t.deepEqual(await atB.until(want.length), want);
  });

  run('a whole link session: identify, a 64 KiB FSE, an error answer, requests in parallel', async (a, b, t) => {
    const fse = pattern(64 * 1024, 5);
    const terminal = openLink(b);
    terminal.onMessage((request) => {
      if (request.kind === 'identify') return { kind: 'identity', model: 'bifente TLA', serial: 'BF-1', firmware: '0.1.0', agreementNumber: '9999999' };
      if (request.kind === 'fetch-fse' && request.id === 42) return { kind: 'fse', id: 42, bytes: fse };
      return { kind: 'error', code: 1, text: 'no such item' };
    });
    const host = openLink(a, { requestTimeoutMs: 20_000 });
    try {
      t.like(await host.request({ kind: 'identify' }), { kind: 'identity', serial: 'BF-1' });
      const answers = await Promise.all([host.request({ kind: 'fetch-fse', id: 42 }), host.request({ kind: 'fetch-fse', id: 7 })]);
      t.deepEqual(answers.map((x) => x.kind), ['fse', 'error']);
      const [got] = answers;
      if (got?.kind === 'fse') t.deepEqual(got.bytes, fse);
    } finally {
      await host.close();
      await terminal.close();
    }
  });

  run('closing the second end is seen by the first', async (a, b, t) => {
    const atA = receive(a);
    const atB = receive(b);
    await b.close();
    t.is(await within(atB.closed, 'closed on the end that closed'), undefined, 'a local close carries no error');
    const error = await within(atA.closed, 'closed on the far end');
    t.true(error === undefined || isDriverError(error), `a reason, when given, is a DriverError: ${String(error)}`);
  }, features.secondCloseUnseen);

  run('closing the first end is seen by the second', async (a, b, t) => {
    const atB = receive(b);
    await a.close();
    const error = await within(atB.closed, 'closed on the far end');
    t.true(error === undefined || isDriverError(error), `a reason, when given, is a DriverError: ${String(error)}`);
  }, features.firstCloseUnseen);

  run('writes after close reject with closed; close is idempotent', async (a, b, t) => {
    const atA = receive(a);
    await b.close();
    await b.close();
    const error = await t.throwsAsync(b.write(Uint8Array.of(1)));
    t.true(isDriverError(error, 'closed'), String(error));
    if (features.secondCloseUnseen === undefined) await within(atA.closed, 'closed on the far end');
    else await a.close();
    const farError = await t.throwsAsync(a.write(Uint8Array.of(2)));
    t.true(isDriverError(farError, 'closed'), String(farError));
  });
}
