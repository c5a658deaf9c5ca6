// The session layer over a scripted fake port and transport (apdu4j's
// MockBIBO idea): chaining, queueing, limits, removal, transactions, redaction.
import test from 'ava';
import { commandApdu, hex, toHex } from '../../protocol/index.js';
import { DriverError, isDriverError } from '../core/errors.js';
import type { Disposition, ReaderPort, ReaderTransport, TransmitOptions, TransportEvent } from '../core/transport.js';
import { createReaderManager, type ReaderManager } from './reader-manager.js';

const READER = 'Fake 00';

/** One scripted step: the command expected (hex) and the answer, or `hang` (never answers). */
type Step = readonly [command: string, answer: string | 'hang'];

/** A ReaderPort that checks each command against a script, and never overlaps calls. */
class ScriptedPort implements ReaderPort {
  readonly reader = READER;
  readonly atr = hex('3B 75 13 00 00 47 09 EA 90 00');
  readonly protocol = 'T=0' as const;
  readonly sent: string[] = [];
  readonly calls: string[] = [];
  readonly aborted: unknown[] = [];
  #busy = false;

  constructor(
    readonly script: Step[],
    readonly chainsResponses = false,
  ) {}

  transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    if (this.#busy) throw new Error('overlapping transmit');
    const step = this.script.shift();
    this.sent.push(toHex(command));
    if (step === undefined || step[0].replace(/ /g, '') !== toHex(command)) return Promise.reject(new Error(`unexpected command ${toHex(command)}`));
    if (step[1] === 'hang') {
      this.#busy = true;
      return new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => {
          this.#busy = false;
          this.aborted.push(options.signal?.reason);
          reject(new DriverError('canceled', 'dropped'));
        }),
      );
    }
    this.#busy = true;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.#busy = false;
        resolve(hex(step[1]));
      }),
    );
  }

  reset(kind: 'reset' | 'unpower'): Promise<Uint8Array> {
    this.calls.push(`reset ${kind}`);
    return Promise.resolve(hex('3B 00'));
  }

  beginTransaction(): Promise<void> {
    this.calls.push('begin');
    return Promise.resolve();
  }

  endTransaction(disposition: Disposition): Promise<void> {
    this.calls.push(`end ${disposition}`);
    return Promise.resolve();
  }

  close(disposition: Disposition): Promise<void> {
    this.calls.push(`close ${disposition}`);
    return Promise.resolve();
  }
}

/** A transport with one reader, handing out one scripted port; events are pushed by the test. */
function fakeTransport(port: ScriptedPort): ReaderTransport & { emit(event: TransportEvent): void; present: boolean } {
  const listeners = new Set<(event: TransportEvent) => void>();
  return {
    kind: 'fake',
    present: true,
    list() {
      return Promise.resolve([{ name: READER, cardPresent: this.present }]);
    },
    watch(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    open: () => Promise.resolve(port),
    close: () => Promise.resolve(),
    emit(event) {
      for (const l of listeners) l(event);
    },
  };
}

async function sessionOver(script: Step[], options: { chains?: boolean; timeoutMs?: number } = {}) {
  const port = new ScriptedPort(script, options.chains ?? false);
  const transport = fakeTransport(port);
  const manager: ReaderManager = createReaderManager(transport, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  const session = await manager.reader(READER).connect();
  return { port, transport, manager, session };
}

test('61XX: the session sends GET RESPONSE with Le = SW2 and joins the data', async (t) => {
  const { port, session } = await sessionOver([
    ['00 A4 04 00 02 3F 00', '61 04'],
    ['00 C0 00 00 04', 'AA BB 61 02'],
    ['00 C0 00 00 02', 'CC DD 90 00'],
  ]);
  const response = await session.transmit(hex('00 A4 04 00 02 3F 00'));
  t.is(toHex(response.data), 'AABBCCDD');
  t.is(response.sw, 0x9000);
  t.is(port.script.length, 0);
});

test('6CXX: the same command goes again with the right Le; a CommandApdu value works too', async (t) => {
  const { session } = await sessionOver([
    ['00 B0 00 00 10', '6C 03'],
    ['00 B0 00 00 03', '01 02 03 90 00'],
  ]);
  const read = commandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 16 });
  if (!read.ok) throw new Error(read.error.message);
  const response = await session.transmit(read.value);
  t.deepEqual([toHex(response.data), response.sw], ['010203', 0x9000]);
});

test('transmitRaw sends once and returns the bytes as they are', async (t) => {
  const { session } = await sessionOver([['00 A4 04 00 02 3F 00', '61 04']]);
  t.is(toHex(await session.transmitRaw(hex('00 A4 04 00 02 3F 00'))), '6104');
});

test('a transport that chains itself is left alone', async (t) => {
  const { session } = await sessionOver([['00 A4 04 00 02 3F 00', '61 04']], { chains: true });
  t.is((await session.transmit(hex('00 A4 04 00 02 3F 00'))).sw, 0x6104);
});

test('extended APDUs pass through unchanged', async (t) => {
  const body = 'AB'.repeat(300);
  const { port, session } = await sessionOver([[`00 2A 9E 9A 00 01 2C ${body} 00 00`, '90 00']]);
  t.is((await session.transmit(hex(`00 2A 9E 9A 00 01 2C ${body} 00 00`))).sw, 0x9000);
  t.is(port.sent[0], `002A9E9A00012C${body}0000`);
});

test('a mute card times out with a DriverError naming the reader, the time and the command; the port call is dropped', async (t) => {
  const { port, session } = await sessionOver([['00 A4 04 00 02 3F 00', 'hang']], { timeoutMs: 50 });
  const error = await t.throwsAsync(session.transmit(hex('00 A4 04 00 02 3F 00')));
  t.true(isDriverError(error, 'timeout'));
  t.is(error?.message, `no answer from the card in ${READER} within 50 ms to SELECT`);
  t.is(port.aborted.length, 1, 'the transport saw the abort');
  t.false(session.closed, 'a timeout does not end the session');
});

test('the caller\'s AbortSignal cancels a pending exchange', async (t) => {
  const { session } = await sessionOver([['00 B0 00 00 00', 'hang']]);
  const controller = new AbortController();
  const pending = session.transmit(hex('00 B0 00 00 00'), { signal: controller.signal });
  controller.abort();
  const error = await t.throwsAsync(pending);
  t.true(isDriverError(error, 'canceled'));
  t.true((error as DriverError).canceled);
  t.regex(error?.message ?? '', /READ BINARY/);
});

test('calls are queued: the port never sees two at once, and answers come in call order', async (t) => {
  const { session } = await sessionOver([
    ['00 B0 00 00 01', '01 90 00'],
    ['00 B0 00 01 01', '02 90 00'],
    ['00 B0 00 02 01', '03 90 00'],
  ]);
  const answers = await Promise.all(['00', '01', '02'].map((p2) => session.transmit(hex(`00 B0 00 ${p2} 01`))));
  t.deepEqual(answers.map((a) => toHex(a.data)), ['01', '02', '03']);
});

test('an answer shorter than SW1 SW2 is a protocol-error', async (t) => {
  const { session } = await sessionOver([['00 B0 00 00 00', '90']]);
  const error = await t.throwsAsync(session.transmit(hex('00 B0 00 00 00')));
  t.true(isDriverError(error, 'protocol-error'));
});

test('a card that answers 61XX for ever ends with a protocol-error', async (t) => {
  const { port, session } = await sessionOver([['00 C0 00 00 00', '61 00'], ...Array.from({ length: 256 }, () => ['00 C0 00 00 00', '61 00'] as Step)]);
  const error = await t.throwsAsync(session.transmit(hex('00 C0 00 00 00')));
  t.true(isDriverError(error, 'protocol-error'));
  t.is(port.sent.length, 257, 'the first command and 256 GET RESPONSE');
});

test('card.removed for its reader ends the session: the pending call and every later one reject card-removed', async (t) => {
  const { transport, session } = await sessionOver([['00 B0 00 00 00', 'hang']]);
  const pending = session.transmit(hex('00 B0 00 00 00'));
  transport.emit({ type: 'card.removed', reader: READER });
  t.true(isDriverError(await t.throwsAsync(pending), 'card-removed'));
  t.true(session.closed);
  const later = await t.throwsAsync(session.transmit(hex('00 B0 00 00 00')));
  t.true(isDriverError(later, 'card-removed'));
  t.true((later as DriverError).disconnected);
});

test('card.removed for another reader leaves the session alone', async (t) => {
  const { transport, session } = await sessionOver([['00 B0 00 00 00', '90 00']]);
  transport.emit({ type: 'card.removed', reader: 'Other' });
  t.is((await session.transmit(hex('00 B0 00 00 00'))).sw, 0x9000);
});

test('disconnect closes the port with the disposition; pending and later calls reject closed', async (t) => {
  const { port, session } = await sessionOver([['00 B0 00 00 00', 'hang']]);
  const pending = session.transmit(hex('00 B0 00 00 00'));
  await session.disconnect('reset');
  await session.disconnect('reset');
  t.true(isDriverError(await t.throwsAsync(pending), 'closed'));
  t.true(isDriverError(await t.throwsAsync(session.transmit(hex('00 B0 00 00 00'))), 'closed'));
  t.deepEqual(port.calls, ['close reset']);
});

test('transaction: begin, the body, end with the disposition; other calls wait for the end', async (t) => {
  const { port, session } = await sessionOver([
    ['00 B0 00 00 01', '01 90 00'],
    ['00 B0 00 01 01', '02 90 00'],
  ]);
  const order: string[] = [];
  const tx = session.transaction(
    async (channel) => {
      await new Promise((r) => setTimeout(r, 10));
      order.push(toHex((await channel.transmit(hex('00 B0 00 00 01'))).data));
      return 'done';
    },
    { disposition: 'reset' },
  );
  const outside = session.transmit(hex('00 B0 00 01 01')).then((r) => order.push(toHex(r.data)));
  t.is(await tx, 'done');
  await outside;
  t.deepEqual(order, ['01', '02']);
  t.deepEqual(port.calls, ['begin', 'end reset']);
});

test('transaction: a throwing body still ends the transaction and its error comes out; the channel is dead after', async (t) => {
  const { port, session } = await sessionOver([]);
  let kept: { transmit(c: Uint8Array): Promise<unknown> } | undefined;
  const error = await t.throwsAsync(
    session.transaction(async (channel) => {
      kept = channel;
      throw new Error('body failed');
    }),
  );
  t.is(error?.message, 'body failed');
  t.deepEqual(port.calls, ['begin', 'end leave']);
  t.true(isDriverError(await t.throwsAsync(kept!.transmit(hex('00 B0 00 00 00'))), 'closed'));
});

test('onExchange reports every exchange with the PIN body of VERIFY redacted', async (t) => {
  const { session } = await sessionOver([
    ['00 20 00 01 04 31 32 33 34', '90 00'],
    ['00 B0 00 00 02', '01 02 90 00'],
  ]);
  const records: unknown[] = [];
  const stop = session.onExchange((r) => records.push(r));
  await session.transmit(hex('00 20 00 01 04 31 32 33 34'));
  await session.transmit(hex('00 B0 00 00 02'));
  stop();
  const text = JSON.stringify(records);
  t.false(text.includes('31323334'), 'the PIN never appears');
  t.like(records[0], { command: '0020000104<redacted 4 bytes>', name: 'VERIFY', response: { sw: 0x9000 } });
  t.like(records[1], { command: '00B0000002', name: 'READ BINARY' });
});

test('reset updates the ATR', async (t) => {
  const { port, session } = await sessionOver([]);
  t.is(toHex(await session.reset('unpower')), '3B00');
  t.is(toHex(session.atr), '3B00');
  t.deepEqual(port.calls, ['reset unpower']);
});

test('bad time limits are RangeErrors at the call', async (t) => {
  const { session } = await sessionOver([]);
  t.throws(() => createReaderManager(fakeTransport(new ScriptedPort([])), { timeoutMs: 0 }), { instanceOf: RangeError });
  await t.throwsAsync(session.transmit(hex('00 B0 00 00 00'), { timeoutMs: -1 }), { instanceOf: RangeError });
});
