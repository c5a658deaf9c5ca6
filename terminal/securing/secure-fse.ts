/**
 * Securing an FSE with the cards (issue 6 "Securing an FSE"): canonical
 * bytes (protocol `encodeFse`), their SHA-256, the Vitale cryptogram (mode
 * S) and the CPS signature, the secured envelope (`encodeSecuredFse`).
 *
 * OURS: a Vitale 2 that refuses to sign (any SW other than 9000) does not
 * stop the visit: the FSE is rebuilt in mode F (DOMAIN.md: F = without the
 * Vitale) and signed by the CPS alone. A card pulled (drivers
 * `card-removed`) or a CPS refusal stops it: nothing is produced.
 * @module
 */
import type { CardChannel } from '../../drivers/index.js';
import { encodeFse, encodeSecuredFse, fse as checkFse, type Fse, type SecuredFse, sha256 } from '../../protocol/index.js';
import { CardOperationError } from '../machines/index.js';
import { cpsSignature, vitaleCryptogram } from './card-signing.js';

/** The cards that secure an FSE. */
export interface SecuringCards {
  /** The Vitale 2 and its card certificate; needed in mode S only. */
  readonly vitale?: { readonly channel: CardChannel; readonly certificate: Uint8Array };
  /** The CPS (PIN verified in this session) and its signature certificate. */
  readonly cps: { readonly channel: CardChannel; readonly certificate: Uint8Array };
  readonly signal?: AbortSignal;
}

/** A secured FSE and its bytes. */
export interface SecuredFseResult {
  readonly secured: SecuredFse;
  /** `encodeSecuredFse(secured)`: what the store keeps. */
  readonly bytes: Uint8Array;
  /** SHA-256 of the FSE's canonical bytes (what both cards signed). */
  readonly digest: Uint8Array;
  /** True when mode S fell back to F because the Vitale refused to sign. */
  readonly downgraded: boolean;
}

/**
 * Secure `value` with the cards. Mode S needs `cards.vitale` (a
 * TypeError otherwise: programmer error). Rejects with a
 * `CardOperationError` or a drivers `DriverError`.
 */
export async function secureFse(value: Fse, cards: SecuringCards): Promise<SecuredFseResult> {
  let current = value;
  // Both cards sign the same canonical bytes: hashed once, again only after a downgrade to F.
  let digest = sha256(encodeFse(value));
  let vitale: SecuredFse['vitale'];
  let downgraded = false;
  if (value.securing === 'S') {
    if (cards.vitale === undefined) throw new TypeError('mode S needs the Vitale card');
    try {
      vitale = { signature: await vitaleCryptogram(cards.vitale.channel, digest, cards.signal), certificate: cards.vitale.certificate };
    } catch (error) {
      if (!(error instanceof CardOperationError) || error.failure.kind !== 'card-refused') throw error;
      const fallback = checkFse({ ...value, securing: 'F' });
      if (!fallback.ok) throw new TypeError(`mode F of a valid FSE failed: ${fallback.error.message}`, { cause: error });
      current = fallback.value;
      digest = sha256(encodeFse(current));
      downgraded = true;
    }
  }
  const cps = { signature: await cpsSignature(cards.cps.channel, digest, cards.signal), certificate: cards.cps.certificate };
  const secured: SecuredFse = vitale === undefined ? { fse: current, cps } : { fse: current, vitale, cps };
  return { secured, bytes: encodeSecuredFse(secured), digest, downgraded };
}
