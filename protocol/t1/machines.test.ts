// Scenario tests of the reader and card machines: chaining, IFS, WTX,
// ABORT, RESYNCH, sequence numbers, error recovery and API misuse.
import test from 'ava';
import { hex, toHex } from '../bytes.js';
import { encodeT1Block, type T1Block } from './block.js';
import { initialT1Card, t1CardStep, type T1CardState } from './card.js';
import { initialT1Reader, t1ReaderStep, type T1ReaderState } from './reader.js';
import { SimulatedLine, type LineFault } from './simulated-line.js';

const lrc = { edc: 'lrc' } as const;
const enc = (b: T1Block) => toHex(encodeT1Block(b, lrc), ' ');
const data = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const transmits = (outs: readonly { type: string; bytes?: Uint8Array }[]) => outs.flatMap((o) => (o.type === 'transmit' && o.bytes ? [toHex(o.bytes, ' ')] : []));
const blocksFrom = (r: { line: readonly { from: string; sent: Uint8Array }[] }, from: string, pcbMask: number, pcb: number) =>
  r.line.filter((e) => e.from === from && ((e.sent[1] ?? 0) & pcbMask) === pcb);

test('1000-byte command and 1000-byte response with IFSC = IFSD = 32 are chained both ways', (t) => {
  const response = data(1000, 3);
  const line = new SimulatedLine({ ifsc: 32, ifsd: 32 }, { ifsc: 32, ifsd: 32 }, () => ({ response }));
  const command = data(1000);
  const r = line.run({ type: 'send', apdu: command });
  t.deepEqual(r.outcome, { deliver: response });
  t.deepEqual(r.commands, [command]);
  t.is(blocksFrom(r, 'reader', 0x80, 0x00).length, 32, '32 reader I-blocks');
  t.is(blocksFrom(r, 'card', 0x80, 0x00).length, 32, '32 card I-blocks');
  t.is(blocksFrom(r, 'card', 0xc0, 0x80).length, 31, '31 acknowledgements from the card');
  t.is(blocksFrom(r, 'reader', 0xc0, 0x80).length, 31, '31 acknowledgements from the reader');
  t.true(r.line.every((e) => e.sent.length <= 3 + 32 + 1), 'no INF over 32 bytes');
});

test('the same chains survive a line that damages every third block', (t) => {
  const faults: LineFault[] = Array.from({ length: 300 }, (_, i) =>
    i % 3 === 2 ? (i % 2 === 0 ? { kind: 'flip', at: i, bit: i % 8 } : { kind: 'drop' }) : { kind: 'pass' },
  );
  const response = data(1000, 3);
  const line = new SimulatedLine({ ifsc: 32, ifsd: 32 }, { ifsc: 32, ifsd: 32 }, () => ({ response }), faults);
  const r = line.run({ type: 'send', apdu: data(1000) });
  t.deepEqual(r.outcome, { deliver: response });
  t.deepEqual(r.commands, [data(1000)]);
});

test('N(S) alternates from one exchange to the next on both sides', (t) => {
  const line = new SimulatedLine({}, {}, () => ({ response: hex('90 00') }));
  const pcbs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = line.run({ type: 'send', apdu: hex('00 B0 00 00 00') });
    t.deepEqual(r.outcome, { deliver: hex('90 00') });
    pcbs.push(r.line.map((e) => toHex(e.sent.subarray(1, 2))).join('/'));
  }
  t.deepEqual(pcbs, ['00/00', '40/40', '00/00']);
});

test('WTX: the reader answers, reports the multiplier and applies it to one wait only', (t) => {
  let reader = initialT1Reader();
  reader = t1ReaderStep(reader, { type: 'send', apdu: hex('00 88 00 00 00') }).state;
  const w = t1ReaderStep(reader, { type: 'receive', bytes: hex(enc({ kind: 's', nad: 0, type: 'wtx', response: false, multiplier: 5 })) });
  t.deepEqual(w.outputs[0], { type: 'wtx', multiplier: 5 });
  t.deepEqual(transmits(w.outputs), [enc({ kind: 's', nad: 0, type: 'wtx', response: true, multiplier: 5 })]);
  t.is(w.state.waitMultiplier, 5);
  const answer = t1ReaderStep(w.state, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('90 00') })) });
  t.is(answer.state.waitMultiplier, 1);
  t.deepEqual(answer.outputs, [{ type: 'deliver', apdu: hex('90 00') }]);
});

test('WTX: the card sends its request again when the answer carries another multiplier', (t) => {
  let card = initialT1Card();
  card = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('00 88 00 00 00') })) }).state;
  const ask = t1CardStep(card, { type: 'request-wtx', multiplier: 2 });
  const request = enc({ kind: 's', nad: 0, type: 'wtx', response: false, multiplier: 2 });
  t.deepEqual(transmits(ask.outputs), [request]);
  card = t1CardStep(ask.state, { type: 'respond', apdu: hex('90 00') }).state;
  const wrong = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 's', nad: 0, type: 'wtx', response: true, multiplier: 3 })) });
  t.deepEqual(transmits(wrong.outputs), [request]);
  const right = t1CardStep(wrong.state, { type: 'receive', bytes: hex(enc({ kind: 's', nad: 0, type: 'wtx', response: true, multiplier: 2 })) });
  t.deepEqual(transmits(right.outputs), [enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('90 00') })]);
});

test('IFS: the IFSD the reader negotiates sizes the card\'s blocks; the IFSC the card announces sizes the reader\'s', (t) => {
  let ifscAsked = false;
  const line = new SimulatedLine({}, {}, () => {
    if (ifscAsked) return { response: data(600) };
    ifscAsked = true;
    return { response: hex('90 00'), ifsc: 254 };
  });
  t.deepEqual(line.run({ type: 'negotiate-ifsd', ifsd: 254 }).outcome, { ifsd: 254 });
  t.is(line.reader.ifsd, 254);
  t.is(line.card.ifsd, 254);
  t.deepEqual(line.run({ type: 'send', apdu: hex('00 A4 04 00 00') }).outcome, { deliver: hex('90 00') });
  t.is(line.reader.ifsc, 254);
  t.is(line.card.ifsc, 254);
  const r = line.run({ type: 'send', apdu: data(600) });
  t.deepEqual(r.outcome, { deliver: data(600) });
  t.deepEqual(blocksFrom(r, 'reader', 0x80, 0x00).map((e) => e.sent[2]), [254, 254, 92]);
  t.deepEqual(blocksFrom(r, 'card', 0x80, 0x00).map((e) => e.sent[2]), [254, 254, 92]);
});

test('ABORT either way ends the exchange cleanly and the next exchange works', (t) => {
  const line = new SimulatedLine({ ifsc: 16, ifsd: 16, maxResponseLength: 100 }, { ifsc: 16, ifsd: 16, maxCommandLength: 50 }, (c) => ({
    response: c.length === 5 ? data(300) : hex('90 00'),
  }));
  t.deepEqual(line.run({ type: 'send', apdu: data(200) }).outcome, { error: 'aborted' });
  t.deepEqual(line.run({ type: 'send', apdu: data(40) }).outcome, { deliver: hex('90 00') });
  t.deepEqual(line.run({ type: 'send', apdu: data(5) }).outcome, { error: 'response-too-long' });
  const r = line.run({ type: 'send', apdu: data(40, 1) });
  t.deepEqual(r.outcome, { deliver: hex('90 00') });
  t.deepEqual(r.commands, [data(40, 1)]);
});

test('the reader answers a card I-block with the wrong N(S) with an R-block', (t) => {
  const reader = t1ReaderStep(initialT1Reader(), { type: 'send', apdu: hex('00 B0 00 00 00') }).state;
  const r = t1ReaderStep(reader, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 1, more: false, inf: hex('90 00') })) });
  t.deepEqual(r.outputs, [{ type: 'transmit', bytes: hex(enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })) }]);
});

test('the reader refuses a card I-block longer than IFSD', (t) => {
  const reader = t1ReaderStep(initialT1Reader({ ifsd: 4 }), { type: 'send', apdu: hex('00 B0 00 00 00') }).state;
  const r = t1ReaderStep(reader, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: data(5) })) });
  t.deepEqual(transmits(r.outputs), [enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })]);
});

test('a card that keeps asking for the block again gets 3 retransmissions, then RESYNCH', (t) => {
  let reader: T1ReaderState = initialT1Reader();
  const first = t1ReaderStep(reader, { type: 'send', apdu: hex('00 B0 00 00 00') });
  reader = first.state;
  const nak = hex(enc({ kind: 'r', nad: 0, nr: 0, error: 'edc' }));
  const sent: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = t1ReaderStep(reader, { type: 'receive', bytes: nak });
    reader = r.state;
    sent.push(...transmits(r.outputs));
  }
  t.deepEqual(sent, [...transmits(first.outputs), ...transmits(first.outputs), ...transmits(first.outputs), '00 C0 00 C0']);
  t.is(reader.phase, 'resynch');
});

test('the reader answers an S(RESYNCH request) from the card with an R-block: only the reader resynchronises', (t) => {
  const reader = t1ReaderStep(initialT1Reader(), { type: 'send', apdu: hex('00 B0 00 00 00') }).state;
  const r = t1ReaderStep(reader, { type: 'receive', bytes: hex(enc({ kind: 's', nad: 0, type: 'resynch', response: false })) });
  t.deepEqual(transmits(r.outputs), [enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })]);
});

function cardAfterOneExchange(): T1CardState {
  let card = initialT1Card();
  card = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('00 B0 00 00 00') })) }).state;
  return t1CardStep(card, { type: 'respond', apdu: hex('90 00') }).state;
}

test('the card sends its last block again only when the R-block asks for that N(S)', (t) => {
  const card = cardAfterOneExchange();
  const again = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })) });
  t.deepEqual(transmits(again.outputs), [enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('90 00') })]);
  // N(R) = 1: the reader has the response and lost its own next block; the card asks for it.
  const next = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'r', nad: 0, nr: 1, error: 'other' })) });
  t.deepEqual(transmits(next.outputs), [enc({ kind: 'r', nad: 0, nr: 1, error: 'other' })]);
});

test('the card answers an I-block with the wrong N(S) with an R-block and executes nothing', (t) => {
  const card = cardAfterOneExchange();
  const r = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('00 B0 00 00 00') })) });
  t.deepEqual(r.outputs, [{ type: 'transmit', bytes: hex(enc({ kind: 'r', nad: 0, nr: 1, error: 'other' })) }]);
});

test('the card refuses a reader I-block longer than IFSC, and a block with the wrong NAD', (t) => {
  const card = initialT1Card({ ifsc: 4 });
  const long = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: data(5) })) });
  t.deepEqual(transmits(long.outputs), [enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })]);
  const nad = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0x12, ns: 0, more: false, inf: data(2) })) });
  t.deepEqual(transmits(nad.outputs), [enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })]);
  const edc = t1CardStep(card, { type: 'receive', bytes: hex('00 00 01 00 02') });
  t.deepEqual(transmits(edc.outputs), [enc({ kind: 'r', nad: 0, nr: 0, error: 'edc' })]);
});

test('a processing card ignores blocks but obeys RESYNCH and drops the command', (t) => {
  let card = initialT1Card();
  card = t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'i', nad: 0, ns: 0, more: false, inf: hex('00 B0 00 00 00') })) }).state;
  t.is(card.phase, 'processing');
  t.deepEqual(t1CardStep(card, { type: 'receive', bytes: hex(enc({ kind: 'r', nad: 0, nr: 0, error: 'other' })) }).outputs, []);
  const r = t1CardStep(card, { type: 'receive', bytes: hex('00 C0 00 C0') });
  t.deepEqual(r.outputs, [{ type: 'resynchronized' }, { type: 'transmit', bytes: hex('00 E0 00 E0') }]);
  t.is(r.state.phase, 'receiving');
  t.throws(() => t1CardStep(r.state, { type: 'respond', apdu: hex('90 00') }), { instanceOf: TypeError });
});

test('a dead reader fails every send; an idle reader ignores stray blocks and timeouts', (t) => {
  const line = new SimulatedLine({}, {}, () => ({ response: hex('90 00') }), Array.from({ length: 8 }, () => ({ kind: 'drop' as const })));
  t.deepEqual(line.run({ type: 'send', apdu: hex('00 B0 00 00 00') }).outcome, { error: 'resynch-failed' });
  t.is(line.reader.phase, 'dead');
  t.deepEqual(t1ReaderStep(line.reader, { type: 'send', apdu: hex('00') }).outputs, [{ type: 'error', reason: 'dead' }]);
  t.deepEqual(t1ReaderStep(line.reader, { type: 'negotiate-ifsd', ifsd: 254 }).outputs, [{ type: 'error', reason: 'dead' }]);
  const idle = initialT1Reader();
  t.deepEqual(t1ReaderStep(idle, { type: 'timeout' }), { state: idle, outputs: [] });
  t.deepEqual(t1ReaderStep(idle, { type: 'receive', bytes: hex('00 00 02 90 00 92') }), { state: idle, outputs: [] });
});

test('programmer errors are thrown at the API', (t) => {
  const busy = t1ReaderStep(initialT1Reader(), { type: 'send', apdu: hex('00') }).state;
  t.throws(() => t1ReaderStep(busy, { type: 'send', apdu: hex('00') }), { instanceOf: TypeError });
  t.throws(() => t1ReaderStep(initialT1Reader(), { type: 'send', apdu: new Uint8Array(0) }), { instanceOf: RangeError });
  t.throws(() => t1ReaderStep(initialT1Reader(), { type: 'negotiate-ifsd', ifsd: 255 }), { instanceOf: RangeError });
  t.throws(() => initialT1Reader({ ifsc: 0 }), { instanceOf: RangeError });
  t.throws(() => initialT1Card({ nad: 256 }), { instanceOf: RangeError });
  t.throws(() => t1CardStep(initialT1Card(), { type: 'respond', apdu: hex('90 00') }), { instanceOf: TypeError });
  t.throws(() => t1CardStep(initialT1Card(), { type: 'request-wtx', multiplier: 2 }), { instanceOf: TypeError });
});
