/**
 * The CPS's IAS-ECC security data objects as GET DATA with an extended
 * header list answers them (`00 CB 3F FF Lc 4D {70 {BF cc rr ...}} 00`,
 * DOMAIN.md "What real software sends"; the answer's shape is the one
 * OpenSC's iasecc-sdo.c parses): the PIN (class 01: DOCP A0 with 9A max
 * tries, 9B tries left, A1{8C} rules; 7F41 with 80 max and 81 min length),
 * the RSA private keys (class 10: DOCP with 80 size in bytes) and the
 * security environments (class 7B: CRTs A4 / B6 with 95 usage, 83
 * reference, 80 algorithm).
 * @module
 */
import { encodeTlv, tlv, tlvConstructed, type TlvItem } from '../../protocol/index.js';
import type { CardContext, ExtendedHeaderListHandler } from '../card/session.js';
import { CPS_AUTH_KEY_REFERENCE, CPS_PIN_REFERENCE, CPS_SIGN_KEY_REFERENCE } from './cps-image.js';

/** IAS-ECC SDO classes (OpenSC iasecc-sdo.h). */
export const SDO_CLASS = { chv: 0x01, rsaPrivate: 0x10, se: 0x7b } as const;

/** Usage qualifiers of CRTs (OpenSC iasecc-sdo.h: UQB_AT_USER_PASSWORD, UQB_DST_COMPUTATION, UQB_AT_AUTHENTICATION). */
const UQB_USER_PASSWORD = 0x08;
const UQB_DST_COMPUTATION = 0x40;
const UQB_AT_AUTHENTICATION = 0x40;

/**
 * Access rules of an SDO: `8C 7F` then 7 SC bytes in OpenSC's order
 * (iasecc-sdo.h IASECC_ACLS_*): for the PIN change, verify, reset, -, -,
 * put data, get data; for a key PSO sign, internal authenticate, decipher,
 * generate, -, put data, get data. 00 always, FF never, 11 user
 * authentication in SE 1 (the code porteur). The values are OURS; a VERIFY
 * SC with bit 0x40 (secure messaging) would make OpenSC open SM first.
 */
const PIN_ACL = Uint8Array.of(0x7f, 0x11, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00);
const KEY_ACL = Uint8Array.of(0x7f, 0x11, 0x11, 0xff, 0xff, 0xff, 0xff, 0x00);

function sdo(sdoClass: number, reference: number, body: readonly TlvItem[]): Uint8Array {
  const tag = (0xbf << 16) | ((0x80 | sdoClass) << 8) | reference;
  return encodeTlv([tlvConstructed(0x70, [tlvConstructed(tag, body)])]);
}

function pinSdo(ctx: CardContext, reference: number): Uint8Array | undefined {
  const pin = ctx.model.pins.get(reference);
  if (pin === undefined) return undefined;
  const docp = tlvConstructed(0xa0, [
    tlv(0x9a, Uint8Array.of(pin.secret.triesMax)),
    tlv(0x9b, Uint8Array.of(pin.secret.triesLeft)),
    tlvConstructed(0xa1, [tlv(0x8c, PIN_ACL)]),
    tlv(0x80, Uint8Array.of(pin.secret.maxLength)),
  ]);
  const chv = tlvConstructed(0x7f41, [tlv(0x80, Uint8Array.of(pin.secret.maxLength)), tlv(0x81, Uint8Array.of(pin.secret.minLength))]);
  return sdo(SDO_CLASS.chv, reference, [docp, chv]);
}

function keySdo(ctx: CardContext, reference: number): Uint8Array | undefined {
  const key = ctx.model.keys.get(reference);
  if (key === undefined) return undefined;
  // DOCP 80 is the modulus size in bytes: OpenSC's iasecc driver accepts 0x20..0x1E0 (card-iasecc.c compute_signature_dst).
  const size = key.modulusBytes;
  const docp = tlvConstructed(0xa0, [tlv(0x80, Uint8Array.of(size >> 8, size & 0xff)), tlvConstructed(0xa1, [tlv(0x8c, KEY_ACL)])]);
  return sdo(SDO_CLASS.rsaPrivate, reference, [docp]);
}

function crt(tag: number, usage: number, reference: number, algorithm?: number): TlvItem {
  const items = [tlv(0x95, Uint8Array.of(usage)), tlv(0x83, Uint8Array.of(reference))];
  if (algorithm !== undefined) items.push(tlv(0x80, Uint8Array.of(algorithm)));
  return tlvConstructed(tag, items);
}

/**
 * SE 1 (OURS): the PIN check (AT, user password, CHV 1), the signature
 * (DST, key 2, SHA-256 + PKCS#1 0x42) and the authentication (AT, key 1,
 * raw PKCS#1 0x02).
 */
function seSdo(reference: number): Uint8Array | undefined {
  if (reference !== 1) return undefined;
  const crts = tlvConstructed(SDO_CLASS.se, [
    crt(0xa4, UQB_USER_PASSWORD, CPS_PIN_REFERENCE),
    crt(0xb6, UQB_DST_COMPUTATION, CPS_SIGN_KEY_REFERENCE, 0x42),
    crt(0xa4, UQB_AT_AUTHENTICATION, CPS_AUTH_KEY_REFERENCE, 0x02),
  ]);
  return sdo(SDO_CLASS.se, reference, [crts]);
}

/**
 * The profile hook for GET DATA `4D`: reads `70 {BF cc rr ...}` (class
 * `cc` & 7F, reference `rr` & 3F; the requested tags after it are ignored:
 * the whole SDO is answered), undefined (6A88) for anything else.
 */
export const cpsExtendedHeaderList: ExtendedHeaderListHandler = (headerList, _df, ctx) => {
  if (headerList.length < 5 || headerList[0] !== 0x70 || headerList[2] !== 0xbf) return undefined;
  const sdoClass = (headerList[3] ?? 0) & 0x7f;
  const reference = (headerList[4] ?? 0) & 0x3f;
  if (sdoClass === SDO_CLASS.chv) return pinSdo(ctx, reference);
  if (sdoClass === SDO_CLASS.rsaPrivate) return keySdo(ctx, reference);
  if (sdoClass === SDO_CLASS.se) return seSdo(reference);
  return undefined;
};
