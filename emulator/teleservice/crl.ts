/**
 * The revoked serial numbers of an X.509 CRL (RFC 5280 §5.1), read with a
 * small DER walk over protocol's BER-TLV parser (node:crypto has no CRL
 * parser), after checking the CRL's signature with the CA's key. The test
 * CRL is `test-vectors/pki/ca/crl.pem` (revokes 100004 and 100005).
 * @module
 */
import { verify, type X509Certificate } from 'node:crypto';
import { encodeTlvNode, isPadding, normalizeSerial, parseTlv, toHex, type TlvItem, type TlvNode } from '../../protocol/index.js';

/** Why a CRL was refused. */
export type CrlFailure = 'not-pem' | 'malformed' | 'bad-signature';

/** The CRL's revoked serials, or why not. */
export type CrlResult = { readonly ok: true; readonly revokedSerials: ReadonlySet<string> } | { readonly ok: false; readonly reason: CrlFailure; readonly message: string };

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OID = 0x06;
/** sha256WithRSAEncryption, 1.2.840.113549.1.1.11 (RFC 4055 §5). */
const SHA256_WITH_RSA = '2A864886F70D01010B';

const nodes = (items: readonly TlvItem[]): TlvNode[] => items.filter((i): i is TlvNode => !isPadding(i));
const children = (node: TlvNode | undefined): TlvNode[] => (node?.constructed === true ? nodes(node.children) : []);

/**
 * A DER INTEGER's content as `X509Certificate.serialNumber` spells it:
 * upper-case hex without the sign byte.
 * @example serialHex(hex('00 80 01')) // '8001'
 */
export function serialHex(content: Uint8Array): string {
  return normalizeSerial(toHex(content));
}

/** The DER bytes of the first `-----BEGIN X509 CRL-----` block, or undefined. */
export function crlDer(pem: string): Uint8Array | undefined {
  const match = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(pem);
  return match?.[1] === undefined ? undefined : new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

/**
 * The serials a CRL revokes, once its signature (sha256WithRSAEncryption)
 * verifies with `ca`'s key. Never throws on input.
 * @example revokedSerials(readFileSync('test-vectors/pki/ca/crl.pem', 'utf8'), ca) // { ok: true, revokedSerials: Set { '100004', '100005' } }
 */
export function revokedSerials(crl: string | Uint8Array, ca: X509Certificate): CrlResult {
  const der = typeof crl === 'string' ? crlDer(crl) : crl;
  if (der === undefined) return { ok: false, reason: 'not-pem', message: 'no "BEGIN X509 CRL" block' };
  const parsed = parseTlv(der, { maxDepth: 8 });
  const top = parsed.ok ? nodes(parsed.value) : [];
  const [tbs, algorithm, signature] = children(top.length === 1 && top[0]?.tag === SEQUENCE ? top[0] : undefined);
  if (tbs?.tag !== SEQUENCE || algorithm?.tag !== SEQUENCE || signature?.tag !== BIT_STRING || signature.constructed) {
    return { ok: false, reason: 'malformed', message: 'not a CertificateList: SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }' };
  }
  const fields = children(tbs);
  const afterVersion = fields[0]?.tag === INTEGER ? fields.slice(1) : fields;
  const oid = children(algorithm)[0];
  if (oid?.tag !== OID || toHex(oid.value).toUpperCase() !== SHA256_WITH_RSA) return { ok: false, reason: 'malformed', message: 'the CRL is not signed with sha256WithRSAEncryption' };
  // RFC 5280 §5.1.1.2: the outer algorithm is the signed one; the BIT STRING has no unused bits.
  if (afterVersion[0] === undefined || toHex(encodeTlvNode(afterVersion[0])) !== toHex(encodeTlvNode(algorithm)) || signature.value[0] !== 0) {
    return { ok: false, reason: 'malformed', message: 'the signature algorithm or value is not well-formed' };
  }
  const valid = (() => {
    try {
      return verify('sha256', encodeTlvNode(tbs), ca.publicKey, signature.value.subarray(1));
    } catch {
      return false;
    }
  })();
  if (!valid) return { ok: false, reason: 'bad-signature', message: 'the CRL\'s signature does not verify with the CA\'s key' };
  // tbsCertList: version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
  const list = afterVersion.slice(3).find((f) => f.tag === SEQUENCE);
  const serials = new Set<string>();
  for (const entry of children(list)) {
    const serial = children(entry)[0];
    if (serial?.tag !== INTEGER || serial.constructed) return { ok: false, reason: 'malformed', message: 'a revoked entry does not start with its serial number' };
    serials.add(serialHex(serial.value));
  }
  return { ok: true, revokedSerials: serials };
}
