import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex } from '../bytes.js';
import { encodeLinkFrame, LINK_MAX_FRAME, type LinkFrame } from './frame.js';
import { createLinkFramer } from './framer.js';
import { linkFrameArb } from './test-support.js';

/** Feed chunks to one framer; everything it produced. */
function frameAll(chunks: readonly Uint8Array[]) {
  const framer = createLinkFramer();
  const frames: LinkFrame[] = [];
  const reasons: string[] = [];
  for (const c of chunks) {
    const r = framer.push(c);
    frames.push(...r.frames);
    reasons.push(...r.errors.map((e) => e.reason));
  }
  return { frames, reasons, stats: framer.stats, buffered: framer.buffered };
}

/** Cut `bytes` at the given points. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

const ack = (seq: number) => encodeLinkFrame({ kind: 'ack', seq });

test('frames split across reads come out whole', (t) => {
  const a = ack(1);
  const b = encodeLinkFrame({ kind: 'data', seq: 0, first: true, last: true, messageId: 0, payload: hex('01 00 01') });
  const r = frameAll([a.subarray(0, 2), concatBytes(a.subarray(2), b.subarray(0, 5)), b.subarray(5)]);
  t.deepEqual(r.frames.map((f) => f.kind), ['ack', 'data']);
  t.deepEqual(r.stats, { frames: 2, rejected: 0, skippedBytes: 0 });
  t.is(r.buffered, 0);
});

test('HID reports padded with zeros: the padding is fill, not garbage', (t) => {
  const report = (frame: Uint8Array) => concatBytes(frame, new Uint8Array(LINK_MAX_FRAME - frame.length));
  const r = frameAll([report(ack(1)), report(ack(2)), new Uint8Array(64)]);
  t.deepEqual(r.frames, [{ kind: 'ack', seq: 1 }, { kind: 'ack', seq: 2 }]);
  t.deepEqual(r.stats, { frames: 2, rejected: 0, skippedBytes: 0 });
});

test('garbage and a bad-CRC frame are skipped and counted; the frame behind them is found', (t) => {
  const bad = ack(7);
  bad[5] = bad[5]! ^ 0x40;
  // A5 10 announces 16 payload bytes and swallows the real ack behind it: the CRC fails and the scan resumes inside.
  const r = frameAll([concatBytes(hex('31 32 A5 10'), ack(1), bad, ack(2), new Uint8Array(20))]);
  t.deepEqual(r.frames, [{ kind: 'ack', seq: 1 }, { kind: 'ack', seq: 2 }]);
  t.deepEqual(r.reasons, ['bad-crc', 'bad-crc']);
  t.is(r.stats.rejected, 2);
  // 31 32 A5 10, then the bad ack but for its length byte 00 (zero bytes are fill).
  t.is(r.stats.skippedBytes, 4 + bad.length - 1);
});

test('a length past 58 is rejected at once, without waiting for more bytes', (t) => {
  const r = frameAll([hex('A5 FF')]);
  t.deepEqual(r.reasons, ['too-large']);
  t.is(r.buffered, 0);
});

test('memory stays bounded: at most one frame is held', (t) => {
  const framer = createLinkFramer();
  for (let i = 0; i < 100; i++) framer.push(hex('A5 3A 00 00 00 00 00 00 00 00'));
  t.true(framer.buffered < LINK_MAX_FRAME);
});

const noisyStream = fc
  .array(fc.tuple(linkFrameArb, fc.uint8Array({ maxLength: 6 }), fc.nat({ max: 3 })), { maxLength: 12 })
  .map((parts) => concatBytes(...parts.flatMap(([f, junk, zeros]) => [encodeLinkFrame(f), junk, new Uint8Array(zeros)])));

testProp('the same frames and errors however the stream is split', [noisyStream, fc.array(fc.nat(), { maxLength: 20 })], (t, stream, cuts) => {
  const whole = frameAll([stream]);
  const pieces = frameAll(split(stream, cuts));
  t.deepEqual(pieces.frames, whole.frames);
  t.deepEqual(pieces.reasons, whole.reasons);
  t.deepEqual(pieces.stats, whole.stats);
  t.deepEqual(frameAll(Array.from(stream, (b) => Uint8Array.of(b))).frames, whole.frames, 'byte by byte');
});

testProp('every frame of a clean stream is delivered, in order', [fc.array(linkFrameArb, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 })], (t, frames, cuts) => {
  const stream = concatBytes(...frames.map((f) => encodeLinkFrame(f)));
  t.deepEqual(frameAll(split(stream, cuts)).frames, frames);
});

testProp('with bytes changed in the stream, no delivered frame is one that was not sent', [fc.array(linkFrameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 })], (t, frames, changes) => {
  const encoded = frames.map((f) => encodeLinkFrame(f));
  const stream = concatBytes(...encoded);
  for (const [at, xor] of changes) stream[at % stream.length] = stream[at % stream.length]! ^ xor;
  const sent = new Set(encoded.map((e) => e.join(',')));
  const delivered = frameAll([stream]).frames;
  t.true(delivered.length <= frames.length + changes.length);
  for (const f of delivered) t.true(sent.has(encodeLinkFrame(f).join(',')));
});

testProp('push never throws on random bytes', [fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 })], (t, chunks) => {
  const framer = createLinkFramer();
  for (const c of chunks) framer.push(c);
  t.true(framer.buffered < LINK_MAX_FRAME);
});
