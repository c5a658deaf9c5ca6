/**
 * The PC sends the lots and follows them (host SDK `uploadLots`,
 * `followAcknowledgements`, `rebuildRejectedLots`), letting the day's clock
 * run to the moment the teleservice said the ARL would be ready, never
 * waiting for real: upload, ARLs, and for a negative ARL the FSEs rebuilt
 * into a new lot signed with the CPS at the PC, sent and followed again.
 *
 * OURS: one lot in flight at a time (the teleservice draws its receipt ids
 * from a seeded source in arrival order: one order, one day), at most three
 * rounds of rebuild.
 * @module
 */
import { followAcknowledgements, rebuildRejectedLots, uploadLots, type FollowSummary, type LotArl, type LotPayment, type RebuiltLot } from '../../host-sdk/index.js';
import type { CpsAtPc, Practice } from './practice.js';
import { HOST_SOFTWARE_AGREEMENT } from './practice.js';
import { lotLabel } from '../format.js';

/** Most rebuild rounds in one evening. */
const MAX_REBUILDS = 3;

/** What the PC learnt while sending. */
export interface SendResult {
  readonly sent: number;
  readonly arls: readonly LotArl[];
  readonly rebuilt: readonly RebuiltLot[];
  readonly payments: readonly LotPayment[];
  /** Lot ids still waiting for their ARL. */
  readonly pending: readonly number[];
}

/** Let the clock run (simulated time). */
export type Advance = (ms: number) => void;

/** The lots' label `<destination>-<NNN>`. */

async function follow(practice: Practice, cps: CpsAtPc, now: () => number, advance: Advance): Promise<FollowSummary> {
  let summary = await followAcknowledgements(practice.db, cps.client, {});
  const later = Math.max(0, ...summary.pending.map((p) => p.availableAt - now()));
  if (summary.pending.length === 0) return summary;
  advance(later);
  const again = await followAcknowledgements(practice.db, cps.client, {});
  summary = { ...again, arls: [...summary.arls, ...again.arls], payments: [...summary.payments, ...again.payments] };
  return summary;
}

/**
 * Send every signed lot, follow their ARLs (the clock runs to when they are
 * ready), rebuild the negatively acknowledged ones and send those too.
 * `say` gets one line a step.
 */
export async function sendLots(practice: Practice, cps: CpsAtPc, clock: { now(): number; advance: Advance }, say: (text: string) => void): Promise<SendResult> {
  const arls: LotArl[] = [];
  const rebuilt: RebuiltLot[] = [];
  const payments: LotPayment[] = [];
  let sent = 0;
  let pending: readonly number[] = [];
  for (let round = 0; round <= MAX_REBUILDS; round++) {
    const upload = await uploadLots(practice.db, cps.client, { softwareAgreement: HOST_SOFTWARE_AGREEMENT, concurrency: 1 });
    sent += upload.sent.length;
    for (const failure of upload.failed) say(`Lot ${failure.lotId} non envoye (${failure.kind}) : ${failure.message}`);
    if (upload.sent.length > 0) say(`${upload.sent.length} lot(s) envoye(s) au teleservice : ${upload.sent.map((s) => lotLabel(s.receipt.destination, s.receipt.lotNumber)).join(', ')}`);
    const followed = await follow(practice, cps, clock.now, clock.advance);
    pending = followed.pending.map((p) => p.lotId);
    payments.push(...followed.payments);
    for (const arl of followed.arls) {
      arls.push(arl);
      say(`ARL ${arl.status === 'positive' ? 'positif' : 'NEGATIF'} lot ${lotLabel(arl.destination, arl.lotNumber)}${arl.status === 'negative' ? ` : ${arl.reason} ${arl.label ?? ''}` : ''}`);
    }
    if (!followed.arls.some((a) => a.status === 'negative')) break;
    const rebuild = await rebuildRejectedLots(practice.db, cps.signer, { clock: { now: clock.now }, utcOffsetMinutes: practice.utcOffsetMinutes });
    for (const lot of rebuild.rebuilt) say(`FSE ${lot.invoiceNumbers.join(', ')} remises dans un nouveau lot ${lotLabel(lot.destination, lot.lotNumber)}, signe CPS au poste`);
    for (const lost of rebuild.unfixable) say(`FSE ${lost.invoiceNumbers.join(', ')} non renvoyables (${lost.reason}) : ${lost.why}`);
    rebuilt.push(...rebuild.rebuilt);
    if (rebuild.rebuilt.length === 0) break;
  }
  return { sent, arls, rebuilt, payments, pending };
}

/** Follow once more later (the returns): the payments received. */
export async function collectReturns(practice: Practice, cps: CpsAtPc, say: (text: string) => void): Promise<readonly LotPayment[]> {
  const { payments } = await followAcknowledgements(practice.db, cps.client, {});
  for (const payment of payments) {
    const lot = practice.db.getLot(payment.lotId);
    const label = lotLabel(lot.destination, lot.lotNumber);
    const rejected = payment.rejected.map((r) => `FSE ${r.invoiceNumber} rejetee (${r.codes.join(', ')})`);
    say(`Retour lot ${label} : ${payment.paidInvoices} FSE payee(s), ${(payment.paidCents / 100).toFixed(2)} EUR${rejected.length > 0 ? `; ${rejected.join('; ')}` : ''}`);
  }
  return payments;
}
