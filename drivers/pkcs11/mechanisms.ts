/**
 * The signature mechanisms this driver offers, by their PKCS#11 names
 * (PKCS#11 v2.40 current mechanisms §2.1.6 RSA PKCS #1 v1.5, §2.1.8 with
 * hashing, §2.3.6 ECDSA, §2.3.7 ECDSA with hashing). What each expects as
 * `data`: RSA-PKCS and ECDSA take what is signed as is (for RSA-PKCS a
 * DigestInfo, for ECDSA a hash); the hashing ones take the message.
 * @module
 */

/** CKM_* values (PKCS#11 v2.40 pkcs11t.h). */
export const CKM = {
  'RSA-PKCS': 0x0001,
  'SHA1-RSA-PKCS': 0x0006,
  'SHA256-RSA-PKCS': 0x0040,
  'SHA384-RSA-PKCS': 0x0041,
  'SHA512-RSA-PKCS': 0x0042,
  ECDSA: 0x1041,
  'ECDSA-SHA256': 0x1044,
  'ECDSA-SHA384': 0x1045,
  'ECDSA-SHA512': 0x1046,
} as const;

/** A signature mechanism, named as pkcs11-tool names it. */
export type SignMechanism = keyof typeof CKM;

/** Every {@link SignMechanism}. */
export const SIGN_MECHANISMS = Object.keys(CKM) as readonly SignMechanism[];

/** The CKM_* number of `mechanism`; a RangeError for a name this driver does not know. */
export function ckm(mechanism: SignMechanism): number {
  const value = (CKM as Record<string, number | undefined>)[mechanism];
  if (value === undefined) throw new RangeError(`unknown signature mechanism ${JSON.stringify(mechanism)} (known: ${SIGN_MECHANISMS.join(', ')})`);
  return value;
}
