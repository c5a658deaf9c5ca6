import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { parseCommandApdu, type CommandApdu, type ResponseApdu } from '../apdu/index.js';
import { arbCommandApdu } from '../apdu/arbitraries.js';
import { hex, toHex } from '../bytes.js';
import { loadVectors } from '../test-support.js';
import { runLine } from './line.js';
import { startT0Card, stepT0Card, type T0CardOutput } from './t0-card.js';
import { startT0Reader, stepT0Reader, type T0ReaderOutput, type T0ReaderState } from './t0-reader.js';

type Step = { reader: string } | { card: string };
interface Exchange {
  name: string;
  command: string;
  card?: { ack: 'all' | 'byte'; outgoingIns?: string[]; busy?: number };
  response?: { data: string; sw: string };
  line: Step[];
  expect: { data: string; sw: string } | { error: string };
}
const { exchanges } = loadVectors<{ exchanges: Exchange[] }>('t0');

function command(h: string): CommandApdu {
  const r = parseCommandApdu(hex(h));
  if (!r.ok) throw new TypeError(`bad vector command ${h}`);
  return r.value;
}

const norm = (h: string) => toHex(hex(h), ' ');
const sendsOf = (outs: readonly { type: string; bytes?: Uint8Array }[]) =>
  outs.flatMap((o) => (o.type === 'send' && o.bytes !== undefined ? [toHex(o.bytes, ' ')] : [])).join(' ');

function terminal(outs: readonly T0ReaderOutput[]): string | undefined {
  for (const o of outs) {
    if (o.type === 'done') return `done ${toHex(o.response.data, ' ')} / ${o.response.sw.toString(16).toUpperCase().padStart(4, '0')}`;
    if (o.type === 'error') return `error ${o.error.reason}`;
  }
  return undefined;
}

const expected = (e: Exchange['expect']) => ('error' in e ? `error ${e.error}` : `done ${norm(e.data)} / ${e.sw}`);

test('t0 vectors: the reader machine puts the recorded bytes on the line', (t) => {
  t.true(exchanges.length >= 15);
  for (const row of exchanges) {
    const start = startT0Reader(command(row.command));
    if (!start.ok) {
      t.is(`error ${start.error.reason}`, expected(row.expect), row.name);
      continue;
    }
    let state: T0ReaderState = start.value.state;
    let sent = sendsOf(start.value.outputs);
    let want = '';
    let end: string | undefined;
    for (const step of row.line) {
      if ('reader' in step) {
        want = [want, norm(step.reader)].filter((s) => s !== '').join(' ');
        continue;
      }
      t.is(sent, want, `${row.name}: reader bytes before card ${step.card}`);
      const r = stepT0Reader(state, { type: 'received', bytes: hex(step.card) });
      state = r.state;
      sent = [sent, sendsOf(r.outputs)].filter((s) => s !== '').join(' ');
      end ??= terminal(r.outputs);
    }
    t.is(sent, want, `${row.name}: reader bytes at the end`);
    t.is(end, expected(row.expect), row.name);
  }
});

test('t0 vectors: the card machine answers with the recorded bytes', (t) => {
  const rows = exchanges.filter((r) => r.card !== undefined && r.response !== undefined);
  t.true(rows.length >= 8);
  for (const row of rows) {
    const card = row.card!;
    const response: ResponseApdu = { data: hex(row.response!.data), sw: parseInt(row.response!.sw, 16) };
    const outgoingIns = card.outgoingIns === undefined ? undefined : new Set(card.outgoingIns.map((s) => parseInt(s, 16)));
    let state = startT0Card(outgoingIns === undefined ? { ack: card.ack } : { ack: card.ack, outgoingIns });
    const outs: T0CardOutput[] = [];
    let want = '';
    for (const step of row.line) {
      if ('card' in step) {
        want = [want, norm(step.card)].filter((s) => s !== '').join(' ');
        continue;
      }
      t.is(sendsOf(outs), want, `${row.name}: card bytes before reader ${step.reader}`);
      let r = stepT0Card(state, { type: 'received', bytes: hex(step.reader) });
      for (;;) {
        state = r.state;
        outs.push(...r.outputs);
        if (!r.outputs.some((o) => o.type === 'apdu')) break;
        for (let i = 0; i < (card.busy ?? 0); i++) {
          const b = stepT0Card(state, { type: 'busy' });
          state = b.state;
          outs.push(...b.outputs);
        }
        r = stepT0Card(state, { type: 'response', response });
      }
    }
    t.is(sendsOf(outs), want, `${row.name}: card bytes at the end`);
    t.false(outs.some((o) => o.type === 'error'), row.name);
  }
});

const t0Command = arbCommandApdu(['1', '2S', '3S', '4S']).filter((c) => (c.ins & 0xf0) !== 0x60 && (c.ins & 0xf0) !== 0x90);
const t0Sw = fc
  .tuple(fc.constantFrom(0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6d, 0x6e, 0x6f, 0x90, 0x91, 0x9f), fc.integer({ min: 0, max: 255 }))
  .map(([s1, s2]) => (s1 << 8) | s2);

testProp(
  'reader and card over a simulated line: the reader delivers exactly what the card answered',
  [t0Command, fc.uint8Array({ maxLength: 700 }), t0Sw, fc.constantFrom<'all' | 'byte'>('all', 'byte'), fc.integer({ min: 0, max: 2 })],
  (t, cmd, data, sw, ack, busy) => {
    const isCase2 = cmd.data.length === 0 && cmd.ne > 0;
    const run = runLine(cmd, () => ({ data, sw }), { ack, outgoingIns: new Set(isCase2 ? [cmd.ins] : []) }, busy);
    t.deepEqual(run.cardErrors, []);
    t.is(run.end?.type, 'done', run.transcript.join(' | '));
    if (run.end?.type === 'done') {
      t.is(toHex(run.end.response.data), toHex(data));
      t.is(run.end.response.sw, sw);
    }
    // Le is not on the line for cases 1, 3 and 4: the card sees Ne = 0 there.
    t.deepEqual(run.seen, [{ ...cmd, ne: isCase2 ? cmd.ne : 0 }]);
  },
  { numRuns: 150 },
);

testProp(
  'the reader never throws on arbitrary card bytes and ends at most once',
  [arbCommandApdu(['1', '2S', '3S', '4S']), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 })],
  (t, cmd, chunks) => {
    const start = startT0Reader(cmd);
    if (!start.ok) {
      t.true(start.error.reason === 'bad-ins');
      return;
    }
    let state = start.value.state;
    const outs: T0ReaderOutput[] = [];
    for (const bytes of chunks) {
      const r = stepT0Reader(state, { type: 'received', bytes });
      state = r.state;
      outs.push(...r.outputs);
    }
    const firstEnd = outs.findIndex((o) => o.type !== 'send');
    if (firstEnd >= 0) t.true(outs.slice(firstEnd + 1).every((o) => o.type === 'error'));
    t.true(outs.filter((o) => o.type === 'done').length <= 1);
  },
);

testProp(
  'the card never throws on arbitrary reader bytes and caller events',
  [
    fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 20 }).map((bytes) => ({ type: 'received' as const, bytes })),
        fc.constant({ type: 'busy' as const }),
        fc.record({ data: fc.uint8Array({ maxLength: 300 }), sw: fc.integer({ min: 0, max: 0xffff }) }).map((response) => ({ type: 'response' as const, response })),
      ),
      { maxLength: 20 },
    ),
  ],
  (t, events) => {
    let state = startT0Card({ ack: 'byte' });
    for (const e of events) state = stepT0Card(state, e).state;
    t.true(['header', 'data', 'processing'].includes(state.phase));
  },
);

test('reader: WWT expiry, bytes after the end, and the round bound', (t) => {
  const start = startT0Reader(command('00 B0 00 00 02'), { maxRounds: 1 });
  if (!start.ok) return t.fail();
  const expired = stepT0Reader(start.value.state, { type: 'wwt-expired' });
  t.is(terminal(expired.outputs), 'error timeout');
  t.deepEqual(stepT0Reader(expired.state, { type: 'wwt-expired' }).outputs, []);
  t.is(terminal(stepT0Reader(expired.state, { type: 'received', bytes: hex('90') }).outputs), 'error unexpected-byte');
  const once = stepT0Reader(start.value.state, { type: 'received', bytes: hex('6C 01') });
  t.is(sendsOf(once.outputs), '00 B0 00 00 01');
  t.is(terminal(stepT0Reader(once.state, { type: 'received', bytes: hex('6C 01') }).outputs), 'error too-many-rounds');
  t.throws(() => startT0Reader(command('00 B0 00 00 02'), { maxRounds: -1 }), { instanceOf: RangeError });
});

test('reader: a state is not changed by stepping from it', (t) => {
  const start = startT0Reader(command('00 B0 00 00 02'));
  if (!start.ok) return t.fail();
  const s0 = start.value.state;
  const a = stepT0Reader(s0, { type: 'received', bytes: hex('B0 01') });
  const b = stepT0Reader(s0, { type: 'received', bytes: hex('B0 02 03 90 00') });
  t.is(terminal(b.outputs), 'done 02 03 / 9000');
  t.is(terminal(stepT0Reader(a.state, { type: 'received', bytes: hex('04 90 00') }).outputs), 'done 01 04 / 9000');
});

test('card: events out of turn, SWs T=0 cannot carry, invalid INS, dropped held response', (t) => {
  const idle = startT0Card();
  t.is(stepT0Card(idle, { type: 'busy' }).outputs[0]?.type, 'error');
  const outOfTurn = stepT0Card(idle, { type: 'response', response: { data: new Uint8Array(0), sw: 0x9000 } }).outputs[0];
  t.true(outOfTurn?.type === 'error' && outOfTurn.error.reason === 'unexpected-event');
  t.is(sendsOf(stepT0Card(idle, { type: 'received', bytes: hex('00 6A 00 00 00') }).outputs), '6D 00');

  const processing = stepT0Card(idle, { type: 'received', bytes: hex('00 20 00 01 00') });
  t.is(processing.outputs[0]?.type, 'apdu');
  for (const sw of [0x6101, 0x6c10, 0x6000, 0x1234]) {
    const r = stepT0Card(processing.state, { type: 'response', response: { data: new Uint8Array(0), sw } });
    t.true(r.outputs[0]?.type === 'error' && r.outputs[0].error.reason === 'bad-sw', sw.toString(16));
    t.is(r.state.phase, 'header');
  }
  const big = stepT0Card(processing.state, { type: 'response', response: { data: new Uint8Array(65537), sw: 0x9000 } });
  t.true(big.outputs[0]?.type === 'error' && big.outputs[0].error.reason === 'too-large');
  const early = stepT0Card(processing.state, { type: 'received', bytes: hex('00') });
  t.true(early.outputs[0]?.type === 'error' && early.outputs[0].error.reason === 'unexpected-byte');

  const held = stepT0Card(processing.state, { type: 'response', response: { data: hex('01 02'), sw: 0x9000 } });
  t.is(sendsOf(held.outputs), '61 02');
  // Another command drops the held data: SELECT's header gets an ACK, not the data.
  t.is(sendsOf(stepT0Card(held.state, { type: 'received', bytes: hex('00 A4 00 00 02') }).outputs), 'A4');
  t.is(sendsOf(stepT0Card(held.state, { type: 'received', bytes: hex('00 C0 00 00 02') }).outputs), 'C0 01 02 90 00');
});
