import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow } from '../test-support.js';
import { crc16CcittFalse } from './crc16.js';
import { encodeLinkFrame, LINK_MAX_FRAME, LINK_MAX_PAYLOAD, linkFrameCodec, parseLinkFrame, parseLinkFramePrefix, type LinkFrame } from './frame.js';
import { linkFrameArb } from './test-support.js';

type JsonFrame = { kind: 'data'; seq: number; first: boolean; last: boolean; messageId: number; payload: string } | Exclude<LinkFrame, { kind: 'data' }>;

export interface LinkJson {
  crc: { name: string; hex: string; crc: string }[];
  frames: { name: string; hex: string; frame: JsonFrame }[];
  badFrames: BadRow[];
  messages: { name: string; hex: string; message: Record<string, unknown> }[];
  badMessages: BadRow[];
}

const vectors = loadVectors<LinkJson>('link');

test('CRC-16/CCITT-FALSE: the catalogue check value and the vector table', (t) => {
  t.is(crc16CcittFalse(new TextEncoder().encode('123456789')), 0x29b1);
  for (const row of vectors.crc) t.is(crc16CcittFalse(hex(row.hex)).toString(16).toUpperCase().padStart(4, '0'), row.crc, row.name);
  t.is(crc16CcittFalse(hex('00 11 22 33'), 1, 3), crc16CcittFalse(hex('11 22')), 'a range is the CRC of its bytes');
});

test('frames, four directions (hex from an independent CRC implementation)', (t) => {
  checkVectors(
    t,
    linkFrameCodec,
    vectors.frames.map((r) => ({ name: r.name, hex: r.hex, value: r.frame.kind === 'data' ? { ...r.frame, payload: hex(r.frame.payload) } : r.frame })),
  );
});

test('bad frames fail with their reason and offset', (t) => {
  checkBad(t, parseLinkFrame, vectors.badFrames);
});

test('a full frame is exactly one 64-byte HID report', (t) => {
  const frame = encodeLinkFrame({ kind: 'data', seq: 0, first: true, last: true, messageId: 0, payload: new Uint8Array(LINK_MAX_PAYLOAD) });
  t.is(frame.length, LINK_MAX_FRAME);
  t.is(LINK_MAX_FRAME, 64);
});

test('the encoder refuses what the frame cannot carry', (t) => {
  const data = { kind: 'data', seq: 0, first: true, last: true, messageId: 0, payload: new Uint8Array(0) } as const;
  t.throws(() => encodeLinkFrame({ ...data, payload: new Uint8Array(LINK_MAX_PAYLOAD + 1) }), { instanceOf: RangeError });
  t.throws(() => encodeLinkFrame({ ...data, seq: 256 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkFrame({ ...data, messageId: 8 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkFrame({ kind: 'reset', nonce: -1 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkFrame({ kind: 'ack', seq: 1.5 }), { instanceOf: RangeError });
});

test('the prefix parser reads one frame and leaves the rest', (t) => {
  const ack = encodeLinkFrame({ kind: 'ack', seq: 3 });
  const r = parseLinkFramePrefix(hex(`${toHex(ack)} A5 00`));
  t.true(r.ok && r.value.bytesRead === ack.length && r.value.value.kind === 'ack');
});

testProp('round trip over arbitrary frames', [linkFrameArb], (t, frame) => {
  const r = parseLinkFrame(encodeLinkFrame(frame));
  t.true(r.ok);
  if (r.ok) t.deepEqual(r.value, frame);
});

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 80 })], (t, bytes) => {
  const r = parseLinkFrame(bytes);
  t.is(typeof r.ok, 'boolean');
});

testProp('parse never throws on bytes that start like a frame', [fc.uint8Array({ maxLength: 70 })], (t, bytes) => {
  const r = parseLinkFrame(Uint8Array.of(0xa5, bytes.length % 60, ...bytes));
  t.is(typeof r.ok, 'boolean');
});

testProp('every strict prefix of a frame is truncated', [linkFrameArb], (t, frame) => {
  t.true(everyPrefixTruncated(parseLinkFrame, encodeLinkFrame(frame)));
});

testProp('any single changed byte is rejected (CRC-16 catches every burst up to 16 bits)', [linkFrameArb, fc.nat(), fc.integer({ min: 1, max: 255 })], (t, frame, at, xor) => {
  const bytes = encodeLinkFrame(frame);
  const i = at % bytes.length;
  bytes[i] = bytes[i]! ^ xor;
  const r = parseLinkFrame(bytes);
  // A changed length may make the frame look truncated or too long; it never parses.
  t.false(r.ok);
});
