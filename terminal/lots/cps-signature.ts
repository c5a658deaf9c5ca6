/**
 * When the CPS wants its PIN again. The CPS signature itself (MSE SET DST
 * on key reference 2 with SHA256-RSA-PKCS, then PSO CDS over the SHA-256)
 * and the certificate read from `3F00/0001/C001` are securing's
 * (`cpsSignature`, `readCpsSigner`): lots and FSEs are signed the same way.
 * The key's access rule asks for the code porteur (emulator/profiles README
 * "SDO access rules": PSO sign 11): when the session's PIN was dropped
 * (lapse, sleep: a warm reset) the card answers 6982.
 * @module
 */
import { SW } from '../../protocol/index.js';
import type { CardFailure } from '../machines/index.js';

/** True when a card failure means "verify the PIN first" (SW 6982, ISO/IEC 7816-4 §5.6: security status not satisfied). */
export function isPinRequired(failure: CardFailure): boolean {
  return failure.kind === 'card-refused' && failure.sw === SW.SECURITY_STATUS_NOT_SATISFIED;
}
