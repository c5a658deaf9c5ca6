/**
 * Verifying a stored FSE (issue 6: "A stored FSE can be verified later by
 * anyone holding the CPS certificate and the test CA"): parse the secured
 * envelope, check each signature (RSA PKCS#1 v1.5 SHA-256 over the FSE's
 * canonical bytes, protocol `securedFseChecks`) against the certificate it
 * carries, and each certificate against the CA, with node:crypto
 * (computation, not I/O). For tests and the host.
 * @module
 */
import { verify as verifySignature } from 'node:crypto';
import { parseSecuredFse, securedFseChecks, type SecuredFse, type Signer } from '../../protocol/index.js';
import { x509 } from './certificates.js';

/** One signature's verdict. */
export interface SignatureVerdict {
  readonly signer: Signer;
  /** The signature verifies with the certificate's key. */
  readonly signatureValid: boolean;
  /** The certificate was issued and signed by the CA. */
  readonly chainValid: boolean;
}

/** A verification's outcome. */
export type FseVerification =
  | { readonly ok: true; readonly secured: SecuredFse; readonly verdicts: readonly SignatureVerdict[] }
  | { readonly ok: false; readonly reason: 'unparsable' | 'bad-signature' | 'bad-chain' | 'expected-certificate'; readonly message: string; readonly verdicts: readonly SignatureVerdict[] };

/** What the verifier trusts. */
export interface TrustAnchors {
  /** The CA certificate, PEM or DER. */
  readonly ca: string | Uint8Array;
  /** When given, the CPS signature must come from this certificate (DER). */
  readonly cpsCertificate?: Uint8Array;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Verify a secured FSE's bytes: every signature valid, every certificate
 * from the CA (and the CPS certificate the expected one, if given).
 * @example verifySecuredFse(bytes, { ca: readFileSync('test-vectors/pki/ca/ca.cert.pem', 'utf8') }).ok // true
 */
export function verifySecuredFse(bytes: Uint8Array, anchors: TrustAnchors): FseVerification {
  const parsed = parseSecuredFse(bytes);
  if (!parsed.ok) return { ok: false, reason: 'unparsable', message: parsed.error.message, verdicts: [] };
  const ca = x509(anchors.ca);
  if (ca === undefined) throw new TypeError('the CA is not an X.509 certificate');
  const verdicts = securedFseChecks(parsed.value).map((check): SignatureVerdict => {
    const certificate = x509(check.certificate);
    if (certificate === undefined) return { signer: check.signer, signatureValid: false, chainValid: false };
    return {
      signer: check.signer,
      signatureValid: verifySignature('sha256', check.data, certificate.publicKey, check.signature),
      chainValid: certificate.checkIssued(ca) && certificate.verify(ca.publicKey),
    };
  });
  const badSignature = verdicts.find((v) => !v.signatureValid);
  if (badSignature !== undefined) return { ok: false, reason: 'bad-signature', message: `the ${badSignature.signer} signature does not verify`, verdicts };
  const badChain = verdicts.find((v) => !v.chainValid);
  if (badChain !== undefined) return { ok: false, reason: 'bad-chain', message: `the ${badChain.signer} certificate is not from the CA`, verdicts };
  if (anchors.cpsCertificate !== undefined && !sameBytes(anchors.cpsCertificate, parsed.value.cps.certificate)) {
    return { ok: false, reason: 'expected-certificate', message: 'the CPS certificate is not the expected one', verdicts };
  }
  return { ok: true, secured: parsed.value, verdicts };
}
