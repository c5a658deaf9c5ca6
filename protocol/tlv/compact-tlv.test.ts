import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, type VectorRow } from '../test-support.js';
import {
  compactTlvCodec,
  compactTlvObject,
  encodeCompactTlv,
  parseCompactTlv,
  parseCompactTlvPrefix,
  type CompactTlvObject,
} from './compact-tlv.js';

const o = (tag: number, value: string): CompactTlvObject => ({ tag, value: hex(value) });

const rows: VectorRow<readonly CompactTlvObject[]>[] = [
  { name: 'empty field', hex: '', value: [] },
  { name: 'card service data (7816-4 §8.1.1.2.3)', hex: '31 80', value: [o(3, '80')] },
  { name: 'card capabilities, 3 bytes', hex: '73 BE 21 80', value: [o(7, 'BE 21 80')] },
  { name: 'status indicator LCS SW1 SW2', hex: '83 05 90 00', value: [o(8, '05 90 00')] },
  { name: 'zero-length object', hex: '50', value: [o(5, '')] },
  {
    name: 'CPS3 contactless historical bytes after 80 (DOMAIN.md)',
    hex: '31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00',
    value: [o(3, 'B8'), o(6, '04 B0 EC C1'), o(7, '94 01 80'), o(8, '90 00')],
  },
  {
    name: 'AID of 15 bytes (the longest value)',
    hex: 'FF A0 00 00 00 63 50 4B 43 53 2D 31 35 00 00 00',
    value: [o(15, 'A0 00 00 00 63 50 4B 43 53 2D 31 35 00 00 00')],
  },
];

test('COMPACT-TLV vectors, four directions', (t) => {
  checkVectors(t, compactTlvCodec, rows);
});

test('bad COMPACT-TLV fields', (t) => {
  checkBad(t, parseCompactTlv, [
    { name: 'length 2, one byte left', hex: '42 3F', reason: 'truncated', offset: 2 },
    { name: 'second object cut', hex: '31 80 73 BE', reason: 'truncated', offset: 4 },
    { name: 'AID of 15 bytes with 14', hex: 'FF A0 00 00 00 63 50 4B 43 53 2D 31 35 00 00', reason: 'truncated' },
  ]);
});

test('the error path names the object offset', (t) => {
  const r = parseCompactTlv(hex('31 80 73 BE'));
  t.false(r.ok);
  if (!r.ok) t.is(r.error.path, 'compact-tlv/2/value');
});

test('the prefix parser reads one object and leaves the rest', (t) => {
  const r = parseCompactTlvPrefix(hex('00 31 80 65'), 1);
  t.true(r.ok);
  if (r.ok) {
    t.is(r.value.bytesRead, 2);
    t.is(r.value.value.tag, 3);
    t.is(toHex(r.value.value.value), '80');
  }
  const empty = parseCompactTlvPrefix(hex('31 80'), 2);
  t.true(!empty.ok && empty.error.reason === 'truncated');
});

test('the smart constructor and encode refuse out-of-range objects', (t) => {
  const reason = (r: ReturnType<typeof compactTlvObject>) => (r.ok ? 'ok' : r.error.reason);
  t.is(reason(compactTlvObject(16, hex('00'))), 'bad-tag');
  t.is(reason(compactTlvObject(-1, hex('00'))), 'bad-tag');
  t.is(reason(compactTlvObject(1, new Uint8Array(16))), 'too-large');
  t.is(reason(compactTlvObject(15, new Uint8Array(15))), 'ok');
  t.throws(() => encodeCompactTlv([{ tag: 1, value: new Uint8Array(16) }]), { instanceOf: RangeError });
  t.throws(() => encodeCompactTlv([{ tag: 0x10, value: new Uint8Array(0) }]), { instanceOf: RangeError });
});

const arbObject = fc.record({ tag: fc.integer({ min: 0, max: 15 }), value: fc.uint8Array({ maxLength: 15 }) });

testProp('round trip over arbitrary object lists', [fc.array(arbObject, { maxLength: 8 })], (t, objects) => {
  const bytes = encodeCompactTlv(objects);
  const back = parseCompactTlv(bytes);
  t.true(back.ok);
  if (back.ok) {
    t.deepEqual(back.value, objects);
    t.is(toHex(encodeCompactTlv(back.value)), toHex(bytes));
  }
});

testProp('parse never throws, and what it accepts re-encodes to the same bytes', [fc.uint8Array({ maxLength: 64 })], (t, bytes) => {
  const r = parseCompactTlv(bytes);
  if (r.ok) t.is(toHex(encodeCompactTlv(r.value)), toHex(bytes));
  else t.is(r.error.reason, 'truncated');
});

testProp('every strict prefix of one object is truncated', [arbObject], (t, object) => {
  const bytes = encodeCompactTlv([object]);
  t.true(everyPrefixTruncated((b) => parseCompactTlvPrefix(b), bytes));
});
