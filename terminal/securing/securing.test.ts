import test from 'ava';
import { encodeFse, encodeSecuredFse, hex, parseSecuredFse, sha256, verifySecuredFse } from '../../protocol/index.js';
import { coverageAt, priceVisit, tariffAt } from '../billing/index.js';
import { readVitaleCard } from '../cards/index.js';
import { CA_PEM, DEVICE, tariffBook, visitWorld } from '../capture/test-support.js';
import { buildFse, localDateTime, mseSetSignature, psoComputeSignature, secureFse } from './index.js';

test('APDUs of the signatures (emulator profiles README)', (t) => {
  t.deepEqual(mseSetSignature(1), hex('00 22 41 B6 06 84 01 01 80 01 42'));
  t.deepEqual(mseSetSignature(2), hex('00 22 41 B6 06 84 01 02 80 01 42'));
  t.deepEqual(psoComputeSignature(new Uint8Array(32).fill(7)).subarray(0, 5), hex('00 2A 9E 9A 20'));
  t.throws(() => psoComputeSignature(new Uint8Array(20)), { instanceOf: RangeError });
  t.is(localDateTime(Date.UTC(2026, 0, 1, 0, 30), -150), '2025-12-31T22:00:00-02:30');
  t.is(localDateTime(0, 0), '1970-01-01T00:00:00+00:00');
});

test('mode S secured with the real cards verifies; any flipped byte of the FSE or a signature fails', async (t) => {
  const world = await visitWorld('dr-benali');
  try {
    const card = await readVitaleCard(await world.insertVitale('pt-maternity'));
    const table = tariffAt(tariffBook(), '2026-03-14')!;
    const coverage = coverageAt(card.beneficiaries[0]!.rights, '2026-03-14');
    const priced = priceVisit(table, { actDate: '2026-03-14', birthDate: card.beneficiaries[0]!.birthDate, coverage, acts: [{ code: 'VG' }], pdsaUrgent: false });
    if (!priced.ok) throw new Error(priced.error.message);
    const built = buildFse({ invoiceNumber: 7, capturedAt: '2026-03-14T09:00:00+01:00', actDate: '2026-03-14', signer: world.signer, situation: world.situations[0]!, patient: { kind: 'vitale', card, beneficiary: 0 }, coverage, priced: priced.value, pdsaUrgent: false, device: DEVICE });
    if (!built.ok) throw new Error(built.error.message);
    t.is(built.value.securing, 'S');
    const vitaleSession = world.manager.reader('Vitale');
    const result = await secureFse(built.value, { vitale: { channel: await vitaleSession.connect(), certificate: card.certificate! }, cps: { channel: world.cps, certificate: world.signer.certificate } });
    t.deepEqual(result.digest, sha256(encodeFse(built.value)));
    t.false(result.downgraded);
    const verdict = verifySecuredFse(result.bytes, { ca: CA_PEM });
    t.true(verdict.ok);
    // Swap the signatures: each must fail against the other's certificate.
    const swapped = { ...result.secured, vitale: { ...result.secured.vitale!, signature: result.secured.cps.signature } };
    t.like(verifySecuredFse(encodeSecuredFse(swapped), { ca: CA_PEM }), { ok: false, reason: 'bad-signature' });
    const tampered = { ...result.secured, fse: { ...result.secured.fse, totals: { ...result.secured.fse.totals } , invoiceNumber: 8 } };
    t.like(verifySecuredFse(encodeSecuredFse(tampered), { ca: CA_PEM }), { ok: false, reason: 'bad-signature' });
    t.like(verifySecuredFse(result.bytes, { ca: CA_PEM, cpsCertificate: card.certificate! }), { ok: false, reason: 'expected-certificate' });
    t.like(verifySecuredFse(result.bytes.subarray(1), { ca: CA_PEM }), { ok: false, reason: 'unparsable' });
    // A certificate not from the CA: the Vitale's own, self-signed? use the CA itself as leaf.
    const selfSigned = { ...result.secured, cps: { ...result.secured.cps, certificate: new Uint8Array(Buffer.from(CA_PEM.replace(/-----[^-]+-----|\s/g, ''), 'base64')) } };
    t.like(verifySecuredFse(encodeSecuredFse(selfSigned), { ca: CA_PEM }), { ok: false });
    t.true(parseSecuredFse(result.bytes).ok);
  } finally {
    await world.close();
  }
});
