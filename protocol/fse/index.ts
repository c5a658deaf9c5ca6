/**
 * The FSE (feuille de soins électronique) and the lot as the terminal keeps
 * them: canonical encodings (OURS, see README), the secured FSE and signed
 * lot envelopes, and the signatures a verifier must check.
 * @module
 */
export { FSE_FORMAT_VERSION, FSE_TAG, MAX_FSE_ACTS, encodeFse, fse, fseCodec, parseFse } from './fse.js';
export type { Fse, FseAct, FseBeneficiary, FseCoverage, FseIk, FseInsured, FseProfessional, FseReplacedDoctor, FseTotals } from './fse.js';
export { SECURED_FSE_TAG, encodeSecuredFse, parseSecuredFse, securedFse, securedFseChecks, securedFseCodec } from './secured-fse.js';
export type { CardSignature, SecuredFse, SignatureCheck, Signer } from './secured-fse.js';
export {
  FSE_DIGEST_LENGTH,
  LOT_TAG,
  MAX_LOT_FSES,
  SIGNED_LOT_TAG,
  encodeLot,
  encodeSignedLot,
  lotCodec,
  lotDerived,
  makeLot,
  parseLot,
  parseSignedLot,
  signedLotCheck,
  signedLotCodec,
} from './lot.js';
export type { Lot, LotFields, LotFseEntry, LotSecuringSummary, LotTotals, SignedLot } from './lot.js';
export { MAX_CENTS, isIsoDate, isIsoDateTime, type IkZone, type SecuringMode, type ThirdPartyCode } from './values.js';
export type { FseReason } from './canonical.js';
export { sha256 } from './digest.js';
export { certificateCommonName, certificateStanding, normalizeSerial, signatureValid, x509, type CertificateAnchors, type CertificateStanding } from './certificates.js';
export { verifySecuredFse, verifySecuredFseValue, verifySignedLot, verifySignedLotValue, type FseVerification, type LotVerification, type SignatureVerdict, type TrustAnchors, type Verification, type VerificationFailure } from './verify.js';
