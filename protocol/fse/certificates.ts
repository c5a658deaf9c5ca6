/**
 * X.509 certificates of the cards, read with node:crypto's X509Certificate
 * (parsing: a deterministic computation, not I/O). The test CA is
 * `test-vectors/pki/ca/ca.cert.pem`.
 * @module
 */
import { X509Certificate } from 'node:crypto';

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
