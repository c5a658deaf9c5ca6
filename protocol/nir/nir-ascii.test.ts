import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow } from '../test-support.js';
import { arbNir } from './arbitraries.js';
import { encodeNirAscii, nirAsciiCodec, parseNirAscii } from './nir-ascii.js';
import { formatNir, parseNir, type Nir } from './nir.js';

interface Vectors {
  valid: { compact: string; value: Nir }[];
  ascii: { name: string; hex: string; compact: string }[];
  asciiBad: BadRow[];
}
const vectors = loadVectors<Vectors>('nir');

test('stored NIR vectors, four directions', (t) => {
  const rows = vectors.ascii.map((r) => {
    const parsed = parseNir(r.compact);
    if (!parsed.ok) throw new Error(`vector ${r.name} does not parse`);
    return { name: r.name, hex: r.hex, value: parsed.value };
  });
  t.true(rows.length >= 8);
  checkVectors(t, nirAsciiCodec, rows);
});

test('bad stored NIRs', (t) => {
  t.true(vectors.asciiBad.length >= 6);
  checkBad(t, parseNirAscii, vectors.asciiBad);
});

test('the stored form is the compact text, byte for byte', (t) => {
  for (const row of vectors.valid) {
    t.is(new TextDecoder().decode(encodeNirAscii(row.value)), row.compact);
  }
});

testProp('round trip over valid NIRs; every strict prefix is truncated', [arbNir()], (t, value) => {
  const bytes = encodeNirAscii(value);
  t.deepEqual(parseNirAscii(bytes), { ok: true, value });
  t.is(new TextDecoder().decode(bytes), formatNir(value, 'compact'));
  t.true(everyPrefixTruncated(parseNirAscii, bytes));
});

testProp('parse never throws; what parses re-encodes to the same bytes', [fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 15, maxLength: 15, min: 0x30, max: 0x39 }))], (t, bytes) => {
  const r = parseNirAscii(bytes);
  if (r.ok) t.is(toHex(encodeNirAscii(r.value)), toHex(bytes));
  else t.is(typeof r.error.reason, 'string');
});
