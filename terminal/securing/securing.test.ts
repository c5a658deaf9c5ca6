import test from 'ava';
import { encodeFse, encodeSecuredFse, hex, mseSetSignature, parseSecuredFse, psoComputeSignature, sha256, verifySecuredFse } from '../../protocol/index.js';
import { coverageAt, priceVisit, tariffAt } from '../billing/index.js';
import { readVitaleCard } from '../cards/index.js';
import { CA_PEM, DEVICE, READERS, tariffBook, visitWorld } from '../capture/test-support.js';
import { buildFse, localDateTime, secureFse } from './index.js';
import { fromCard, openVitale, virtualClock, withFaults, type FaultPlan } from '../../emulator/index.js';

test('APDUs of the signatures (emulator profiles README)', (t) => {
  t.deepEqual(mseSetSignature(1), hex('00 22 41 B6 06 84 01 01 80 01 42'));
  t.deepEqual(mseSetSignature(2), hex('00 22 41 B6 06 84 01 02 80 01 42'));
  t.deepEqual(psoComputeSignature(new Uint8Array(32).fill(7)).subarray(0, 5), hex('00 2A 9E 9A 20'));
  t.throws(() => psoComputeSignature(new Uint8Array(20)), { instanceOf: RangeError });
  t.is(localDateTime(Date.UTC(2026, 0, 1, 0, 30), -150), '2025-12-31T22:00:00-02:30');
  t.is(localDateTime(0, 0), '1970-01-01T00:00:00+00:00');
});

/** A mode S FSE for the maternity persona's Vitale, read from the card in the Vitale reader. */
async function modeSFse(world: Awaited<ReturnType<typeof visitWorld>>) {
  const card = await readVitaleCard(await world.manager.reader(READERS.vitale).connect());
  const table = tariffAt(tariffBook(), '2026-03-14')!;
  const coverage = coverageAt(card.beneficiaries[0]!.rights, '2026-03-14');
  const priced = priceVisit(table, { actDate: '2026-03-14', birthDate: card.beneficiaries[0]!.birthDate, coverage, acts: [{ code: 'VG' }], pdsaUrgent: false });
  if (!priced.ok) throw new Error(priced.error.message);
  const built = buildFse({ invoiceNumber: 7, capturedAt: '2026-03-14T09:00:00+01:00', actDate: '2026-03-14', signer: world.signer, situation: world.situations[0]!, patient: { kind: 'vitale', card, beneficiary: 0 }, coverage, priced: priced.value, pdsaUrgent: false, device: DEVICE });
  if (!built.ok) throw new Error(built.error.message);
  return { card, fse: built.value };
}

test('mode S secured with the real cards verifies; any flipped byte of the FSE or a signature fails', async (t) => {
  const world = await visitWorld('dr-benali');
  try {
    await world.insertVitale('pt-maternity');
    const { card, fse: built } = await modeSFse(world);
    t.is(built.securing, 'S');
    const vitaleSession = world.manager.reader(READERS.vitale);
    const result = await secureFse(built, { vitale: { channel: await vitaleSession.connect(), certificate: card.certificate! }, cps: { channel: world.cps, certificate: world.signer.certificate } });
    t.deepEqual(result.digest, sha256(encodeFse(built)));
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

test('a Vitale 2 that refuses to sign downgrades the FSE to mode F, hashed anew and signed by the CPS alone', async (t) => {
  const world = await visitWorld('dr-benali');
  try {
    // The card answers 6982 to its PSO COMPUTE DIGITAL SIGNATURE (emulator fault plan).
    const plan: FaultPlan = { faults: [{ name: 'refuse-pso-cds', trigger: { prefix: '00 2A 9E 9A' }, action: { kind: 'status', sw: '6982' } }] };
    await world.transport.insert(READERS.vitale, withFaults(fromCard(await openVitale('pt-maternity', { stateDir: world.stateDir })), plan, { seed: 1, clock: virtualClock() }));
    const { fse: built } = await modeSFse(world);
    const result = await secureFse(built, { vitale: { channel: await world.manager.reader(READERS.vitale).connect(), certificate: new Uint8Array(1) }, cps: { channel: world.cps, certificate: world.signer.certificate } });
    t.true(result.downgraded);
    t.is(result.secured.fse.securing, 'F');
    t.is(result.secured.vitale, undefined);
    t.deepEqual(result.digest, sha256(encodeFse(result.secured.fse)), 'the digest is of the mode F bytes, not of the refused mode S ones');
    t.notDeepEqual(result.digest, sha256(encodeFse(built)));
    const verdict = verifySecuredFse(result.bytes, { ca: CA_PEM });
    t.true(verdict.ok);
    t.deepEqual(verdict.verdicts.map((v) => v.signer), ['cps']);
  } finally {
    await world.close();
  }
});
