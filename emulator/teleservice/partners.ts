/**
 * Who may send which lot, and which organisms receive lots (OURS, README
 * "Lot reception"), indexed once from the personas when the teleservice
 * starts. A lot's partner is the billing number it is paid under
 * (`b2FromLot`: the replaced doctor's for a substitute, DOMAIN.md
 * "Cards": a substitute signs with their own CPS under the replaced
 * doctor's situation).
 * @module
 */
import type { Doctor, Patient } from '../personas/index.js';

/** The lot-sending rules and the known destinations. */
export interface PartnerBook {
  /**
   * The lot signed by `signerRpps` under billing number `partner` may be
   * sent by `senderRpps`: the signer bills under that number (own
   * situation, or one they replace as a substitute), and the sender is
   * the signer or the number's owner.
   */
  maySend(senderRpps: string, signerRpps: string, partner: string): boolean;
  /** An organisme destinataire that receives lots: a caisse of régime 01, or `0` + another régime (as the terminal routes FSEs). */
  knowsDestination(destination: string): boolean;
}

/** Index the doctors' billing numbers and the insured's organisms. */
export function createPartnerBook(doctors: readonly Doctor[], patients: readonly Patient[]): PartnerBook {
  const byId = new Map(doctors.map((d) => [d.id, d]));
  const owner = new Map<string, string>();
  const billsUnder = new Map<string, Set<string>>();
  for (const d of doctors) {
    const numbers = new Set<string>();
    for (const s of d.situations) {
      if (s.replaces === undefined) {
        owner.set(s.billingNumber, d.rpps);
        numbers.add(s.billingNumber);
      } else {
        const replaced = byId.get(s.replaces.doctorId)?.situations[s.replaces.situation];
        if (replaced !== undefined) numbers.add(replaced.billingNumber);
      }
    }
    billsUnder.set(d.rpps, numbers);
  }
  const destinations = new Set(patients.map((p) => (p.insured.regime === '01' ? p.insured.caisse : `0${p.insured.regime}`)));
  return {
    maySend: (sender, signer, partner) => (billsUnder.get(signer)?.has(partner) ?? false) && (sender === signer || owner.get(partner) === sender),
    knowsDestination: (destination) => destinations.has(destination),
  };
}
