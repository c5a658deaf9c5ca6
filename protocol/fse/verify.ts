/**
 * Verifying a stored FSE or lot (issue 6: "A stored FSE can be verified
 * later by anyone holding the CPS certificate and the test CA"): parse the
 * envelope, check each signature (RSA PKCS#1 v1.5 SHA-256 over the
 * canonical bytes, {@link securedFseChecks} / {@link signedLotCheck})
 * against the certificate it carries, and each certificate against the CA.
 *
 * One verifier for the terminal's tests, the host and the emulated
 * teleservice, so it lives here: node:crypto does the arithmetic, a
 * deterministic function of the bytes and the trust anchors (no I/O, no
 * clock: the time a certificate must be valid at is an input).
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { certificateStanding, signatureValid, x509 } from './certificates.js';
import { parseSignedLot, signedLotCheck, type SignedLot } from './lot.js';
import { parseSecuredFse, securedFseChecks, type SecuredFse, type SignatureCheck, type Signer } from './secured-fse.js';

/** One signature's verdict. */
export interface SignatureVerdict {
  readonly signer: Signer;
  /** The signature verifies with the certificate's key. */
  readonly signatureValid: boolean;
  /** The certificate was issued and signed by the CA (and, when asked, valid at the time and not revoked). */
  readonly chainValid: boolean;
}

/** Why a verification failed. */
export type VerificationFailure =
  /** The bytes are not the envelope. */
  | 'unparsable'
  /** A signature does not verify with its certificate. */
  | 'bad-signature'
  /** A certificate is not from the CA. */
  | 'bad-chain'
  /** A certificate was not valid at `anchors.at`. */
  | 'expired-certificate'
  /** A certificate's serial number is in `anchors.revokedSerials`. */
  | 'revoked-certificate'
  /** The CPS certificate is not `anchors.cpsCertificate`. */
  | 'expected-certificate';

/** A verification's outcome: the parsed envelope, or why not. */
export type Verification<T> =
  | { readonly ok: true; readonly value: T; readonly verdicts: readonly SignatureVerdict[] }
  | {
      readonly ok: false;
      readonly reason: VerificationFailure;
      readonly message: string;
      readonly verdicts: readonly SignatureVerdict[];
      /** The envelope, when it parsed (to name what failed); absent when `unparsable`. */
      readonly value?: T;
    };

/** A secured FSE's verification. */
export type FseVerification = Verification<SecuredFse>;
/** A signed lot's verification. */
export type LotVerification = Verification<SignedLot>;

/** What the verifier trusts. */
export interface TrustAnchors {
  /** The CA certificate: PEM, DER, or already parsed (a server verifying many items parses it once). */
  readonly ca: string | Uint8Array | X509Certificate;
  /** When given, the CPS signature must come from this certificate (DER). */
  readonly cpsCertificate?: Uint8Array;
  /** When given (ms since 1970), every certificate must be valid at this time. */
  readonly at?: number;
  /** Serial numbers the CA revoked, in `normalizeSerial`'s spelling (upper-case hex, no leading 00). */
  readonly revokedSerials?: ReadonlySet<string>;
}

type Outcome = { readonly verdict: SignatureVerdict; readonly failure?: VerificationFailure };

function check(one: SignatureCheck, ca: X509Certificate, anchors: TrustAnchors): Outcome {
  const certificate = x509(one.certificate);
  if (certificate === undefined) return { verdict: { signer: one.signer, signatureValid: false, chainValid: false }, failure: 'bad-signature' };
  const signed = signatureValid(one.data, certificate, one.signature);
  const standing = certificateStanding(certificate, { ca, ...(anchors.at === undefined ? {} : { at: anchors.at }), ...(anchors.revokedSerials === undefined ? {} : { revokedSerials: anchors.revokedSerials }) });
  const verdict = { signer: one.signer, signatureValid: signed, chainValid: standing === 'valid' };
  const failure = !signed ? 'bad-signature' : standing === 'valid' ? undefined : standing;
  return failure === undefined ? { verdict } : { verdict, failure };
}

const MESSAGES: Readonly<Record<Exclude<VerificationFailure, 'unparsable' | 'expected-certificate'>, string>> = {
  'bad-signature': 'signature does not verify',
  'bad-chain': 'certificate is not from the CA',
  'expired-certificate': 'certificate was not valid at that time',
  'revoked-certificate': 'certificate is revoked',
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function verifyChecks<T>(value: T, checks: readonly SignatureCheck[], cpsCertificate: Uint8Array, anchors: TrustAnchors): Verification<T> {
  const ca = anchors.ca instanceof X509Certificate ? anchors.ca : x509(anchors.ca);
  if (ca === undefined) throw new TypeError('the CA is not an X.509 certificate');
  const outcomes = checks.map((c) => check(c, ca, anchors));
  const verdicts = outcomes.map((o) => o.verdict);
  // Signatures first, then chains: a forged signature is named before a doubtful certificate.
  const failed = outcomes.find((o) => o.failure === 'bad-signature') ?? outcomes.find((o) => o.failure !== undefined);
  if (failed?.failure !== undefined && failed.failure !== 'unparsable' && failed.failure !== 'expected-certificate') {
    return { ok: false, reason: failed.failure, message: `the ${failed.verdict.signer} ${MESSAGES[failed.failure]}`, verdicts, value };
  }
  if (anchors.cpsCertificate !== undefined && !sameBytes(anchors.cpsCertificate, cpsCertificate)) {
    return { ok: false, reason: 'expected-certificate', message: 'the CPS certificate is not the expected one', verdicts, value };
  }
  return { ok: true, value, verdicts };
}

/**
 * Verify a secured FSE's bytes: every signature valid (the Vitale
 * cryptogram in mode S, the CPS signature), every certificate from the CA
 * (valid at `anchors.at` and not revoked, when asked), the CPS certificate
 * the expected one (if given).
 * @example verifySecuredFse(bytes, { ca: readFileSync('test-vectors/pki/ca/ca.cert.pem', 'utf8') }).ok // true
 * @throws TypeError when `anchors.ca` is not a certificate (the caller's configuration, not input).
 */
export function verifySecuredFse(bytes: Uint8Array, anchors: TrustAnchors): FseVerification {
  const parsed = parseSecuredFse(bytes);
  if (!parsed.ok) return { ok: false, reason: 'unparsable', message: parsed.error.message, verdicts: [] };
  return verifySecuredFseValue(parsed.value, anchors);
}

/**
 * {@link verifySecuredFse} of an envelope already parsed (a caller that
 * needed its fields first, e.g. its capture time for `anchors.at`, parses
 * once).
 * @example verifySecuredFseValue(parsed, { ca, at: Date.parse(parsed.fse.capturedAt) }).ok // true
 * @throws TypeError when `anchors.ca` is not a certificate.
 */
export function verifySecuredFseValue(secured: SecuredFse, anchors: TrustAnchors): FseVerification {
  return verifyChecks(secured, securedFseChecks(secured), secured.cps.certificate, anchors);
}

/**
 * Verify a signed lot's bytes: the CPS signature over the lot's canonical
 * bytes and its certificate, as {@link verifySecuredFse} does. That each
 * listed FSE digest is the SHA-256 of a stored secured FSE is for the
 * caller, who holds the FSEs.
 * @example verifySignedLot(bytes, { ca }).ok // true
 * @throws TypeError when `anchors.ca` is not a certificate.
 */
export function verifySignedLot(bytes: Uint8Array, anchors: TrustAnchors): LotVerification {
  const parsed = parseSignedLot(bytes);
  if (!parsed.ok) return { ok: false, reason: 'unparsable', message: parsed.error.message, verdicts: [] };
  return verifySignedLotValue(parsed.value, anchors);
}

/**
 * {@link verifySignedLot} of a lot already parsed (parsed once by a caller
 * that needed its creation time or numbering first).
 * @example verifySignedLotValue(parsed, { ca, at: Date.parse(parsed.lot.createdAt) }).ok // true
 * @throws TypeError when `anchors.ca` is not a certificate.
 */
export function verifySignedLotValue(signed: SignedLot, anchors: TrustAnchors): LotVerification {
  return verifyChecks(signed, [signedLotCheck(signed)], signed.cps.certificate, anchors);
}
