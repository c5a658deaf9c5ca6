import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { readFileSync } from 'node:fs';
import { fse, type FseCoverage } from '../../protocol/index.js';
import { coverageAt, thirdPartyFor } from './coverage.js';
import { parseTariffBook, tariffAt, type TariffTable } from './tariffs.js';
import { actMenu, ageAt, billedKm, priceVisit } from './visit.js';

const json: unknown = JSON.parse(readFileSync(new URL('../../test-vectors/tariffs/tariffs.json', import.meta.url), 'utf8'));
const parsed = parseTariffBook(json);
if (!parsed.ok) throw new Error(parsed.error.message);
const book = parsed.value;
const at = (date: string): TariffTable => tariffAt(book, date)!;
const plainCover: FseCoverage = { ald: false, c2s: false, maternity: false, rightsValid: true };

test('the table is chosen by the act date', (t) => {
  t.is(tariffAt(book, '2023-12-21'), undefined);
  t.is(at('2024-12-21').acts.find((a) => a.code === 'G')!.cents, 2650);
  t.is(at('2024-12-22').acts.find((a) => a.code === 'G')!.cents, 3000);
  t.is(at('2026-06-01').id, 'gp-home-2024-12-22');
});

test('a malformed or overlapping book is refused with a path', (t) => {
  const bad = (mutate: (o: { tables: Record<string, unknown>[] }) => void) => {
    const copy = JSON.parse(JSON.stringify(json)) as { tables: Record<string, unknown>[] };
    mutate(copy);
    return parseTariffBook(copy);
  };
  const overlap = bad((o) => delete o.tables[0]!.validTo);
  t.true(!overlap.ok && overlap.error.reason === 'overlap');
  const cents = bad((o) => ((o.tables[1]!.acts as Record<string, unknown>[])[0]!.cents = 30.5));
  t.true(!cents.ok && cents.error.reason === 'bad-value' && cents.error.path === 'tables/1/acts/0/cents');
  const dup = bad((o) => ((o.tables[1]!.acts as Record<string, unknown>[])[1]!.code = 'G'));
  t.true(!dup.ok && dup.error.path === 'tables/1/acts');
  t.true(!parseTariffBook(null).ok && !parseTariffBook({ tables: [] }).ok);
});

test('GL1-3 only for patients of 80 or more, and only from 2026', (t) => {
  const codes = (birth: string, date: string) => actMenu(at(date), birth, date).map((a) => a.code);
  t.deepEqual(codes('1945-06-01', '2026-03-14'), ['G', 'VG', 'GL1', 'GL2', 'GL3', 'MD']);
  t.deepEqual(codes('1946-03-15', '2026-03-14'), ['G', 'VG', 'MD'], '79 the day before the birthday');
  t.deepEqual(codes('1946-03-14', '2026-03-14'), ['G', 'VG', 'GL1', 'GL2', 'GL3', 'MD'], '80 on the birthday');
  t.deepEqual(codes('1930-01-01', '2025-12-31'), ['G', 'VG', 'MD'], 'not before 2026');
  t.is(ageAt('2000-02-29', '2026-02-28'), 25);
  t.is(ageAt('2000-02-29', '2026-03-01'), 26);
});

test('IK: 2d - 4 in plain, 2d - 2 in mountain, never negative', (t) => {
  const table = at('2026-03-14');
  t.is(billedKm(table, 6, 'plain'), 8);
  t.is(billedKm(table, 6, 'mountain'), 10);
  t.is(billedKm(table, 1, 'plain'), 0);
  const r = priceVisit(table, { actDate: '2026-03-14', birthDate: '1961-11-02', coverage: plainCover, acts: [{ code: 'VG' }], ik: { oneWayKm: 1, zone: 'plain' }, pdsaUrgent: false });
  t.true(r.ok && r.value.flags.includes('ik-nothing-billed') && r.value.acts.length === 1);
});

const rows: [string, FseCoverage, boolean, string, number, number, number][] = [
  // name, coverage, aldRelated, third party, total, AMO, due now
  ['common case', plainCover, true, '00', 5560, 3892, 5560],
  ['C2S: full third party', { ...plainCover, c2s: true }, true, '15', 5560, 3892, 0],
  ['ALD act: AMO only at 100 %', { ...plainCover, ald: true }, true, '05', 5560, 5560, 0],
  ['ALD patient, unrelated act', { ...plainCover, ald: true }, false, '00', 5560, 3892, 5560],
  ['maternity: AMO only at 100 %', { ...plainCover, maternity: true }, true, '05', 5560, 5560, 0],
  ['rights expired: flagged, no third party', { ...plainCover, c2s: true, rightsValid: false }, true, '00', 5560, 3892, 5560],
];

test('pricing table: VG + MD + mountain IK 6 km + PDSA urgent, by coverage', (t) => {
  for (const [name, coverage, aldRelated, thirdParty, total, amo, due] of rows) {
    const r = priceVisit(at('2026-03-14'), { actDate: '2026-03-14', birthDate: '1961-11-02', coverage, aldRelated, acts: [{ code: 'VG' }, { code: 'MD' }], ik: { oneWayKm: 6, zone: 'mountain' }, pdsaUrgent: true });
    if (!r.ok) {
      t.fail(`${name}: ${r.error.message}`);
      continue;
    }
    t.deepEqual(r.value.acts.map((a) => [a.code, a.quantity, a.amountCents]), [['VG', 1, 3000], ['MD', 1, 1000], ['PDSAU', 1, 650], ['IK', 10, 910]], name);
    t.deepEqual([r.value.thirdParty, r.value.totals.totalCents, r.value.totals.amoCents, r.value.dueNowCents], [thirdParty, total, amo, due], name);
    t.is(r.value.flags.includes('rights-expired'), !coverage.rightsValid, name);
  }
});

test('refusals: unknown act, GL for a young patient, no visit act, bad quantity', (t) => {
  const base = { actDate: '2026-03-14', birthDate: '1990-01-01', coverage: plainCover, pdsaUrgent: false };
  const table = at('2026-03-14');
  const reason = (acts: { code: string; quantity?: number }[]) => {
    const r = priceVisit(table, { ...base, acts });
    return r.ok ? 'ok' : r.error.reason;
  };
  t.is(reason([{ code: 'XYZ' }]), 'unknown-act');
  t.is(reason([{ code: 'GL1' }]), 'not-allowed');
  t.is(reason([{ code: 'MD' }]), 'no-visit-act');
  t.is(reason([{ code: 'G', quantity: 0 }]), 'bad-quantity');
  t.is(reason([{ code: 'PDSAU' }]), 'not-allowed');
});

test('coverage at the act date from the Vitale periods', (t) => {
  const rights = { amoRights: [{ start: '2024-01-01', end: '2025-12-31' }], coverage: [{ start: '2023-02-01', end: '2028-01-31', ald: true, situation: 'none' as const }, { start: '2026-01-01', situation: 'c2s' as const, ald: false }] };
  t.deepEqual(coverageAt(rights, '2025-06-01'), { ald: true, c2s: false, maternity: false, rightsValid: true });
  t.deepEqual(coverageAt(rights, '2026-01-01'), { ald: true, c2s: true, maternity: false, rightsValid: false });
  t.is(thirdPartyFor(coverageAt(rights, '2026-01-01'), true), '00');
});

const arbCoverage = fc.record({ ald: fc.boolean(), c2s: fc.boolean(), maternity: fc.boolean(), rightsValid: fc.boolean() });
const arbDate = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

testProp('totals add up, nothing negative, deterministic, and the lines make a valid FSE', [arbDate, arbCoverage, fc.boolean(), fc.boolean(), fc.option(fc.record({ oneWayKm: fc.integer({ min: 0, max: 200 }), zone: fc.constantFrom('plain' as const, 'mountain' as const) }), { nil: undefined }), fc.integer({ min: 1, max: 3 })], (t, actDate, coverage, aldRelated, pdsaUrgent, ik, quantity) => {
  const table = tariffAt(book, actDate)!;
  const request = { actDate, birthDate: '1940-01-01', coverage, aldRelated, acts: [{ code: 'VG', quantity }, { code: 'MD' }], pdsaUrgent, ...(ik === undefined ? {} : { ik }) };
  const r = priceVisit(table, request);
  if (!r.ok) return t.fail(r.error.message);
  const v = r.value;
  t.is(v.totals.totalCents, v.acts.reduce((s, a) => s + a.amountCents, 0));
  t.is(v.totals.amoCents + v.totals.patientCents, v.totals.totalCents);
  t.true(v.totals.amoCents >= 0 && v.totals.patientCents >= 0 && v.dueNowCents >= 0 && v.dueNowCents <= v.totals.totalCents);
  t.deepEqual(priceVisit(table, request), r);
  const sample = JSON.parse(readFileSync(new URL('../../test-vectors/protocol/fse.json', import.meta.url), 'utf8')) as { fse: { value: Parameters<typeof fse>[0] }[] };
  const built = fse({ ...sample.fse[0]!.value, actDate, coverage, acts: v.acts, totals: v.totals, thirdParty: v.thirdParty, pdsaUrgent });
  t.true(built.ok, built.ok ? '' : built.error.message);
}, { numRuns: 200 });
