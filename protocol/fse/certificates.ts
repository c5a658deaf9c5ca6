/**
 * X.509 certificates of the cards, read with node:crypto's X509Certificate
 * (parsing: a deterministic computation, not I/O). The test CA is
 * `test-vectors/pki/ca/ca.cert.pem`.
 * @module
 */
import { verify, X509Certificate } from 'node:crypto';

/** The certificate, or undefined when the bytes are not one. */
export function x509(der: Uint8Array | string): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/**
 * The subject's common name (CN), e.g. the CPS holder's `LUCAS MOREAU`.
 * @example certificateCommonName(der) // 'LUCAS MOREAU'
 */
export function certificateCommonName(der: Uint8Array): string | undefined {
  const line = x509(der)
    ?.subject.split('\n')
    .find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

/**
 * A serial number's hex text in one spelling: upper case, no leading `00`
 * bytes (X509Certificate.serialNumber keeps a sign byte a CRL may not).
 * @example normalizeSerial('00a1') // 'A1'
 */
export function normalizeSerial(hexText: string): string {
  return hexText.toUpperCase().replace(/^(?:00)+(?=..)/, '');
}

/** A certificate can parse yet hold a key OpenSSL cannot decode (found by a byte-flip property): a failed check, not a crash. */
function attempt(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

/** What a certificate is checked against. */
export interface CertificateAnchors {
  /** The CA that must have issued it. */
  readonly ca: X509Certificate;
  /** When given (ms since 1970), the certificate must be valid at this time. */
  readonly at?: number;
  /** Serial numbers the CA revoked, in {@link normalizeSerial}'s spelling. */
  readonly revokedSerials?: ReadonlySet<string>;
}

/** Where a certificate stands: `valid`, or the first reason it is not (chain, then time, then revocation). */
export type CertificateStanding = 'valid' | 'bad-chain' | 'expired-certificate' | 'revoked-certificate';

/**
 * Check a certificate against the CA, the time and the revocations.
 * @example certificateStanding(cert, { ca, at: Date.UTC(2026, 0, 1) }) // 'valid'
 */
export function certificateStanding(certificate: X509Certificate, anchors: CertificateAnchors): CertificateStanding {
  const { ca, at, revokedSerials } = anchors;
  if (!attempt(() => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) return 'bad-chain';
  if (at !== undefined && !(Date.parse(certificate.validFrom) <= at && at <= Date.parse(certificate.validTo))) return 'expired-certificate';
  if (revokedSerials?.has(normalizeSerial(certificate.serialNumber)) === true) return 'revoked-certificate';
  return 'valid';
}

/**
 * Whether `signature` is the certificate key's RSA PKCS#1 v1.5 SHA-256
 * signature over `data` (false, never a throw, for any bytes).
 * @example signatureValid(data, cert, signature) // true
 */
export function signatureValid(data: Uint8Array, certificate: X509Certificate, signature: Uint8Array): boolean {
  return attempt(() => verify('sha256', data, certificate.publicKey, signature));
}
