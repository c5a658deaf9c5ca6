import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow } from '../test-support.js';
import { encodeVpcdFrame, parseVpcdFrame, parseVpcdFramePrefix, vpcdFrameCodec, VPCD_MAX_PAYLOAD } from './frame.js';
import { createVpcdFramer, type VpcdFramer } from './framer.js';
import { parseVpcdMessage, vpcdMessageCodec, type VpcdMessage } from './message.js';

interface VpcdJson {
  fromVpcd: { name: string; hex: string; message: { kind: 'control'; control: string } | { kind: 'apdu'; apdu: string } }[];
  fromCard: { name: string; hex: string; payload: string }[];
  exchanges: { name: string; steps: { from: 'vpcd' | 'card'; hex: string }[] }[];
  badFrames: BadRow[];
  badMessages: BadRow[];
}

const vectors = loadVectors<VpcdJson>('vpcd');

function toMessage(m: VpcdJson['fromVpcd'][number]['message']): VpcdMessage {
  return m.kind === 'apdu' ? { kind: 'apdu', apdu: hex(m.apdu) } : (m as VpcdMessage);
}

/** The payload of a frame vector, as hex. */
function payloadOf(frameHex: string): string {
  return toHex(hex(frameHex).subarray(2));
}

test('frames from vpcd: frame and message codecs, four directions', (t) => {
  checkVectors(t, vpcdFrameCodec, vectors.fromVpcd.map((r) => ({ name: r.name, hex: r.hex, value: hex(payloadOf(r.hex)) })));
  checkVectors(t, vpcdMessageCodec, vectors.fromVpcd.map((r) => ({ name: r.name, hex: payloadOf(r.hex), value: toMessage(r.message) })));
});

test('frames from the card, four directions', (t) => {
  checkVectors(t, vpcdFrameCodec, vectors.fromCard.map((r) => ({ name: r.name, hex: r.hex, value: hex(r.payload) })));
});

test('bad frames and bad messages fail with their reason', (t) => {
  checkBad(t, parseVpcdFrame, vectors.badFrames);
  checkBad(t, parseVpcdMessage, vectors.badMessages);
});

test('encoders refuse what the wire cannot carry', (t) => {
  t.throws(() => encodeVpcdFrame(new Uint8Array(VPCD_MAX_PAYLOAD + 1)), { instanceOf: RangeError });
  t.is(encodeVpcdFrame(new Uint8Array(VPCD_MAX_PAYLOAD)).length, VPCD_MAX_PAYLOAD + 2);
  t.throws(() => vpcdMessageCodec.encode({ kind: 'apdu', apdu: hex('00') }), { instanceOf: RangeError });
  t.throws(() => createVpcdFramer({ maxPayload: 65_536 }), { instanceOf: RangeError });
});

/** Feed chunks to a fresh framer; collect frames and check it ends clean. */
function frameAll(chunks: readonly Uint8Array[], framer: VpcdFramer = createVpcdFramer()): { frames: string[]; end: string | null } {
  const frames: string[] = [];
  for (const c of chunks) {
    const r = framer.push(c);
    frames.push(...r.frames.map((f) => toHex(f)));
  }
  return { frames, end: framer.end()?.reason ?? null };
}

/** Frames of a stream read with the prefix parser, as the reference. */
function framesOf(stream: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at < stream.length; ) {
    const r = parseVpcdFramePrefix(stream.subarray(at));
    if (!r.ok) throw new Error(r.error.message);
    out.push(toHex(r.value.value));
    at += r.value.bytesRead;
  }
  return out;
}

test('recorded exchanges: the framer gives each side its frames, and vpcd frames are messages', (t) => {
  for (const ex of vectors.exchanges) {
    for (const side of ['vpcd', 'card'] as const) {
      const chunks = ex.steps.filter((s) => s.from === side).map((s) => hex(s.hex));
      const { frames, end } = frameAll(chunks);
      t.deepEqual(frames, framesOf(concatBytes(...chunks)), `${ex.name} (${side})`);
      t.is(end, null);
      if (side === 'vpcd') for (const f of frames) t.true(parseVpcdMessage(hex(f)).ok, f);
    }
  }
  const split = vectors.exchanges[1]!.steps.filter((s) => s.from === 'vpcd').map((s) => hex(s.hex));
  const framer = createVpcdFramer();
  t.deepEqual(framer.push(split[0]!).frames, []);
  t.is(framer.buffered, 2);
  t.deepEqual(framer.push(split[1]!).frames.map((f) => toHex(f)), ['00A40000023F00']);
});

test('an empty frame is a frame; the framer yields it', (t) => {
  t.deepEqual(frameAll([hex('00 00 00 01 04')]).frames, ['', '04']);
});

test('an over-long length breaks the framer for good', (t) => {
  const framer = createVpcdFramer({ maxPayload: 261 });
  const r = framer.push(hex('00 01 04 01 06 00'));
  t.deepEqual(r.frames.map((f) => toHex(f)), ['04']);
  t.like(r.error, { reason: 'too-large', offset: 3 });
  t.like(framer.push(hex('00 01 04')), { frames: [], error: { reason: 'too-large' } });
  t.is(framer.end()?.reason, 'too-large');
  t.is(framer.buffered, 0);
});

test('a stream that stops inside a frame ends truncated', (t) => {
  const framer = createVpcdFramer();
  framer.push(hex('00 05 00 A4'));
  t.like(framer.end(), { reason: 'truncated', offset: 4 });
});

const arbPayloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 });

/** Split `bytes` at the given cut points (any order, duplicates allowed). */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

testProp('the framer gives the same frames however the stream is split', [arbPayloads, fc.array(fc.nat(), { maxLength: 40 })], (t, payloads, cuts) => {
  const stream = concatBytes(...payloads.map(encodeVpcdFrame));
  const { frames, end } = frameAll(splitAt(stream, cuts));
  t.deepEqual(frames, payloads.map((p) => toHex(p)));
  t.is(end, null);
});

testProp('byte-by-byte feeding gives the same frames', [arbPayloads], (t, payloads) => {
  const stream = concatBytes(...payloads.map(encodeVpcdFrame));
  const { frames } = frameAll(Array.from(stream, (b) => Uint8Array.of(b)));
  t.deepEqual(frames, payloads.map((p) => toHex(p)));
}, { numRuns: 30 });

testProp('strict prefixes of a frame give no frame, and parse as truncated', [fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 })], (t, payload, cuts) => {
  const frame = encodeVpcdFrame(payload);
  t.true(everyPrefixTruncated(parseVpcdFrame, frame));
  const n = cuts.length === 0 ? 0 : cuts[0]! % frame.length;
  const { frames, end } = frameAll(splitAt(frame.subarray(0, n), cuts));
  t.deepEqual(frames, []);
  t.is(end, n === 0 ? null : 'truncated');
});

testProp('round trip over arbitrary messages from vpcd', [
  fc.oneof(
    fc.constantFrom('power-off', 'power-on', 'reset', 'get-atr' as const).map((control): VpcdMessage => ({ kind: 'control', control })),
    fc.uint8Array({ minLength: 2, maxLength: 300 }).map((apdu): VpcdMessage => ({ kind: 'apdu', apdu })),
  ),
], (t, message) => {
  const frame = encodeVpcdFrame(vpcdMessageCodec.encode(message));
  const payload = parseVpcdFrame(frame);
  if (!payload.ok) return t.fail(payload.error.message);
  t.deepEqual(parseVpcdMessage(payload.value), { ok: true, value: message });
});

testProp('parsers and the framer never throw on random bytes', [fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 300 })], (t, bytes, maxPayload) => {
  const frame = parseVpcdFrame(bytes);
  if (frame.ok) t.is(toHex(encodeVpcdFrame(frame.value)), toHex(bytes));
  const message = parseVpcdMessage(bytes);
  if (message.ok) t.is(toHex(vpcdMessageCodec.encode(message.value)), toHex(bytes));
  const framer = createVpcdFramer({ maxPayload });
  const r = framer.push(bytes);
  t.true(r.error === null || r.error.reason === 'too-large');
  t.true(framer.buffered <= maxPayload + 2);
});
