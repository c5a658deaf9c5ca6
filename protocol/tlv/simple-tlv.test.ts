import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated } from '../test-support.js';
import { arbSimpleTlv } from './arbitraries.js';
import {
  encodeSimpleTlv,
  encodeSimpleTlvNode,
  parseSimpleTlv,
  parseSimpleTlvNode,
  parseSimpleTlvPrefix,
  simpleTlv,
  simpleTlvCodec,
  simpleTlvNodeCodec,
  type SimpleTlvNode,
} from './simple-tlv.js';
import { simpleRows, tlvVectors } from './vectors.js';

test('SIMPLE-TLV vectors, four directions', (t) => {
  t.true(simpleRows.length >= 4);
  checkVectors(t, simpleTlvCodec, simpleRows);
});

test('bad SIMPLE-TLV fails with its reason and offset', (t) => {
  checkBad(t, parseSimpleTlv, tlvVectors.badSimpleTlv);
});

test('the length switches to FF xx xx at 255 bytes', (t) => {
  t.is(toHex(encodeSimpleTlvNode(simpleTlv(0x01, new Uint8Array(254))).subarray(0, 2)), '01FE');
  t.is(toHex(encodeSimpleTlvNode(simpleTlv(0x01, new Uint8Array(255))).subarray(0, 4)), '01FF00FF');
  t.is(toHex(encodeSimpleTlvNode(simpleTlv(0x01, new Uint8Array(0xffff))).subarray(0, 4)), '01FFFFFF');
  const node = parseSimpleTlvNode(encodeSimpleTlvNode(simpleTlv(0x01, new Uint8Array(300).fill(7))));
  t.true(node.ok && node.value.value.length === 300 && node.value.lengthSize === 3);
});

test('prefix, single-object and limits', (t) => {
  const p = parseSimpleTlvPrefix(hex('01 02 AB CD 90 00'));
  t.true(p.ok && p.value.bytesRead === 4);
  const one = parseSimpleTlvNode(hex('01 00 02 00'));
  t.true(!one.ok && one.error.reason === 'trailing-bytes' && one.error.offset === 2);
  const many = parseSimpleTlv(hex('01 00 01 00 01 00'), { maxNodes: 2 });
  t.true(!many.ok && many.error.reason === 'too-large');
  const big = parseSimpleTlv(new Uint8Array(10).fill(1), { maxBytes: 9 });
  t.true(!big.ok && big.error.reason === 'too-large');
  const named = parseSimpleTlv(hex('01 01 41 7E 05'));
  t.true(!named.ok && named.error.path === 'simple-tlv/7E/value');
});

test('builder and encoder refuse what no parse could give', (t) => {
  t.throws(() => simpleTlv(0x00, hex('41')), { instanceOf: RangeError });
  t.throws(() => simpleTlv(0xff, hex('41')), { instanceOf: RangeError });
  t.throws(() => simpleTlv(0x01, new Uint8Array(0x10000)), { instanceOf: RangeError });
  t.throws(() => simpleTlv(0x01, new Uint8Array(255), 1), { instanceOf: RangeError });
  const odd = { tag: 1, lengthSize: 2, value: hex('41') } as unknown as SimpleTlvNode;
  t.throws(() => encodeSimpleTlv([odd]), { instanceOf: RangeError });
});

testProp('round trip over arbitrary SIMPLE-TLV sequences', [fc.array(arbSimpleTlv, { maxLength: 5 })], (t, nodes) => {
  const bytes = encodeSimpleTlv(nodes);
  const back = parseSimpleTlv(bytes);
  if (!back.ok) return t.fail(back.error.message);
  t.deepEqual(back.value, nodes);
  t.is(toHex(encodeSimpleTlv(back.value)), toHex(bytes));
});

testProp('every strict prefix of a SIMPLE-TLV object is truncated', [arbSimpleTlv], (t, node) => {
  t.true(everyPrefixTruncated(parseSimpleTlvNode, encodeSimpleTlvNode(node)));
  const back = simpleTlvNodeCodec.parse(simpleTlvNodeCodec.encode(node));
  t.true(back.ok);
}, { numRuns: 60 });

testProp('parse never throws on random bytes, and what it accepts re-encodes exactly', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  const r = parseSimpleTlv(bytes);
  if (r.ok) t.is(toHex(encodeSimpleTlv(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
}, { numRuns: 500 });
