// The order in which the PC/SC transport closes pcsclite's native threads.
// pcsclite 1.0.1 joins a status thread that SCardCancel may have missed
// (pcsc-context.ts PARK_MS): every native close() must come only once its
// thread has reported and then been silent for PARK_MS, and after the
// reader's calls in flight. No pcscd is needed: the module is a stand-in
// with pcsclite's JS shape (lib/pcsclite.js), driven step by step.
import test from 'ava';
import { EventEmitter } from 'node:events';
import { PARK_MS } from './pcsc-context.js';
import { createPcscTransport } from './pcsc-transport.js';

const PRESENT = 0x20;
const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the stand-in records: each native close and when it came (performance.now()). */
interface Closed {
  readonly what: string;
  readonly at: number;
  /** Called while a stand-in reader was inside a callback (pcsclite holds that reader's mutex then). */
  readonly insideCallback: boolean;
}

/** How many stand-in callbacks are running, microtask drains included (as node::MakeCallback drains them). */
let callbackDepth = 0;

class StandInReader extends EventEmitter {
  readonly SCARD_SHARE_SHARED = 2;
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_STATE_PRESENT = PRESENT;
  readonly SCARD_LEAVE_CARD = 0;
  readonly SCARD_RESET_CARD = 1;
  readonly SCARD_UNPOWER_CARD = 2;
  readonly SCARD_EJECT_CARD = 3;
  connected = false;
  /** A transmit's callback, held until the test answers it. */
  pending: (() => void) | undefined;
  constructor(
    readonly name: string,
    private readonly closed: Closed[],
  ) {
    super();
  }
  report(state: number): void {
    this.emit('status', { state, atr: Buffer.from([0x3b, 0x00]) });
  }
  connect(_options: unknown, callback: (error: Error | undefined, protocol: number) => void): void {
    this.connected = true;
    setImmediate(() => callback(undefined, this.SCARD_PROTOCOL_T1));
  }
  disconnect(_disposition: number, callback: (error: Error | undefined) => void): void {
    this.connected = false;
    setImmediate(() => callback(undefined));
  }
  transmit(_data: Buffer, _length: number, _protocol: number, callback: (error: Error | undefined, response: Buffer) => void): void {
    this.pending = () => callback(undefined, Buffer.from([0x90, 0x00]));
  }
  close(): void {
    this.closed.push({ what: this.name, at: performance.now(), insideCallback: callbackDepth > 0 });
  }
  /** Emit `event` the way pcsclite's '_end' reaches JS: inside the callback, microtasks queued meanwhile run before it returns. */
  async callback(event: string, ...args: unknown[]): Promise<void> {
    callbackDepth++;
    try {
      this.emit(event, ...args);
      for (let i = 0; i < 20; i++) await Promise.resolve();
    } finally {
      callbackDepth--;
    }
  }
}

/**
 * A pcsclite stand-in. Like lib/pcsclite.js, the factory calls the context's
 * start() on the next tick with a callback that makes a reader per new name;
 * the native start() here only keeps that callback, and `list(names)` plays
 * the reader-list thread calling it.
 */
function standIn() {
  const closed: Closed[] = [];
  const readers = new Map<string, StandInReader>();
  let report: ((error: Error | undefined, names: Buffer) => void) | undefined;
  const factory = () => {
    const context = Object.assign(new EventEmitter(), {
      readers: {} as Record<string, StandInReader>,
      start(callback: (error: Error | undefined, names: Buffer) => void) {
        report = callback;
      },
      close() {
        closed.push({ what: 'context', at: performance.now(), insideCallback: callbackDepth > 0 });
      },
    });
    process.nextTick(() =>
      context.start((_error, names) => {
        for (const name of names.toString('latin1').split('\0').filter((n) => n !== '' && !readers.has(n))) {
          const reader = new StandInReader(name, closed);
          readers.set(name, reader);
          context.readers[name] = reader;
          context.emit('reader', reader);
        }
      }),
    );
    return context;
  };
  return {
    closed,
    readers,
    /** The reader-list thread reports `names`. */
    list(names: string[]): void {
      report?.(undefined, Buffer.from(`${names.map((n) => `${n}\0`).join('')}\0`, 'latin1'));
    },
    importer: () => Promise.resolve({ default: factory }),
  };
}

/** A transport over the stand-in, its first list in with reader R reporting a card. */
async function settledTransport() {
  const pcsc = standIn();
  const transport = createPcscTransport({ importer: pcsc.importer });
  const listing = transport.list();
  await sleep(5);
  pcsc.list(['R']);
  pcsc.readers.get('R')!.report(PRESENT);
  await listing;
  return { pcsc, transport };
}

test('close() waits until each status thread has been silent for PARK_MS, then closes the readers before the context', async (t) => {
  const { pcsc, transport } = await settledTransport();
  const reader = pcsc.readers.get('R')!;
  await sleep(PARK_MS / 2);
  reader.report(PRESENT | 0x10000); // a late report: the thread is between two waits again
  const lastReport = performance.now();
  const started = performance.now();
  await transport.close();
  t.deepEqual(
    pcsc.closed.map((c) => c.what),
    ['R', 'context'],
  );
  t.true(pcsc.closed[0]!.at - lastReport >= PARK_MS - 1, `reader closed ${pcsc.closed[0]!.at - lastReport} ms after its last report`);
  t.true(performance.now() - started < PARK_MS * 3, 'close() does not wait for longer than it must');
});

test('a reader that has not reported yet is closed only after its first report and PARK_MS more', async (t) => {
  const { pcsc, transport } = await settledTransport();
  await sleep(PARK_MS);
  pcsc.list(['R', 'S']); // S appears: its thread is still connecting to pcscd
  const closing = transport.close();
  await sleep(PARK_MS * 2);
  t.false(pcsc.closed.some((c) => c.what === 'S'), 'S closed before its thread ever reported');
  pcsc.readers.get('S')!.report(0);
  const reported = performance.now();
  await closing;
  const s = pcsc.closed.find((c) => c.what === 'S');
  t.truthy(s);
  t.true(s!.at - reported >= PARK_MS - 1);
  t.is(pcsc.closed.at(-1)?.what, 'context');
});

test('a reader with a transmit in flight is closed once the call ended, parked again; close() does not wait for it (a mute card may never answer)', async (t) => {
  const { pcsc, transport } = await settledTransport();
  const port = await transport.open('R', { share: 'shared', protocols: ['T=1'] });
  const reader = pcsc.readers.get('R')!;
  const answer = port.transmit(SELECT_MF);
  await sleep(PARK_MS * 2);
  const closingPort = port.close('leave');
  t.like(await t.throwsAsync(answer), { code: 'closed' });
  await transport.close();
  t.deepEqual(
    pcsc.closed.map((c) => c.what),
    ['context'],
    'the reader stays open while SCardTransmit runs',
  );
  reader.report(0); // the card is pulled: the call ends as the thread reports
  reader.pending!();
  const ended = performance.now();
  await closingPort;
  await sleep(PARK_MS * 2);
  const r = pcsc.closed.find((c) => c.what === 'R');
  t.truthy(r, 'closed once the call ended');
  t.true(r!.at - ended >= PARK_MS - 1, `closed ${r!.at - ended} ms after its last report`);
});

test('no native close() runs inside a pcsclite callback, even when pcscd going away closes parked readers at once', async (t) => {
  const { pcsc, transport } = await settledTransport();
  pcsc.list(['R', 'S']);
  pcsc.readers.get('S')!.report(0);
  await sleep(PARK_MS * 2); // both parked: their closes are due at once
  const gone = new Error('SCardGetStatusChange error: Service not available. (0x8010001D)');
  await pcsc.readers.get('R')!.callback('error', gone); // the context fails from inside R's callback
  await transport.close();
  await sleep(PARK_MS * 2);
  t.deepEqual(pcsc.closed.map((c) => c.what).sort(), ['R', 'S', 'context']);
  t.deepEqual(pcsc.closed.filter((c) => c.insideCallback), [], 'each closed from a macrotask of its own');
});
