import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import { arbTag } from './arbitraries.js';
import { decodeTag, parseTagHex, tagByteLength, tagHex, tagToBytes, type TlvClass } from './tag.js';

const known: [number, TlvClass, boolean, number][] = [
  [0x65, 'application', true, 5],
  [0x80, 'context', false, 0],
  [0x93, 'context', false, 19],
  [0x5a, 'application', false, 26],
  [0x6f, 'application', true, 15],
  [0xe0, 'private', true, 0],
  [0xec, 'private', true, 12],
  [0x7f21, 'application', true, 33],
  [0x5f37, 'application', false, 55],
  [0x9f02, 'context', false, 2],
  [0x1f20, 'universal', false, 32],
  [0xbf8101, 'context', true, 129],
  [0xbf9002, 'context', true, 2050],
  [0xdf818203, 'private', false, (1 * 128 + 2) * 128 + 3],
];

test('decodeTag reads class, constructed bit and tag number (X.690 §8.1.2)', (t) => {
  for (const [tag, tagClass, constructed, number] of known) {
    const r = decodeTag(tag);
    if (!r.ok) {
      t.fail(`${tagHex(tag)}: ${r.error.message}`);
      continue;
    }
    t.like(r.value, { tag, tagClass, constructed, number }, tagHex(tag));
    t.is(toHex(r.value.bytes), tagHex(tag));
  }
});

test('decodeTag refuses malformed tags', (t) => {
  const bad = [0, -1, 1.5, 0x1_0000_0000, 0x1f, 0xff, 0xff01, 0x6580, 0x5f80, 0xbf0101, 0x5f81, 0x5f818180];
  for (const tag of bad) {
    const r = decodeTag(tag);
    t.true(!r.ok && r.error.reason === 'bad-tag', String(tag));
  }
  t.false(decodeTag(0xbf8101, 2).ok, 'maxBytes');
});

test('tag hex round trip and refusals', (t) => {
  t.is(tagHex(0xbf8101), 'BF8101');
  t.is(tagByteLength(0x7f21), 2);
  t.is(toHex(tagToBytes(0x5f37)), '5F37');
  const ok = parseTagHex('bf 81 01');
  t.true(ok.ok && ok.value === 0xbf8101);
  for (const text of ['', '8', '00 80', 'GG', '1F', '80 80', 'DF 81 82 83 01']) {
    const r = parseTagHex(text);
    t.true(!r.ok && r.error.reason === 'bad-tag', text);
  }
});

testProp('every generated tag decodes and re-reads from its hex', [fc.boolean().chain((c) => arbTag(c, 4).map((tag) => [tag, c] as const))], (t, [tag, constructed]) => {
  const r = decodeTag(tag);
  t.true(r.ok && r.value.constructed === constructed);
  const back = parseTagHex(tagHex(tag));
  t.true(back.ok && back.value === tag);
});
