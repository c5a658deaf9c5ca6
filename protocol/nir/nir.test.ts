import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { loadVectors } from '../test-support.js';
import { arbNir, arbNirFields } from './arbitraries.js';
import type { NirReason } from './nir-rules.js';
import { formatNir, nir, nirKey, parseNir, validateNir, type Nir } from './nir.js';

interface ValidRow {
  name: string;
  text: string;
  compact: string;
  spaced: string;
  value: Nir;
}
interface BadTextRow {
  name: string;
  text: string;
  reason: NirReason;
  offset: number;
}
interface Vectors {
  valid: ValidRow[];
  bad: BadTextRow[];
  keys: { text: string; key: number }[];
  keysBad: BadTextRow[];
}
const vectors = loadVectors<Vectors>('nir');

/** Reference key, independent of the module: BigInt over the 13 characters. */
function referenceKey(compact13: string): number {
  const body = compact13.slice(0, 5) + ({ '2A': '19', '2B': '18' }[compact13.slice(5, 7)] ?? compact13.slice(5, 7)) + compact13.slice(7);
  return 97 - Number(BigInt(body) % 97n);
}

test('valid vectors: parse, validate, format both styles, four directions', (t) => {
  t.true(vectors.valid.length >= 20);
  for (const row of vectors.valid) {
    const parsed = parseNir(row.text);
    if (!parsed.ok) {
      t.fail(`${row.name}: ${parsed.error.reason}: ${parsed.error.message}`);
      continue;
    }
    t.deepEqual(parsed.value, row.value, row.name);
    t.deepEqual(validateNir(row.text), { valid: true }, row.name);
    t.is(formatNir(row.value, 'compact'), row.compact, row.name);
    t.is(formatNir(row.value, 'spaced'), row.spaced, row.name);
    t.is(formatNir(row.value), row.spaced, `${row.name}: spaced is the default`);
    t.is(referenceKey(row.compact.slice(0, 13)), row.value.key, `${row.name}: reference key`);
    for (const canonical of [row.compact, row.spaced]) {
      const again = parseNir(canonical);
      t.true(again.ok && formatNir(again.value, canonical === row.compact ? 'compact' : 'spaced') === canonical, `${row.name}: byte-exact ${canonical}`);
    }
  }
});

test('bad vectors: parseNir and validateNir agree on reason and offset', (t) => {
  t.true(vectors.bad.length >= 30);
  for (const row of vectors.bad) {
    const r = parseNir(row.text);
    if (r.ok) {
      t.fail(`${row.name}: expected ${row.reason}, got a value`);
      continue;
    }
    t.is(r.error.reason, row.reason, `${row.name} (${r.error.message})`);
    t.is(r.error.offset, row.offset, `${row.name}: offset`);
    t.deepEqual(validateNir(row.text), { valid: false, reason: row.reason, offset: row.offset }, row.name);
  }
});

test('errors name the field and say why in one sentence', (t) => {
  const r = parseNir('2 53 07 2B 073 004 43');
  t.false(r.ok);
  if (!r.ok) {
    t.is(r.error.path, 'key');
    t.is(r.error.message, 'key 43 does not match the number (expected 70)');
  }
  const month = parseNir('2 69 13 49 588 157 80');
  t.true(!month.ok && month.error.path === 'month' && month.error.message.includes('13'));
  const length = parseNir('2 69 05 49 588 157');
  t.true(!length.ok && length.error.path === '' && length.error.message.includes('nirKey'));
});

test('nirKey computes the key of 13 characters', (t) => {
  for (const row of vectors.keys) t.deepEqual(nirKey(row.text), { ok: true, value: row.key }, row.text);
  for (const row of vectors.keysBad) {
    const r = nirKey(row.text);
    t.true(!r.ok && r.error.reason === row.reason && r.error.offset === row.offset, row.name);
  }
});

test('smart constructor: computes or checks the key, refuses each bad field', (t) => {
  const fields = { sex: 2, year: 53, month: 7, department: '2B', commune: '073', order: 4 };
  t.deepEqual(nir(fields), { ok: true, value: { ...fields, key: 70 } });
  t.true(nir({ ...fields, key: 70 }).ok);
  const bad: [object, string, string][] = [
    [{ key: 43 }, 'bad-key', 'key'],
    [{ key: 100 }, 'bad-key', 'key'],
    [{ sex: 5 }, 'bad-sex', 'sex'],
    [{ sex: 12 }, 'bad-sex', 'sex'],
    [{ year: 100 }, 'bad-year', 'year'],
    [{ year: 1.5 }, 'bad-year', 'year'],
    [{ month: 13 }, 'bad-month', 'month'],
    [{ month: -1 }, 'bad-month', 'month'],
    [{ department: '2a' }, 'bad-department', 'department'],
    [{ department: '97' }, 'bad-department', 'department'],
    [{ department: '00' }, 'bad-department', 'department'],
    [{ department: '970', commune: '12' }, 'bad-department', 'department'],
    [{ department: '971' }, 'bad-commune', 'commune'],
    [{ commune: '73' }, 'bad-commune', 'commune'],
    [{ commune: '000' }, 'bad-commune', 'commune'],
    [{ commune: '0 7' }, 'bad-commune', 'commune'],
    [{ order: 0 }, 'bad-order', 'order'],
    [{ order: 1000 }, 'bad-order', 'order'],
  ];
  for (const [change, reason, path] of bad) {
    const r = nir({ ...fields, ...change });
    t.true(!r.ok && r.error.reason === reason && r.error.path === path, `${JSON.stringify(change)} → ${reason}`);
  }
});

test('formatNir and parseNir refuse programmer errors with TypeError / RangeError', (t) => {
  const spec: Nir = { sex: 2, year: 69, month: 5, department: '49', commune: '588', order: 157, key: 80 };
  t.throws(() => formatNir({ ...spec, key: 81 }), { instanceOf: RangeError });
  t.throws(() => formatNir({ ...spec, month: 13 }), { instanceOf: RangeError });
  t.throws(() => parseNir(269054958815780 as unknown as string), { instanceOf: TypeError });
});

testProp('format → parse round-trips, both styles, and the text is byte-exact', [arbNir()], (t, value) => {
  for (const style of ['compact', 'spaced'] as const) {
    const text = formatNir(value, style);
    const back = parseNir(text);
    t.true(back.ok);
    if (back.ok) {
      t.deepEqual(back.value, value);
      t.is(formatNir(back.value, style), text);
    }
  }
});

testProp('the key agrees with a BigInt reference; nirKey agrees with nir()', [arbNirFields()], (t, fields) => {
  const built = nir(fields);
  t.true(built.ok);
  if (!built.ok) return;
  const compact = formatNir(built.value, 'compact');
  t.is(built.value.key, referenceKey(compact.slice(0, 13)));
  t.deepEqual(nirKey(compact.slice(0, 13)), { ok: true, value: built.value.key });
});

const separator = fc.constantFrom('', '', ' ', '.', '-', '  ');

testProp('separators anywhere do not change the value', [arbNir(), fc.array(separator, { minLength: 16, maxLength: 16 })], (t, value, gaps) => {
  const compact = formatNir(value, 'compact');
  let text = gaps[0]!;
  for (let i = 0; i < compact.length; i++) text += compact[i]! + gaps[i + 1]!;
  t.deepEqual(parseNir(text), { ok: true, value });
});

testProp('parse never throws on strings; validateNir agrees with parseNir', [fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9 AB]{10,22}$/))], (t, text) => {
  const parsed = parseNir(text);
  const checked = validateNir(text);
  t.is(checked.valid, parsed.ok);
  if (!parsed.ok && !checked.valid) {
    t.is(checked.reason, parsed.error.reason);
    t.is(checked.offset, parsed.error.offset);
  }
});

testProp('every strict prefix of a NIR fails with bad-length', [arbNir()], (t, value) => {
  const compact = formatNir(value, 'compact');
  for (let n = 0; n < compact.length; n++) {
    const r = validateNir(compact.slice(0, n));
    t.true(!r.valid && r.reason === 'bad-length', compact.slice(0, n));
  }
});

// mod 97 with 97 prime: a change of d × 10^k (|d| ≤ 9) is never a multiple of 97,
// and a changed key is a different key; letters only fit at the 7th place.
testProp('every single-character substitution is rejected', [arbNir()], (t, value) => {
  const compact = formatNir(value, 'compact');
  let tried = 0;
  for (let i = 0; i < compact.length; i++) {
    for (const c of i === 6 ? '0123456789AB' : '0123456789') {
      if (c === compact[i]) continue;
      tried++;
      const changed = compact.slice(0, i) + c + compact.slice(i + 1);
      t.false(validateNir(changed).valid, changed);
    }
  }
  t.true(tried >= 15 * 9);
});

// Swapping a, b at 10^(k+1), 10^k changes the number by 9 (a − b) 10^k; across the
// body / key boundary it needs 9a ≡ 9b (mod 97), so a = b.
testProp('every adjacent transposition of two different characters is rejected', [arbNir()], (t, value) => {
  const compact = formatNir(value, 'compact');
  for (let i = 0; i + 1 < compact.length; i++) {
    if (compact[i] === compact[i + 1]) continue;
    const swapped = compact.slice(0, i) + compact[i + 1]! + compact[i]! + compact.slice(i + 2);
    t.false(validateNir(swapped).valid, swapped);
  }
});

test('hostile input is refused in bounded time', (t) => {
  const huge = '1'.repeat(10_000_000);
  t.deepEqual(validateNir(huge), { valid: false, reason: 'bad-length', offset: 64 });
  const r = parseNir(' '.repeat(1_000_000));
  t.true(!r.ok && r.error.reason === 'bad-length');
});
