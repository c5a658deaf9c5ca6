import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors } from '../test-support.js';
import { asBadRows, asVectorRows, type TextBadRow, type TextRow } from './test-support.js';
import { arbB2File } from './arbitraries.js';
import { b2File, b2FileCodec, encodeB2File, parseB2File } from './b2-file.js';
import type { B2File } from './b2-types.js';

const vectors = loadVectors<{ b2: TextRow<B2File>[]; b2Bad: TextBadRow[] }>('b2');

test('vector table in four directions; every record is 128 characters', (t) => {
  t.true(vectors.b2.length >= 1);
  for (const row of vectors.b2) for (const rec of row.records) t.is(rec.length, 128, `${row.name}: ${rec.slice(0, 3)}`);
  checkVectors(t, b2FileCodec, asVectorRows(vectors.b2));
});

test('bad table: each row fails with its reason and offset', (t) => {
  t.true(vectors.b2Bad.length >= 10);
  checkBad(t, parseB2File, asBadRows(vectors.b2Bad));
});

testProp('round trip of arbitrary valid files', [arbB2File], (t, file) => {
  const bytes = encodeB2File(file);
  t.is(bytes.length % 128, 0);
  const r = parseB2File(bytes);
  t.true(r.ok);
  if (r.ok) t.deepEqual(r.value, file);
});

testProp('every strict prefix of a valid file is truncated', [arbB2File], (t, file) => {
  t.true(everyPrefixTruncated(parseB2File, encodeB2File(file)));
}, { numRuns: 20 });

testProp('random bytes never throw and fail with an offset inside the input', [fc.uint8Array({ maxLength: 600 })], (t, bytes) => {
  const r = parseB2File(bytes);
  t.false(r.ok);
  if (!r.ok) t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
});

testProp('a changed byte of a valid file fails with an offset inside it, or re-encodes to the same bytes', [arbB2File, fc.nat(), fc.integer({ min: 0x20, max: 0x7e })], (t, file, at, byte) => {
  const bytes = encodeB2File(file);
  const i = at % bytes.length;
  const changed = bytes.slice();
  changed[i] = byte;
  const r = parseB2File(changed);
  if (r.ok) t.is(toHex(encodeB2File(r.value)), toHex(changed));
  else t.true(r.error.offset >= 0 && r.error.offset < bytes.length);
});

test('encode refuses a value the parser would refuse; b2File says why', (t) => {
  const file = vectors.b2[0]!.value;
  const lot = file.lots[0]!;
  const inv = lot.invoices[0]!;
  const tooMuch = { ...file, lots: [{ ...lot, invoices: [{ ...inv, amoCents: 99_999_999 }] }] };
  t.throws(() => encodeB2File(tooMuch), { instanceOf: RangeError });
  const r = b2File(tooMuch);
  t.true(!r.ok && r.error.reason === 'bad-value' && r.error.message.includes('patientCents'), 'a negative patient part cannot be written');
  const trailing = b2File({ ...file, message: 'x ' });
  t.true(!trailing.ok && trailing.error.reason === 'bad-value');
  const longCode = b2File({ ...file, lots: [{ ...lot, invoices: [{ ...inv, lines: [{ ...inv.lines[0]!, code: 'ABCDEF' }] }] }] });
  t.true(!longCode.ok && longCode.error.reason === 'bad-value');
});
