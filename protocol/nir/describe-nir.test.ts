import test from 'ava';
import { testProp } from '@fast-check/ava';
import { loadVectors } from '../test-support.js';
import { arbNir } from './arbitraries.js';
import { describeNir, nirReport } from './describe-nir.js';
import { formatNir, parseNir, type Nir } from './nir.js';

interface ValidRow {
  name: string;
  text: string;
  compact: string;
  spaced: string;
  value: Nir;
  description: { sex: string; registration: string; birthMonth: number | null; placeKind: string; placeName: string | null };
}
const vectors = loadVectors<{ valid: ValidRow[]; bad: { text: string; reason: string; offset: number }[] }>('nir');

test('descriptions of the valid vectors', (t) => {
  for (const row of vectors.valid) {
    const d = describeNir(row.value);
    const want = row.description;
    t.like(d, { compact: row.compact, formatted: row.spaced, sex: want.sex, registration: want.registration, birthYear: row.value.year, birthMonth: want.birthMonth }, row.name);
    t.deepEqual(d.birthPlace, { kind: want.placeKind, department: row.value.department, commune: row.value.commune, name: want.placeName }, row.name);
  }
});

test('lines for people', (t) => {
  const specimen = parseNir('2 69 05 49 588 157 80');
  if (!specimen.ok) return t.fail('specimen does not parse');
  t.deepEqual(describeNir(specimen.value).lines, [
    'female, certified NIR (INSEE)',
    'born in May ..69',
    'born in mainland France, department 49, commune 49588',
    'order number 157, key 80',
  ]);
  const unknown = parseNir('2 40 20 99 350 007 18');
  if (!unknown.ok) return t.fail('pseudo-month vector does not parse');
  t.deepEqual(describeNir(unknown.value).lines.slice(0, 3), [
    'female, certified NIR (INSEE)',
    'born in ..40, unknown month (pseudo-month 20)',
    'born abroad, INSEE country code 99350',
  ]);
  const overseas = parseNir('1 85 12 971 23 045 02');
  t.true(overseas.ok && describeNir(overseas.value).lines[2] === 'born in Guadeloupe (code 971), commune 97123');
  const essonne = parseNir('1 38 35 91 228 104 14');
  t.true(essonne.ok && describeNir(essonne.value).lines[2]!.includes('French Algeria before 1962'));
});

test('nirReport: the --json shape', (t) => {
  const good = nirReport('2 53 07 2B 073 004 70');
  t.like(good, { valid: true, compact: '253072B07300470', fields: { department: '2B', key: 70 }, birthPlace: { kind: 'corsica', name: 'Haute-Corse' } });
  t.deepEqual(JSON.parse(JSON.stringify(good)), good, 'JSON-safe: no undefined, no class instances');
  for (const row of vectors.bad) {
    const r = nirReport(row.text);
    t.like(r, { valid: false, reason: row.reason, offset: row.offset }, row.text);
    t.true(!r.valid && r.message.length > 0);
  }
});

test('describeNir refuses a value that breaks a rule', (t) => {
  t.throws(() => describeNir({ sex: 2, year: 69, month: 5, department: '49', commune: '588', order: 157, key: 81 }), { instanceOf: RangeError });
});

testProp('every valid NIR has a description consistent with its fields', [arbNir()], (t, value) => {
  const d = describeNir(value);
  t.is(d.compact, formatNir(value, 'compact'));
  t.is(d.sex, value.sex % 2 === 1 ? 'male' : 'female');
  t.is(d.birthMonth === null, value.month > 12);
  t.is(d.lines.length, 4);
  t.is(d.birthPlace.kind === 'overseas', value.department.length === 3);
});
