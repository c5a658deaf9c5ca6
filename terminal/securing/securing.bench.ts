/**
 * Issue 6 "Performance": FSEs captured (priced + encoded), secured (Vitale
 * cryptogram + CPS signature through the emulator's in-process cards) and
 * committed durably (`putFse`, WAL + synchronous FULL) a second, target
 * ≥ 1,000. One case = one whole FSE, end to end, sequential.
 */
import type { BenchCase } from '../../bench/run.js';
import { coverageAt, priceVisit, tariffAt } from '../billing/index.js';
import { readVitaleCard, type VitaleCardData } from '../cards/index.js';
import { DEVICE, tariffBook, visitWorld, type VisitWorld } from '../capture/test-support.js';
import type { CardSession } from '../../drivers/index.js';
import { buildFse, destinationOf, secureFse } from './index.js';

const ACT_DATE = '2026-03-14';
const table = tariffAt(tariffBook(), ACT_DATE)!;
let world: VisitWorld | undefined;
let vitale: CardSession | undefined;
let card: VitaleCardData | undefined;
let invoice = 1;

async function captureOne(): Promise<void> {
  if (world === undefined || vitale === undefined || card === undefined) throw new Error('setup did not run');
  const beneficiary = card.beneficiaries[0]!;
  const coverage = coverageAt(beneficiary.rights, ACT_DATE);
  const priced = priceVisit(table, { actDate: ACT_DATE, birthDate: beneficiary.birthDate, coverage, acts: [{ code: 'VG' }, { code: 'MD' }], ik: { oneWayKm: 9, zone: 'plain' }, pdsaUrgent: false });
  if (!priced.ok) throw new Error(priced.error.message);
  const built = buildFse({ invoiceNumber: invoice, capturedAt: '2026-03-14T09:41:07+01:00', actDate: ACT_DATE, signer: world.signer, situation: world.situations[0]!, patient: { kind: 'vitale', card, beneficiary: 0 }, coverage, priced: priced.value, pdsaUrgent: false, device: DEVICE });
  if (!built.ok) throw new Error(built.error.message);
  const { bytes, secured } = await secureFse(built.value, { vitale: { channel: vitale, certificate: card.certificate! }, cps: { channel: world.cps, certificate: world.signer.certificate } });
  await world.store.putFse({ id: invoice++, capturedAt: 0, destination: destinationOf(secured.fse), amountCents: secured.fse.totals.totalCents, securingMode: secured.fse.securing, bytes });
}

export const benches: BenchCase[] = [
  {
    name: 'FSE captured, secured (Vitale + CPS, in-process cards) and committed durably (putFse, FULL sync)',
    unit: 'ops/s',
    opsPerCall: 1,
    target: 1000,
    setup: async () => {
      world = await visitWorld('dr-garnier', { capacity: 100_000_000 });
      vitale = await world.insertVitale('pt-c2s');
      card = await readVitaleCard(vitale);
      invoice = 1;
    },
    teardown: async () => {
      await world?.close();
      world = undefined;
    },
    fn: captureOne,
  },
];
