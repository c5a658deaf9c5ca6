import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { loadVectors } from '../test-support.js';
import { describeSw } from './describe-sw.js';
import { SW, SW_CATALOGUE } from './status-words.js';

interface SwRow {
  sw: string;
  kind: string;
  triesLeft?: number;
  available?: number;
  correctLe?: number;
}
const vectors = loadVectors<{ statusWords: SwRow[] }>('apdu');

test('status word vectors: kind and parameters', (t) => {
  t.true(vectors.statusWords.length >= 40);
  for (const row of vectors.statusWords) {
    const d = describeSw(parseInt(row.sw, 16));
    const { meaning, ...rest } = d;
    const expected: Record<string, unknown> = { sw: parseInt(row.sw, 16), kind: row.kind };
    for (const k of ['triesLeft', 'available', 'correctLe'] as const) if (row[k] !== undefined) expected[k] = row[k];
    t.deepEqual(rest, expected, row.sw);
    t.true(meaning.length > 5, row.sw);
  }
});

test('named constants match the catalogue meanings', (t) => {
  t.is(SW.OK, 0x9000);
  t.is(SW.FILE_NOT_FOUND, 0x6a82);
  t.is(describeSw(SW.SECURITY_STATUS_NOT_SATISFIED).meaning, 'Security status not satisfied');
  t.is(describeSw(SW.AUTH_METHOD_BLOCKED).meaning, 'Authentication method blocked');
  t.is(describeSw(SW.NO_CURRENT_EF).meaning, 'Command not allowed (no current EF)');
  t.is(describeSw(SW.INCORRECT_P1_P2).meaning, 'Incorrect parameters P1-P2');
  // Every named constant is a catalogue row of its own, not a fallback.
  for (const [name, sw] of Object.entries(SW)) {
    t.true(SW_CATALOGUE.some((r) => r.first <= sw && sw <= r.last), name);
  }
});

test('catalogue rows are well formed', (t) => {
  for (const r of SW_CATALOGUE) t.true(r.first <= r.last && r.last <= 0xffff, r.meaning);
  t.throws(() => describeSw(0x10000), { instanceOf: RangeError });
  t.throws(() => describeSw(1.5), { instanceOf: RangeError });
});

testProp('every 16-bit value gets a description; 6X/9X are never invalid except 60', [fc.integer({ min: 0, max: 0xffff })], (t, sw) => {
  const d = describeSw(sw);
  const s1 = sw >> 8;
  const valid = (s1 >> 4 === 6 && s1 !== 0x60) || s1 >> 4 === 9;
  t.is(d.kind === 'invalid', !valid);
  t.is(d.sw, sw);
});
