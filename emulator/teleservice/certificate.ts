/**
 * Checking a CPS authentication certificate and a signature made with its
 * key (OURS: the teleservice's CPS authentication, see README). The RPPS
 * number is the subject's `serialNumber` attribute without its leading
 * identifier type `8` (the test PKI writes `serialNumber=8<RPPS>`).
 * @module
 */
import type { X509Certificate } from 'node:crypto';
import { certificateStanding, normalizeSerial, signatureValid, x509 } from '../../protocol/index.js';
import type { TeleserviceErrorCode } from './errors.js';

/** TLS web client authentication, the extended key usage of a CPS authentication certificate (RFC 5280 §4.2.1.12). */
export const CLIENT_AUTH_USAGE = '1.3.6.1.5.5.7.3.2';

/** What the teleservice trusts: the CA and the serials it revoked. */
export interface TeleserviceTrust {
  readonly ca: X509Certificate;
  /** Upper-case hex without the sign byte, as `X509Certificate.serialNumber` spells them. */
  readonly revokedSerials: ReadonlySet<string>;
}

/** A certificate that passed: who it names. */
export interface CpsIdentity {
  readonly rpps: string;
  readonly commonName: string;
  readonly serial: string;
}

/** The outcome of {@link checkCpsAuthentication}. */
export type CpsCheck = { readonly ok: true; readonly identity: CpsIdentity } | { readonly ok: false; readonly code: TeleserviceErrorCode; readonly message: string };

function attribute(subject: string, name: string): string | undefined {
  return subject
    .split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

/** The RPPS number a CPS certificate names, or undefined. */
export function certificateRpps(certificate: X509Certificate): string | undefined {
  const serial = attribute(certificate.subject, 'serialNumber');
  return serial !== undefined && /^8[0-9]{11}$/.test(serial) ? serial.slice(1) : undefined;
}

/**
 * Check that `certificateDer` is a CPS authentication certificate of the
 * trusted CA, valid at `at` (ms), not revoked, naming `expectedRpps` when
 * given, and that `signature` is its key's RSA PKCS#1 v1.5 SHA-256
 * signature over `data`. The first failure is named, in this order:
 * certificate, usage, professional, chain, validity, revocation, signature.
 */
export function checkCpsAuthentication(certificateDer: Uint8Array, signature: Uint8Array, data: Uint8Array, trust: TeleserviceTrust, at: number, expectedRpps?: string): CpsCheck {
  const certificate = x509(certificateDer);
  if (certificate === undefined) return { ok: false, code: 'bad-certificate', message: 'the certificate is not X.509 DER' };
  const rpps = certificateRpps(certificate);
  const usages = Array.isArray(certificate.keyUsage) && certificate.keyUsage.includes(CLIENT_AUTH_USAGE);
  if (rpps === undefined || !usages) return { ok: false, code: 'certificate-usage', message: 'the certificate is not a CPS authentication certificate' };
  if (expectedRpps !== undefined && rpps !== expectedRpps) return { ok: false, code: 'wrong-professional', message: 'the certificate names another professional than the challenge' };
  const standing = certificateStanding(certificate, { ca: trust.ca, at, revokedSerials: trust.revokedSerials });
  if (standing === 'bad-chain') return { ok: false, code: 'untrusted-certificate', message: 'the certificate was not issued by the trusted CA' };
  if (standing === 'expired-certificate') return { ok: false, code: 'expired-certificate', message: `the certificate is valid from ${certificate.validFrom} to ${certificate.validTo}` };
  if (standing === 'revoked-certificate') return { ok: false, code: 'revoked-certificate', message: `the CA revoked certificate ${normalizeSerial(certificate.serialNumber)}` };
  if (!signatureValid(data, certificate, signature)) {
    return { ok: false, code: 'bad-signature', message: 'the signature over the challenge does not verify with the certificate\'s key' };
  }
  const commonName = attribute(certificate.subject, 'CN') ?? '';
  return { ok: true, identity: { rpps, commonName, serial: normalizeSerial(certificate.serialNumber) } };
}
