/**
 * The PKCS#15 directory of the CPS (PKCS #15 v1.1 / ISO/IEC 7816-15, DER):
 * what OpenSC reads on a CPx card once its iasecc driver has bound the
 * card (pkcs15.c `sc_pkcs15_bind_internal`: EF.DIR → application path →
 * EF.ODF 5031 → EF.TokenInfo 5032 → the DFs the ODF points to). The real
 * CPS3's PKCS#15 files are not public: the FIDs and contents here are
 * OURS (README.md "CPS3").
 * @module
 */
import { encodeTlv, hex, tlv, tlvConstructed, type TlvItem } from '../../protocol/index.js';

/** FIDs of the PKCS#15 files in DF 0001 (OURS). */
export const PKCS15_FID = { odf: '5031', tokenInfo: '5032', prkdf: '6001', cdf: '6002', aodf: '6003' } as const;

/** One key and its certificate as the directory lists them. */
export interface Pkcs15Key {
  /** PKCS#15 iD of the key and its certificate; also the card's key reference. */
  readonly reference: number;
  readonly label: string;
  /** What the key is for: gives its PKCS#15 KeyUsageFlags. */
  readonly usage: 'authentication' | 'signature';
  readonly modulusBits: number;
  /** Absolute path of the certificate EF. */
  readonly certificatePath: Uint8Array;
}

/** What the directory describes. */
export interface Pkcs15Directory {
  /** Application path, for example 3F00 0001. */
  readonly appPath: Uint8Array;
  readonly serial: Uint8Array;
  readonly label: string;
  readonly pinReference: number;
  readonly pinMinLength: number;
  readonly pinStoredLength: number;
  readonly keys: readonly Pkcs15Key[];
}

const utf8 = (text: string): TlvItem => tlv(0x0c, new TextEncoder().encode(text));
const octets = (bytes: Uint8Array): TlvItem => tlv(0x04, bytes);
const integer = (n: number): TlvItem => tlv(0x02, n < 0x80 ? Uint8Array.of(n) : Uint8Array.of(n >> 8, n & 0xff));
const path = (bytes: Uint8Array): TlvItem => tlvConstructed(0x30, [octets(bytes)]);
const seq = (items: readonly TlvItem[]): TlvItem => tlvConstructed(0x30, items);

function join(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** EF.ODF: [0] privateKeys, [4] certificates, [8] authObjects, each a Path (PKCS #15 §6.2). */
export function odf(dir: Pkcs15Directory): Uint8Array {
  const at = (fid: string): TlvItem => path(join(dir.appPath, hex(fid)));
  return encodeTlv([tlvConstructed(0xa0, [at(PKCS15_FID.prkdf)]), tlvConstructed(0xa4, [at(PKCS15_FID.cdf)]), tlvConstructed(0xa8, [at(PKCS15_FID.aodf)])]);
}

/**
 * The algorithms the card offers (PKCS #15 §6.9 AlgorithmInfo): reference,
 * PKCS #11 mechanism, operations (BIT STRING: hash = bit 6, compute
 * signature = bit 1) and the card's algorithm reference used in MSE SET
 * (DOMAIN.md: SHA-1 0x10, SHA-256 0x40, RSA PKCS#1 0x02, 0x12, 0x42).
 * OpenSC's iasecc driver takes MSE algorithm references only from here.
 */
const ALGORITHMS: readonly { readonly mechanism: number; readonly operation: 'hash' | 'sign'; readonly algRef: number }[] = [
  { mechanism: 0x250, operation: 'hash', algRef: 0x40 }, // CKM_SHA256
  { mechanism: 0x40, operation: 'sign', algRef: 0x42 }, // CKM_SHA256_RSA_PKCS
  { mechanism: 0x220, operation: 'hash', algRef: 0x10 }, // CKM_SHA_1
  { mechanism: 0x06, operation: 'sign', algRef: 0x12 }, // CKM_SHA1_RSA_PKCS
  { mechanism: 0x01, operation: 'sign', algRef: 0x02 }, // CKM_RSA_PKCS
];

function algorithmInfo(reference: number, algorithm: (typeof ALGORITHMS)[number]): TlvItem {
  const operations = algorithm.operation === 'hash' ? Uint8Array.of(0x01, 0x02) : Uint8Array.of(0x06, 0x40);
  return seq([integer(reference), integer(algorithm.mechanism), tlv(0x05, new Uint8Array(0)), tlv(0x03, operations), integer(algorithm.algRef)]);
}

/** EF.TokenInfo: version 0, serial, manufacturer, [0] label, token flags readOnly, [2] supported algorithms (PKCS #15 §6.9). */
export function tokenInfo(dir: Pkcs15Directory): Uint8Array {
  return encodeTlv([
    seq([
      integer(0),
      octets(dir.serial),
      utf8('bifente (TEST)'),
      tlv(0x80, new TextEncoder().encode(dir.label)),
      tlv(0x03, Uint8Array.of(0x07, 0x80)),
      tlvConstructed(0xa2, ALGORITHMS.map((a, i) => algorithmInfo(i + 1, a))),
    ]),
  ]);
}

/**
 * EF.AODF: the code porteur as a PIN object: authId 01, flags initialized +
 * needs-padding, ASCII numeric, min length, stored length, [0] reference,
 * pad character FF (PKCS #15 §6.8, OpenSC pads PINs with FF on CPx).
 */
export function aodf(dir: Pkcs15Directory): Uint8Array {
  const attributes = seq([
    tlv(0x03, Uint8Array.of(0x02, 0x0c)),
    tlv(0x0a, Uint8Array.of(0x01)),
    integer(dir.pinMinLength),
    integer(dir.pinStoredLength),
    integer(dir.pinStoredLength),
    tlv(0x80, Uint8Array.of(dir.pinReference)),
    tlv(0x04, Uint8Array.of(0xff)),
  ]);
  return encodeTlv([seq([seq([utf8('Code porteur'), tlv(0x03, Uint8Array.of(0x06, 0x40))]), seq([octets(Uint8Array.of(0x01))]), tlvConstructed(0xa1, [attributes])])]);
}

/** KeyUsageFlags (PKCS #15 §6.3.1): authentication = sign; signature = sign + nonRepudiation. */
function usageBits(usage: Pkcs15Key['usage']): TlvItem {
  return usage === 'signature' ? tlv(0x03, Uint8Array.of(0x06, 0x20, 0x40)) : tlv(0x03, Uint8Array.of(0x05, 0x20));
}

/** EF.PrKDF: one private RSA key object per key, private, protected by PIN 01 (PKCS #15 §6.3). */
export function prkdf(dir: Pkcs15Directory): Uint8Array {
  return encodeTlv(
    dir.keys.map((key) =>
      seq([
        seq([utf8(key.label), tlv(0x03, Uint8Array.of(0x07, 0x80)), octets(Uint8Array.of(0x01))]),
        seq([octets(Uint8Array.of(key.reference)), usageBits(key.usage), integer(key.reference)]),
        tlvConstructed(0xa1, [seq([path(dir.appPath), integer(key.modulusBits)])]),
      ]),
    ),
  );
}

/** EF.CDF: one X.509 certificate object per key, same iD, value by path (PKCS #15 §6.5). */
export function cdf(dir: Pkcs15Directory): Uint8Array {
  return encodeTlv(
    dir.keys.map((key) => seq([seq([utf8(`${key.label} certificate`)]), seq([octets(Uint8Array.of(key.reference))]), tlvConstructed(0xa1, [seq([path(key.certificatePath)])])])),
  );
}
