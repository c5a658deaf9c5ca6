import { fc, testProp } from '@fast-check/ava';
import { arbSignature } from '../fse/arbitraries.js';
import { encodeSecuredFse, makeLot, sha256, type SecuredFse, type SignedLot } from '../fse/index.js';
import { arbB2Fse } from './arbitraries.js';
import { encodeB2File, parseB2File } from './b2-file.js';
import { b2FromLot, b2MatchesLot, lotCertification } from './b2-from-lot.js';

/** Secured FSEs of distinct invoice numbers fitting B2, signed into one lot with `makeLot`. */
const arbLotAndFses = fc
  .record({
    fses: fc.uniqueArray(arbB2Fse(), { minLength: 1, maxLength: 8, selector: (f) => f.invoiceNumber }),
    vitale: arbSignature,
    cps: arbSignature,
    destination: fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
    lotNumber: fc.integer({ min: 1, max: 999 }),
    portable: fc.boolean(),
  })
  .map(({ fses, vitale, cps, destination, lotNumber, portable }) => {
    const secured: SecuredFse[] = fses.map((fse) => (fse.securing === 'S' ? { fse, vitale, cps } : { fse, cps }));
    const lot = makeLot({
      destination,
      lotNumber,
      createdAt: '2026-03-14T18:02:00+01:00',
      deviceAgreement: 'BFT-TLA-0001',
      portable,
      fses: secured.map((s) => ({ invoiceNumber: s.fse.invoiceNumber, digest: sha256(encodeSecuredFse(s)), securing: s.fse.securing, totalCents: s.fse.totals.totalCents, amoCents: s.fse.totals.amoCents })),
    });
    if (!lot.ok) throw new Error(lot.error.message);
    const signed: SignedLot = { lot: lot.value, cps };
    return { signed, secured };
  });

const OPTIONS = { softwareAgreement: 'BFT-HOST-01' };

testProp('b2FromLot builds a valid file that matches its lot', [arbLotAndFses], (t, { signed, secured }) => {
  const r = b2FromLot(signed, secured, OPTIONS);
  if (!r.ok) return t.fail(`${r.error.path}: ${r.error.message}`);
  const parsed = parseB2File(encodeB2File(r.value));
  t.true(parsed.ok);
  t.deepEqual(b2MatchesLot(r.value, signed), []);
  const lot = r.value.lots[0]!;
  t.is(lot.certification, lotCertification(signed));
  t.deepEqual(lot.invoices.map((i) => i.invoiceNumber), signed.lot.fses.map((e) => e.invoiceNumber));
  t.is(lot.deviceAgreement, signed.lot.portable ? 'BFT-TLA-0001' : undefined);
  for (const [i, inv] of lot.invoices.entries()) {
    const fse = secured.find((s) => s.fse.invoiceNumber === inv.invoiceNumber)!.fse;
    t.is(inv.payee, fse.thirdParty);
    t.is(inv.securing, fse.securing);
    t.is(inv.insuredNir, fse.insured.nir);
    t.is(inv.lines.reduce((s, l) => s + (l.quantity * l.coefficient) / 100, 0), fse.acts.reduce((s, a) => s + a.quantity, 0), `billed quantities of invoice ${i}`);
  }
}, { numRuns: 40 });

testProp('b2MatchesLot names what differs', [arbLotAndFses], (t, { signed, secured }) => {
  const r = b2FromLot(signed, secured, OPTIONS);
  if (!r.ok) return t.fail(r.error.message);
  const lot = r.value.lots[0]!;
  const inv = lot.invoices[0]!;
  const other = { ...r.value, lots: [{ ...lot, lotNumber: (lot.lotNumber % 999) + 1, invoices: [{ ...inv, amoCents: inv.amoCents + 1 }, ...lot.invoices.slice(1)] }] };
  t.deepEqual(b2MatchesLot(other, signed).map((m) => m.path), ['lots/0/lotNumber', 'lots/0/invoices/0/amoCents']);
  t.deepEqual(b2MatchesLot({ ...r.value, lots: [] }, signed).map((m) => m.path), ['lots']);
}, { numRuns: 10 });

testProp('an FSE that is not the one the lot signed is refused', [arbLotAndFses], (t, { signed, secured }) => {
  const first = secured[0]!;
  const changed = [{ ...first, fse: { ...first.fse, beneficiary: { ...first.fse.beneficiary, birthRank: (first.fse.beneficiary.birthRank % 9) + 1 } } }, ...secured.slice(1)];
  const r = b2FromLot(signed, changed, OPTIONS);
  t.true(!r.ok && r.error.reason === 'inconsistent' && r.error.path.endsWith('/digest'));
  const missing = b2FromLot(signed, secured.slice(1), OPTIONS);
  t.true(!missing.ok && missing.error.reason === 'inconsistent');
}, { numRuns: 10 });

testProp('values wider than B2 columns are typed failures', [arbLotAndFses], (t, { signed, secured }) => {
  const long = b2FromLot({ ...signed, lot: { ...signed.lot, portable: true, deviceAgreement: 'KAPGO-2024-17' } }, secured, OPTIONS);
  t.true(!long.ok && long.error.path === 'lot/deviceAgreement');
  const agreement = b2FromLot(signed, secured, { softwareAgreement: 'ABCDEFGHIJKLM' });
  t.true(!agreement.ok && agreement.error.path === 'softwareAgreement');
}, { numRuns: 5 });
