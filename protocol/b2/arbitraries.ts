/**
 * fast-check arbitraries for B2 files, ARLs and NOEMIE-like returns (every
 * value valid), and FSEs whose values fit B2's columns. Test-only: not
 * exported by the folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import { arbFse } from '../fse/arbitraries.js';
import type { Fse } from '../fse/index.js';
import { arbNir } from '../nir/arbitraries.js';
import { formatNir } from '../nir/index.js';
import type { Arl } from './arl.js';
import type { B2File, B2Invoice, B2Line, B2Lot } from './b2-types.js';
import type { NoemieInvoice, NoemieNotice, NoemieReturn } from './noemie.js';

const digits = (width: number) => fc.integer({ min: 0, max: 10 ** width - 1 }).map((n) => String(n).padStart(width, '0'));
/** Printable ASCII of 1-`max` characters, no leading or trailing space. */
const field = (max: number, min = 1) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max }).filter((s) => !s.endsWith(' '));
/** A date `YYMMDD`. */
export const arbYymmdd = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(2, 10).replaceAll('-', ''));
const zone32 = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF '), minLength: 32, maxLength: 32 });
const nirText = arbNir().map((n) => formatNir(n, 'compact'));
const code = (max: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGIKMVZ0123456789'), minLength: 1, maxLength: max });

const arbLine: fc.Arbitrary<B2Line> = fc.record(
  {
    executant: digits(9),
    feeZone: digits(2),
    specialty: digits(2),
    actDate: arbYymmdd,
    code: code(5),
    quantity: fc.integer({ min: 1, max: 99 }),
    coefficient: fc.integer({ min: 1, max: 999_999 }),
    unitCents: fc.integer({ min: 0, max: 9_999_999 }),
    amountCents: fc.integer({ min: 0, max: 99_999 }),
    atHome: fc.boolean(),
    ik: fc.record({ oneWayKm: fc.integer({ min: 0, max: 9999 }), zone: fc.constantFrom('plain' as const, 'mountain' as const), billedKm: fc.integer({ min: 0, max: 9999 }) }),
  },
  { requiredKeys: ['executant', 'feeZone', 'specialty', 'actDate', 'code', 'quantity', 'coefficient', 'unitCents', 'amountCents', 'atHome'] },
);

const arbInvoice: fc.Arbitrary<B2Invoice> = fc
  .record({
    invoiceNumber: fc.integer({ min: 1, max: 999_999_999 }),
    insuredNir: nirText,
    securing: fc.constantFrom('S' as const, 'F' as const, 'D' as const),
    invoiceDate: arbYymmdd,
    portable: fc.boolean(),
    regime: digits(2),
    caisse: digits(3),
    centre: digits(4),
    rightsValid: fc.boolean(),
    insuranceNature: fc.constantFrom('10' as const, '13' as const, '30' as const, '41' as const, '90' as const),
    ald: fc.boolean(),
    substitute: fc.boolean(),
    birthDate: arbYymmdd,
    birthRank: fc.integer({ min: 1, max: 9 }),
    payee: fc.constantFrom('00' as const, '05' as const, '15' as const, '25' as const),
    c2s: fc.boolean(),
    lines: fc.array(arbLine, { minLength: 1, maxLength: 4 }),
    amoShare: fc.double({ min: 0, max: 1, noNaN: true }),
    certification: zone32,
  })
  .map(({ amoShare, ...i }) => ({ ...i, amoCents: Math.floor(i.lines.reduce((s, l) => s + l.amountCents, 0) * amoShare) }));

const arbLot: fc.Arbitrary<B2Lot> = fc.record(
  {
    partner: digits(9),
    destination: digits(3),
    lotNumber: fc.integer({ min: 1, max: 999 }),
    partnerName: field(40),
    createdOn: arbYymmdd,
    marking: fc.constantFrom('R' as const, 'T' as const, 'D' as const),
    softwareAgreement: field(12),
    deviceAgreement: field(12),
    certification: zone32,
    invoices: fc.array(arbInvoice, { minLength: 1, maxLength: 4 }),
  },
  { requiredKeys: ['partner', 'destination', 'lotNumber', 'partnerName', 'createdOn', 'marking', 'softwareAgreement', 'certification', 'invoices'] },
);

/** A valid B2 file of 1-3 lots. */
export const arbB2File: fc.Arbitrary<B2File> = fc.record({
  emitterType: field(2),
  emitter: digits(14),
  recipientType: field(2),
  recipient: field(14),
  application: field(2),
  fileId: field(6),
  createdOn: arbYymmdd,
  norm: field(4),
  message: field(37, 0),
  lots: fc.array(arbLot, { minLength: 1, maxLength: 3 }),
});

/** A valid ARL. */
export const arbArl: fc.Arbitrary<Arl> = fc
  .record({
    destination: digits(3),
    lotNumber: fc.integer({ min: 1, max: 999 }),
    partner: digits(9),
    receivedOn: arbYymmdd,
    certification: zone32,
    negative: fc.option(fc.record({ reason: code(5), invoiceNumber: fc.option(fc.integer({ min: 1, max: 999_999_999 }), { nil: undefined }) }), { nil: undefined }),
  })
  .map(({ negative, ...c }): Arl => {
    if (negative === undefined) return { ...c, status: 'positive' };
    return negative.invoiceNumber === undefined ? { ...c, status: 'negative', reason: negative.reason } : { ...c, status: 'negative', reason: negative.reason, invoiceNumber: negative.invoiceNumber };
  });

const arbNotice: fc.Arbitrary<NoemieNotice> = fc.record({ code: code(10), line: fc.integer({ min: 0, max: 99 }) });
const arbNoemieInvoice: fc.Arbitrary<NoemieInvoice> = fc
  .record({
    invoiceNumber: fc.integer({ min: 1, max: 999_999_999 }),
    payment: fc.option(fc.record({ paidOn: arbYymmdd, amoCents: fc.integer({ min: 0, max: 999_999_999 }), amcCents: fc.integer({ min: 0, max: 999_999_999 }) }), { nil: undefined }),
    rejections: fc.array(arbNotice, { minLength: 1, maxLength: 3 }),
    warnings: fc.array(arbNotice, { maxLength: 2 }),
  })
  .map(({ payment, rejections, ...i }) => (payment === undefined ? { ...i, rejections } : { ...i, payment, rejections: [] }));

/** A valid NOEMIE-like return. */
export const arbNoemieReturn: fc.Arbitrary<NoemieReturn> = fc.record({
  emitter: field(14),
  recipient: field(14),
  createdOn: arbYymmdd,
  fileId: field(6),
  lots: fc.array(
    fc.record({
      lotDate: arbYymmdd,
      lotNumber: fc.integer({ min: 1, max: 999 }),
      returnType: fc.constantFrom('01' as const, '02' as const, '03' as const, '04' as const, '05' as const),
      invoices: fc.array(arbNoemieInvoice, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** An FSE whose values fit B2's columns: act codes of at most 5 characters, line amounts of at most 7 digits. */
export function arbB2Fse(securing?: Fse['securing']): fc.Arbitrary<Fse> {
  return arbFse(securing).map((f) => {
    const acts = f.acts.map((a) => {
      const code = a.code.slice(0, 5);
      const unitCents = a.unitCents % 10_000;
      return { ...a, code, unitCents, amountCents: a.quantity * unitCents };
    });
    const totalCents = acts.reduce((s, a) => s + a.amountCents, 0);
    const amoCents = Math.min(f.totals.amoCents, totalCents);
    return { ...f, acts, totals: { totalCents, amoCents, patientCents: totalCents - amoCents } };
  });
}
