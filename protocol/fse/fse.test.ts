import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import { arbFse } from './arbitraries.js';
import { encodeFse, fse, fseCodec, parseFse, type Fse } from './fse.js';
import { isIsoDate, isIsoDateTime } from './values.js';

const vectors = loadVectors<{ fse: VectorRow<Fse>[]; fseBad: BadRow[] }>('fse');
const first = vectors.fse[0]!;

test('vector table in four directions', (t) => {
  t.true(vectors.fse.length >= 2);
  checkVectors(t, fseCodec, vectors.fse);
});

test('bad table: each row fails with its reason', (t) => {
  t.true(vectors.fseBad.length >= 20);
  checkBad(t, parseFse, vectors.fseBad);
});

test('errors carry the field path and offset', (t) => {
  const bad = { ...first.value, insured: { ...first.value.insured, nir: '261117511440268' } };
  const r = fse(bad);
  t.false(r.ok);
  if (!r.ok) {
    t.is(r.error.reason, 'bad-value');
    t.is(r.error.path, 'fse/insured/nir');
    t.true(r.error.offset > 0);
  }
  const total = fse({ ...first.value, totals: { totalCents: 1, amoCents: 1, patientCents: 0 } });
  t.true(!total.ok && total.error.reason === 'inconsistent' && total.error.path === 'fse/totals');
});

test('encode refuses a value the parser would refuse; the smart constructor says why', (t) => {
  const bad = { ...first.value, invoiceNumber: 0 };
  t.throws(() => encodeFse(bad), { instanceOf: RangeError });
  const r = fse(bad);
  t.true(!r.ok && r.error.reason === 'bad-value' && r.error.path === 'fse/invoiceNumber');
  const notANumber = fse({ ...first.value, invoiceNumber: -1 });
  t.true(!notANumber.ok && notANumber.error.reason === 'bad-value');
  t.deepEqual(fse(first.value), { ok: true, value: first.value });
});

test('dates: calendar and offsets', (t) => {
  t.true(isIsoDate('2024-02-29'));
  t.false(isIsoDate('2025-02-29'));
  t.false(isIsoDate('1900-02-29'));
  t.true(isIsoDate('2000-02-29'));
  t.false(isIsoDate('2026-13-01'));
  t.true(isIsoDateTime('2026-03-14T09:41:07+01:00'));
  t.true(isIsoDateTime('2026-03-14T09:41:07+00:00'));
  t.false(isIsoDateTime('2026-03-14T09:41:07-00:00'), 'UTC has one text: +00:00');
  t.false(isIsoDateTime('2026-03-14T24:00:00+01:00'));
  t.false(isIsoDateTime('2026-03-14T09:41:07Z'));
});

testProp('round trip over valid FSEs, one encoding per value', [arbFse()], (t, value) => {
  const bytes = encodeFse(value);
  const back = parseFse(bytes);
  t.true(back.ok);
  if (back.ok) {
    t.deepEqual(back.value, value);
    t.deepEqual(encodeFse(back.value), bytes);
  }
}, { numRuns: 300 });

testProp('every strict prefix of a valid FSE is truncated', [arbFse()], (t, value) => {
  t.true(everyPrefixTruncated(parseFse, encodeFse(value)));
}, { numRuns: 20 });

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 400 })], (t, bytes) => {
  const r = parseFse(bytes);
  t.false(r.ok);
}, { numRuns: 2000 });

testProp('parse never throws on a valid FSE with one byte changed, and what it accepts re-encodes to the same bytes', [arbFse(), fc.nat(), fc.integer({ min: 1, max: 255 })], (t, value, at, xor) => {
  const bytes = encodeFse(value);
  const i = at % bytes.length;
  bytes[i] = bytes[i]! ^ xor;
  const r = parseFse(bytes);
  if (r.ok) t.deepEqual(encodeFse(r.value), bytes);
  else t.is(typeof r.error.reason, 'string');
}, { numRuns: 500 });

test('a deeply nested hostile input fails in bounded time', (t) => {
  const deep = new Uint8Array(20_000);
  for (let i = 0; i < deep.length; i += 2) deep.set([0xe1, 0x81], i);
  const r = parseFse(deep);
  t.false(r.ok);
  t.false(parseFse(hex('E1 84 FF FF FF FF')).ok);
});
