import test from 'ava';
import { isDriverError } from '../core/errors.js';
import type { LinkPort } from '../core/link-port.js';
import { LINK_ERROR, type LinkRequest } from '../../protocol/index.js';
import { createMemoryLinkPair, type MemoryLinkOptions } from './memory-link.js';
import { openLink, type Link, type LinkAnswerBody, type OpenLinkOptions } from './open-link.js';

const FSE = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 7) & 0xff);

/** A terminal that answers identify and fetch-fse. */
function terminalHandler(request: LinkRequest): LinkAnswerBody {
  switch (request.kind) {
    case 'identify':
      return { kind: 'identity', model: 'bifente TLA', serial: 'BF-000123', firmware: '0.1.0', agreementNumber: '9999999' };
    case 'fetch-fse':
      return request.id === 42 ? { kind: 'fse', id: 42, bytes: FSE } : { kind: 'error', code: LINK_ERROR.notFound, text: `no FSE ${request.id}` };
    default:
      throw new Error('PIN 1234 was wrong');
  }
}

/** Host and terminal links over a memory pair; the test closes them. */
function pair(portOptions: MemoryLinkOptions = {}, linkOptions: OpenLinkOptions = {}): { host: Link; terminal: Link; ports: [LinkPort, LinkPort] } {
  const ports = createMemoryLinkPair(portOptions);
  const terminal = openLink(ports[1], linkOptions);
  terminal.onMessage(terminalHandler);
  const host = openLink(ports[0], linkOptions);
  return { host, terminal, ports };
}

const ports: [string, MemoryLinkOptions][] = [
  ['stream', {}],
  ['stream read byte by byte', { fragmentReads: 1 }],
  ['64-byte reports padded with zeros (HID)', { maxWrite: 64 }],
];

for (const [name, options] of ports) {
  test(`${name}: identify, a 64 KB FSE and an error answer`, async (t) => {
    const { host, terminal } = pair(options);
    try {
      const identity = await host.request({ kind: 'identify' });
      t.like(identity, { kind: 'identity', requestId: 1, serial: 'BF-000123', agreementNumber: '9999999' });
      const fse = await host.request({ kind: 'fetch-fse', id: 42 });
      t.is(fse.kind, 'fse');
      if (fse.kind === 'fse') t.deepEqual(fse.bytes, FSE);
      t.like(await host.request({ kind: 'fetch-fse', id: 7 }), { kind: 'error', code: LINK_ERROR.notFound, text: 'no FSE 7' });
      t.is(host.state, 'open');
    } finally {
      await host.close();
      await terminal.close();
    }
  });
}

test('requests in parallel are matched to their answers by request id', async (t) => {
  const { host, terminal } = pair({ fragmentReads: 13 });
  try {
    const answers = await Promise.all([host.request({ kind: 'fetch-fse', id: 42 }), host.request({ kind: 'identify' }), host.request({ kind: 'fetch-fse', id: 1 })]);
    t.deepEqual(answers.map((a) => a.kind), ['fse', 'identity', 'error']);
    t.deepEqual(answers.map((a) => a.requestId), [1, 2, 3]);
  } finally {
    await host.close();
    await terminal.close();
  }
});

test('a lossy pair (writes lost and bytes changed): every answer still arrives intact', async (t) => {
  let n = 0;
  const line = (bytes: Uint8Array): Uint8Array | null => {
    n++;
    if (n % 11 === 0) return null;
    if (n % 17 === 0) {
      const changed = bytes.slice();
      changed[n % changed.length] = changed[n % changed.length]! ^ 0x5a;
      return changed;
    }
    return bytes;
  };
  const { host, terminal } = pair({ maxWrite: 64, line }, { retransmitMs: 20, maxRetries: 20 });
  try {
    t.like(await host.request({ kind: 'identify' }), { kind: 'identity', serial: 'BF-000123' });
    const fse = await host.request({ kind: 'fetch-fse', id: 42 });
    t.true(fse.kind === 'fse' && fse.bytes.length === FSE.length && fse.bytes.every((b, k) => b === FSE[k]));
    t.true(host.stats.retransmissions + terminal.stats.retransmissions > 0, 'the faults were felt');
    t.true(host.stats.rejectedFrames + terminal.stats.rejectedFrames > 0, 'corrupt frames were rejected');
  } finally {
    await host.close();
    await terminal.close();
  }
});

test('a handler that throws gives an internal error answer that does not repeat its message; no handler gives unknown-request', async (t) => {
  const { host, terminal } = pair();
  try {
    const failed = await host.request({ kind: 'list-fses' });
    t.like(failed, { kind: 'error', code: LINK_ERROR.internal });
    t.false(failed.kind === 'error' && failed.text.includes('1234'), 'the PIN stays on the terminal');
    t.like(await terminal.request({ kind: 'identify' }), { kind: 'error', code: LINK_ERROR.unknownRequest });
  } finally {
    await host.close();
    await terminal.close();
  }
});

test('no answer in time: timeout; an aborted signal: canceled; the link stays usable', async (t) => {
  const { host, terminal } = pair();
  terminal.onMessage((request) => (request.kind === 'identify' ? terminalHandler(request) : new Promise<never>(() => {})));
  try {
    const timeout = await t.throwsAsync(host.request({ kind: 'list-fses' }, { timeoutMs: 50 }));
    t.true(isDriverError(timeout, 'timeout'), String(timeout));
    const controller = new AbortController();
    const pending = host.request({ kind: 'list-fses' }, { signal: controller.signal });
    controller.abort();
    const canceled = await t.throwsAsync(pending);
    t.true(isDriverError(canceled, 'canceled') && canceled.canceled);
    t.true(isDriverError(await t.throwsAsync(host.request({ kind: 'identify' }, { signal: controller.signal })), 'canceled'));
    t.like(await host.request({ kind: 'identify' }), { kind: 'identity' });
  } finally {
    await host.close();
    await terminal.close();
  }
});

test('no other end: the link fails after its retries and the request says so', async (t) => {
  const [port, other] = createMemoryLinkPair();
  const host = openLink(port, { retransmitMs: 10, maxRetries: 2 });
  try {
    const error = await t.throwsAsync(host.request({ kind: 'identify' }));
    t.true(isDriverError(error, 'timeout'), String(error));
    t.regex(error?.message ?? '', /link failed/);
    t.is(host.state, 'failed');
  } finally {
    await host.close();
    await other.close();
  }
});

test('the port going away rejects pending requests with reader-gone; after close, requests are closed', async (t) => {
  const { host, terminal, ports: [, terminalPort] } = pair();
  terminal.onMessage(() => new Promise<never>(() => {}));
  const pending = host.request({ kind: 'identify' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await terminalPort.close();
  const gone = await t.throwsAsync(pending);
  t.true(isDriverError(gone, 'reader-gone') && gone.disconnected, String(gone));
  t.is(host.state, 'closed');
  t.true(isDriverError(await t.throwsAsync(host.request({ kind: 'identify' })), 'closed'));
  await host.close();
  await terminal.close();
});

test('the other end restarting rejects what it owed with reader-gone, then the link works again', async (t) => {
  const [hostPort, terminalPort] = createMemoryLinkPair();
  const host = openLink(hostPort);
  // The first terminal firmware hangs, then "restarts": a new link on the same port with a fresh nonce.
  const first = openLink({ ...terminalPort, close: () => Promise.resolve(), onEvent: terminalPort.onEvent, write: terminalPort.write });
  first.onMessage(() => new Promise<never>(() => {}));
  try {
    const owed = host.request({ kind: 'identify' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.close();
    const second = openLink(terminalPort);
    second.onMessage(terminalHandler);
    const error = await t.throwsAsync(owed);
    t.true(isDriverError(error, 'reader-gone'), String(error));
    t.like(await host.request({ kind: 'identify' }), { kind: 'identity' });
    await second.close();
  } finally {
    await host.close();
  }
});

test('a port that cannot carry a 64-byte frame is refused', (t) => {
  const [a, b] = createMemoryLinkPair({ maxWrite: 32 });
  const error = t.throws(() => openLink(a));
  t.true(isDriverError(error, 'not-supported'));
  void a.close();
  void b.close();
});

test('memory pair: a report port pads to its size, a write past it is a RangeError, close reaches both ends', async (t) => {
  const [a, b] = createMemoryLinkPair({ maxWrite: 64 });
  const seen: string[] = [];
  b.onEvent((e) => seen.push(e.type === 'data' ? `data ${e.bytes.length} ${e.bytes[0]}` : e.type));
  await a.write(Uint8Array.of(0xa5));
  t.throws(() => a.write(new Uint8Array(65)), { instanceOf: RangeError });
  await new Promise((resolve) => setImmediate(resolve));
  await a.close();
  t.deepEqual(seen, ['data 64 165', 'closed']);
  t.true(isDriverError(await t.throwsAsync(b.write(Uint8Array.of(1))), 'closed'));
});
