/**
 * fast-check arbitraries for FSEs, secured FSEs and lots: every value they
 * make is valid (totals add up, mode S has its cryptogram). Test-only: not
 * exported by the folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import { arbNir } from '../nir/arbitraries.js';
import { formatNir } from '../nir/index.js';
import type { Fse, FseAct } from './fse.js';
import type { LotFseEntry, LotFields } from './lot.js';
import type { CardSignature, SecuredFse } from './secured-fse.js';
import { SECURING_MODES, THIRD_PARTY_CODES } from './values.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const digits = (width: number) => fc.integer({ min: 0, max: 10 ** width - 1 }).map((n) => pad(n, width));

/** A calendar date 1900-2999, `YYYY-MM-DD`. */
export const arbDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** A local date-time with an offset (never `-00:00`). */
export const arbDateTime = fc
  .record({ date: arbDate, h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }), offset: fc.integer({ min: -12 * 4, max: 14 * 4 }) })
  .map(({ date, h, m, s, offset }) => {
    const o = Math.abs(offset) * 15;
    return `${date}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${offset < 0 ? '-' : '+'}${pad(Math.floor(o / 60), 2)}:${pad(o % 60, 2)}`;
  });

const arbNirText = arbNir().map((n) => formatNir(n, 'compact'));
/** Printable text, including non-ASCII letters (UTF-8 on the wire). */
const arbName = fc.string({ unit: fc.constantFrom(...'ABCDEÉÈÇÏÔ -\''), minLength: 1, maxLength: 20 });
const arbRpps = digits(9).map((d) => `99${d}`);

const arbAct: fc.Arbitrary<FseAct> = fc
  .record({
    code: fc.string({ unit: fc.constantFrom(...'ABCDGIKLMV0123'), minLength: 1, maxLength: 8 }),
    quantity: fc.integer({ min: 1, max: 999 }),
    unitCents: fc.integer({ min: 0, max: 100_000 }),
    ik: fc.option(fc.record({ oneWayKm: fc.integer({ min: 0, max: 9999 }), zone: fc.constantFrom('plain' as const, 'mountain' as const) }), { nil: undefined }),
  })
  .map(({ code, quantity, unitCents, ik }) => {
    const base = { code, quantity, unitCents, amountCents: quantity * unitCents };
    return ik === undefined ? base : { ...base, ik: { ...ik, billedKm: quantity } };
  });

/** A valid FSE; `securing` may be fixed. */
export function arbFse(securing?: Fse['securing']): fc.Arbitrary<Fse> {
  return fc
    .record({
      invoiceNumber: fc.integer({ min: 1, max: 999_999_999 }),
      capturedAt: arbDateTime,
      actDate: arbDate,
      professional: fc.record(
        {
          id: arbRpps,
          name: arbName,
          billingNumber: digits(9),
          specialty: digits(2),
          sector: fc.integer({ min: 1, max: 3 }),
          feeZone: digits(2),
          situationIndex: fc.integer({ min: 0, max: 15 }),
          replaced: fc.record({ id: arbRpps, billingNumber: digits(9) }),
        },
        { requiredKeys: ['id', 'name', 'billingNumber', 'specialty', 'sector', 'feeZone', 'situationIndex'] },
      ),
      beneficiary: fc.record(
        { lastName: arbName, usualName: arbName, firstName: arbName, birthDate: arbDate, nir: arbNirText, birthRank: fc.integer({ min: 1, max: 9 }), quality: digits(2) },
        { requiredKeys: ['lastName', 'firstName', 'birthDate', 'nir', 'birthRank', 'quality'] },
      ),
      insured: fc.record({ nir: arbNirText, regime: digits(2), caisse: digits(3), centre: digits(4) }),
      coverage: fc.record({ ald: fc.boolean(), c2s: fc.boolean(), maternity: fc.boolean(), rightsValid: fc.boolean() }),
      acts: fc.array(arbAct, { minLength: 1, maxLength: 6 }),
      pdsaUrgent: fc.boolean(),
      amoShare: fc.double({ min: 0, max: 1, noNaN: true }),
      thirdParty: fc.constantFrom(...THIRD_PARTY_CODES),
      securing: securing === undefined ? fc.constantFrom(...SECURING_MODES) : fc.constant(securing),
      deviceAgreement: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 32 }),
      portable: fc.boolean(),
    })
    .map(({ amoShare, ...f }) => {
      const totalCents = f.acts.reduce((s, a) => s + a.amountCents, 0);
      const amoCents = Math.floor(totalCents * amoShare);
      return { ...f, totals: { totalCents, amoCents, patientCents: totalCents - amoCents } };
    });
}

const arbSignature: fc.Arbitrary<CardSignature> = fc.record({
  signature: fc.uint8Array({ minLength: 64, maxLength: 300 }),
  certificate: fc.uint8Array({ minLength: 1, maxLength: 300 }),
});

/** A valid secured FSE: the Vitale cryptogram exactly in mode S. */
export const arbSecuredFse: fc.Arbitrary<SecuredFse> = fc
  .record({ fse: arbFse(), vitale: arbSignature, cps: arbSignature })
  .map(({ fse, vitale, cps }) => (fse.securing === 'S' ? { fse, vitale, cps } : { fse, cps }));

const arbEntry: fc.Arbitrary<LotFseEntry> = fc
  .record({
    invoiceNumber: fc.integer({ min: 1, max: 999_999_999 }),
    digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    securing: fc.constantFrom(...SECURING_MODES),
    totalCents: fc.integer({ min: 0, max: 1_000_000 }),
    amoShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ amoShare, ...e }) => ({ ...e, amoCents: Math.floor(e.totalCents * amoShare) }));

/** The fields of a valid lot (distinct invoice numbers), for `makeLot`. */
export const arbLotFields: fc.Arbitrary<LotFields> = fc.record({
  destination: digits(3),
  lotNumber: fc.integer({ min: 1, max: 999 }),
  createdAt: arbDateTime,
  deviceAgreement: fc.constantFrom('BFT-TLA-0001', 'KAPGO-2024-17'),
  portable: fc.boolean(),
  fses: fc.uniqueArray(arbEntry, { minLength: 1, maxLength: 20, selector: (e) => e.invoiceNumber }),
});

/** A signature record for envelopes. */
export { arbSignature };
