import test from 'ava';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createVpcdFramer, encodeVpcdFrame, hex, toHex } from '../../protocol/index.js';
import { CardGoneError, fromCard, type CardPresence, type VirtualCard } from '../card/virtual-card.js';
import { createVpcdClient, type VpcdClient, type VpcdClientEvent, type VpcdTimers } from './client.js';
import { createNullCard, NULL_CARD_ATR } from './null-card.js';

/** One connection the fake vpcd accepted, read through protocol's framer. */
class Peer {
  readonly framer = createVpcdFramer();
  readonly frames: Uint8Array[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<unknown>;
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.framer.push(new Uint8Array(chunk)).frames);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = once(socket, 'close');
  }
  /** Send raw bytes as vpcd would. */
  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }
  /** Wait for the next frame from the card. */
  async frame(): Promise<string> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return toHex(this.frames.shift()!, ' ');
  }
  /** Send a vpcd payload and wait for the card's answer. */
  async ask(payload: string): Promise<string> {
    this.send(encodeVpcdFrame(hex(payload)));
    return this.frame();
  }
}

/** A vpcd stand-in on loopback: it listens, the card connects. */
async function fakeVpcd(port = 0): Promise<{ server: Server; port: number; peer(): Promise<Peer>; close(): Promise<void> }> {
  const peers: Peer[] = [];
  const waiters: ((p: Peer) => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const peer = new Peer(socket);
    const waiter = waiters.shift();
    if (waiter) waiter(peer);
    else peers.push(peer);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as { port: number }).port,
    peer: () => {
      const ready = peers.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port nobody listens on (free a moment ago). */
async function closedPort(): Promise<number> {
  const vpcd = await fakeVpcd();
  await vpcd.close();
  return vpcd.port;
}

/** Timers the test fires by hand; records every requested delay. */
function manualTimers(): VpcdTimers & { delays: number[]; fire(): void; pending: number } {
  const queue: (() => void)[] = [];
  const delays: number[] = [];
  return {
    delays,
    setTimeout(callback, ms) {
      delays.push(ms);
      queue.push(callback);
      return callback;
    },
    clearTimeout(handle) {
      const i = queue.indexOf(handle as () => void);
      if (i >= 0) queue.splice(i, 1);
    },
    fire() {
      const next = queue.shift();
      if (!next) throw new Error('no timer pending');
      next();
    },
    get pending() {
      return queue.length;
    },
  };
}

/** A null card whose presence the test drives, recording power calls. */
function testCard(overrides: Partial<VirtualCard> = {}): VirtualCard & { calls: string[]; setPresence(p: CardPresence): void } {
  const base = fromCard(createNullCard());
  const listeners = new Set<(p: CardPresence) => void>();
  const calls: string[] = [];
  return {
    ...base,
    calls,
    powerOn: () => (calls.push('on'), base.powerOn()),
    reset: () => (calls.push('reset'), base.reset()),
    powerOff: () => (calls.push('off'), base.powerOff()),
    onPresence(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setPresence(p) {
      for (const l of listeners) l(p);
    },
    ...overrides,
  };
}

function nextEvent(client: VpcdClient, match: (e: VpcdClientEvent) => boolean): Promise<VpcdClientEvent> {
  return new Promise((resolve) => {
    const stop = client.onEvent((e) => {
      if (match(e)) {
        stop();
        resolve(e);
      }
    });
  });
}

const ATR = toHex(Uint8Array.from(NULL_CARD_ATR), ' ');
const SELECT_MF = '00 A4 00 0C 02 3F 00';

test('answers get-ATR before power-on, controls, and APDUs', async (t) => {
  const vpcd = await fakeVpcd();
  const card = testCard();
  const client = createVpcdClient(card, { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port });
  client.start();
  const peer = await vpcd.peer();
  t.is(await peer.ask('04'), ATR);
  t.deepEqual(card.calls, [], 'the presence poll does not power the card');
  peer.send(encodeVpcdFrame(hex('01')));
  t.is(await peer.ask(SELECT_MF), '90 00');
  peer.send(encodeVpcdFrame(hex('02')));
  peer.send(encodeVpcdFrame(hex('00')));
  t.is(await peer.ask('04'), ATR);
  t.deepEqual(card.calls, ['on', 'reset', 'off']);
  t.is(client.state, 'connected');
  await client.stop();
  await vpcd.close();
});

test('frames split byte by byte and merged in one write give the same answers', async (t) => {
  const vpcd = await fakeVpcd();
  const client = createVpcdClient(testCard(), { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port });
  client.start();
  const peer = await vpcd.peer();
  for (const byte of encodeVpcdFrame(hex(SELECT_MF))) {
    peer.send(Uint8Array.of(byte));
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.is(await peer.frame(), '90 00');
  // vpcd's power-on is followed at once by get-ATR: both may share a segment.
  peer.send(Uint8Array.from([...encodeVpcdFrame(hex('01')), ...encodeVpcdFrame(hex('04')), ...encodeVpcdFrame(hex('00 B0 00 00 00'))]));
  t.is(await peer.frame(), ATR);
  t.is(await peer.frame(), '90 00');
  await client.stop();
  await vpcd.close();
});

// A bad control byte, and an empty payload (vpcd never sends one): both are
// bad messages that close the connection and reconnect after the backoff.
for (const [what, bytes] of [
  ['a bad control', encodeVpcdFrame(hex('03'))],
  ['an empty payload', hex('00 00')],
] as const) {
  test(`${what} from vpcd closes the connection and reconnects after the backoff`, async (t) => {
    const vpcd = await fakeVpcd();
    const timers = manualTimers();
    const client = createVpcdClient(testCard(), { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port, timers });
    const dropped = nextEvent(client, (e) => e.type === 'disconnected');
    client.start();
    const peer = await vpcd.peer();
    peer.send(bytes);
    t.like(await dropped, { type: 'disconnected', error: { code: 'bad-frame', disconnected: true } });
    await peer.closed;
    t.deepEqual(timers.delays, [50]);
    t.is(client.state, 'waiting');
    timers.fire();
    const again = await vpcd.peer();
    t.is(await again.ask('04'), ATR);
    await client.stop();
    await vpcd.close();
  });
}

test('reconnects with exponential backoff until vpcd listens, then resets the backoff', async (t) => {
  const port = await closedPort();
  const timers = manualTimers();
  const client = createVpcdClient(testCard(), { atr: Uint8Array.from(NULL_CARD_ATR), port, timers, backoff: { initialMs: 10, maxMs: 60, factor: 2 } });
  const failures: string[] = [];
  client.onEvent((e) => {
    if (e.type === 'disconnected') failures.push(e.error.code);
  });
  for (let i = 0; i < 5; i++) {
    const retry = nextEvent(client, (e) => e.type === 'retry');
    if (i === 0) client.start();
    else timers.fire();
    await retry;
  }
  t.deepEqual(timers.delays, [10, 20, 40, 60, 60]);
  t.deepEqual(failures, Array(5).fill('connect-failed'));
  const vpcd = await fakeVpcd(port);
  timers.fire();
  const peer = await vpcd.peer();
  t.is(await peer.ask('04'), ATR);
  // pcscd restarts: vpcd drops us; the next wait starts from the initial delay again.
  const retry = nextEvent(client, (e) => e.type === 'retry');
  peer.socket.destroy();
  t.like(await retry, { attempt: 1, delayMs: 10 });
  await client.stop();
  t.is(timers.pending, 0, 'stop cancels the pending retry');
  t.is(client.state, 'stopped');
  await vpcd.close();
});

test('stop() closes the connection as a removal and powers the card off', async (t) => {
  const vpcd = await fakeVpcd();
  const timers = manualTimers();
  const card = testCard();
  const client = createVpcdClient(card, { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port, timers });
  client.start();
  const peer = await vpcd.peer();
  peer.send(encodeVpcdFrame(hex('01')));
  t.is(await peer.ask('04'), ATR);
  await client.stop();
  await peer.closed;
  t.deepEqual(card.calls, ['on', 'off']);
  t.is(client.state, 'stopped');
  t.is(timers.pending, 0);
  await vpcd.close();
});

test("the card's removal closes the connection; its insertion reconnects", async (t) => {
  const vpcd = await fakeVpcd();
  const timers = manualTimers();
  const card = testCard();
  const client = createVpcdClient(card, { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port, timers });
  const events: VpcdClientEvent[] = [];
  client.onEvent((e) => events.push(e));
  client.start();
  const peer = await vpcd.peer();
  t.is(await peer.ask('04'), ATR);
  card.setPresence('removed');
  await peer.closed;
  t.is(client.state, 'card-removed');
  t.is(timers.pending, 0, 'a removed card does not reconnect');
  t.like(events.find((e) => e.type === 'disconnected'), { error: { code: 'card-removed', canceled: true } });
  card.setPresence('inserted');
  const again = await vpcd.peer();
  t.is(await again.ask('04'), ATR);
  await client.stop();
  await vpcd.close();
});

test('a card gone during an APDU drops the link; another failure answers 6F00', async (t) => {
  const vpcd = await fakeVpcd();
  const timers = manualTimers();
  let mode: 'gone' | 'broken' | 'empty' = 'broken';
  const card = testCard({
    transmit: () => {
      if (mode === 'gone') return Promise.reject(new CardGoneError('removed'));
      if (mode === 'empty') return Promise.resolve(new Uint8Array(0));
      return Promise.reject(new Error('handler bug'));
    },
  });
  const client = createVpcdClient(card, { atr: Uint8Array.from(NULL_CARD_ATR), port: vpcd.port, timers });
  const cardError = nextEvent(client, (e) => e.type === 'card-error');
  client.start();
  const peer = await vpcd.peer();
  t.is(await peer.ask(SELECT_MF), '6F 00');
  t.like(await cardError, { error: { message: 'handler bug' } });
  mode = 'empty';
  t.is(await peer.ask(SELECT_MF), '6F 00', 'an empty answer would make vpcd hang up');
  mode = 'gone';
  const dropped = nextEvent(client, (e) => e.type === 'disconnected');
  peer.send(encodeVpcdFrame(hex(SELECT_MF)));
  t.like(await dropped, { error: { code: 'card-removed' } });
  await peer.closed;
  t.deepEqual(peer.frames, []);
  await client.stop();
  await vpcd.close();
});

test('rejects bad options synchronously', (t) => {
  const atr = Uint8Array.from(NULL_CARD_ATR);
  t.throws(() => createVpcdClient(testCard(), { atr, port: 70000 }), { instanceOf: RangeError });
  t.throws(() => createVpcdClient(testCard(), { atr, backoff: { initialMs: 10, maxMs: 5, factor: 2 } }), { instanceOf: RangeError });
});
