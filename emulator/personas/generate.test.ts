import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { validateNir } from '../../protocol/index.js';
import { checkDoctor, checkPatient, checkPersonaSet, generateDoctors, generatePatients, hasLuhnKey, luhnKey } from './index.js';

test('luhnKey matches the ISO/IEC 7812-1 example', (t) => {
  t.is(luhnKey('7992739871'), 3);
  t.true(hasLuhnKey('79927398713'));
  t.false(hasLuhnKey('79927398714'));
  t.throws(() => luhnKey('12a'), { instanceOf: RangeError });
});

test('the generators are deterministic: same seed, same personas; another seed, others', (t) => {
  t.deepEqual(generatePatients(42, 50), generatePatients(42, 50));
  t.deepEqual(generateDoctors(42, 10), generateDoctors(42, 10));
  t.notDeepEqual(generatePatients(42, 50), generatePatients(43, 50));
  t.notDeepEqual(generateDoctors(42, 10), generateDoctors(43, 10));
  t.deepEqual(generatePatients(42, 10), generatePatients(42, 50).slice(0, 10), 'a prefix does not depend on the count');
});

test('generated personas pass the same checks as the shipped files, and their NIRs are valid', (t) => {
  const doctors = generateDoctors(7, 40);
  const patients = generatePatients(7, 1000, { doctorIds: doctors.map((d) => d.id) });
  for (const d of doctors) {
    const result = checkDoctor(d, d.id);
    t.true(result.ok, result.ok ? '' : result.error.message);
  }
  for (const p of patients) {
    const result = checkPatient(p, p.id);
    if (!result.ok) t.fail(result.error.message);
    for (const b of p.beneficiaries) if (!validateNir(b.nir).valid) t.fail(`${p.id}: ${b.nir}`);
  }
  t.is(checkPersonaSet(doctors, patients), undefined);
});

test('generated patients vary: ALD, C2S, maternity, no rights, expired rights, 1 to 6 beneficiaries, Corsica, overseas, abroad', (t) => {
  const patients = generatePatients(1, 300, { doctorIds: ['dr-lefebvre'] });
  const all = patients.flatMap((p) => p.beneficiaries);
  const periods = all.flatMap((b) => b.coverage);
  t.true(periods.some((c) => c.ald));
  t.true(periods.some((c) => c.situation === 'c2s'));
  t.true(periods.some((c) => c.situation === 'maternity'));
  t.true(all.some((b) => b.amoRights.length === 0));
  t.true(all.some((b) => b.amoRights.length === 1 && b.amoRights[0]!.end === '2025-06-30'));
  t.deepEqual([...new Set(patients.map((p) => p.beneficiaries.length))].sort(), [1, 2, 3, 4, 5, 6]);
  for (const place of ['2A', '2B', '971', '974', '976', '99']) t.true(all.some((b) => b.nir.slice(5, 5 + place.length) === place), place);
  t.true(all.some((b) => b.birthRank === 2), 'twins');
  t.true(all.some((b) => b.medecinTraitant === 'dr-lefebvre') && all.some((b) => b.medecinTraitant === undefined));
});

testProp('any seed gives valid personas', [fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 20 })], (t, seed, count) => {
  const doctors = generateDoctors(seed, count);
  const patients = generatePatients(seed, count, { doctorIds: doctors.map((d) => d.id) });
  t.is(doctors.length, count);
  t.true(doctors.every((d) => checkDoctor(d, d.id).ok));
  t.true(patients.every((p) => checkPatient(p, p.id).ok));
  t.is(checkPersonaSet(doctors, patients), undefined);
});

test('the generators refuse a bad count', (t) => {
  t.throws(() => generatePatients(1, -1), { instanceOf: RangeError });
  t.throws(() => generateDoctors(1.5, 1), { instanceOf: RangeError });
});
