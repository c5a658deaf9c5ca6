/**
 * The security commands the SESAM-Vitale cards are driven with, as pure
 * builders (DOMAIN.md "What real software sends"; ISO/IEC 7816-4 §11.5.6
 * VERIFY, 7816-8 §5.2 MSE SET, §11 PSO COMPUTE DIGITAL SIGNATURE, 7816-4
 * §11.5.2 INTERNAL AUTHENTICATE). Shared by the terminal (securing FSEs,
 * signing lots) and the host (authenticating to the teleservices, signing
 * the lots it rebuilds), so that both send the same bytes.
 *
 * - Signature with hashing done outside: `00 22 41 B6 06 84 01 <key> 80 01 42`
 *   (SHA256-RSA-PKCS), then `00 2A 9E 9A 20 <SHA-256> 00`.
 * - Raw RSA-PKCS (authentication): `00 22 41 A4 06 84 01 <key> 80 01 02`,
 *   then `00 88 00 00 Lc <DigestInfo> 00`.
 *
 * Both answers are RSA PKCS#1 v1.5 signatures over the SHA-256 DigestInfo:
 * the value of `sign('sha256', data, key)`.
 * @module
 */
import { concatBytes } from '../bytes.js';

/** The Vitale 2 card key reference (emulator profile, OURS). */
export const VITALE_KEY_REFERENCE = 0x01;
/** The CPS authentication key reference (DOMAIN.md: IAS-ECC key 1, OpenSC iD 01). */
export const CPS_AUTHENTICATION_KEY_REFERENCE = 0x01;
/** The CPS signature key reference (DOMAIN.md: IAS-ECC "RSA private key 2"). */
export const CPS_SIGNATURE_KEY_REFERENCE = 0x02;
/** The CPS "code porteur" PIN reference (DOMAIN.md: CHV 1). */
export const CPS_PIN_REFERENCE = 0x01;
/** SHA256-RSA-PKCS algorithm reference (DOMAIN.md: SHA-256 0x40 + RSA PKCS#1 0x02). */
export const SHA256_RSA_PKCS = 0x42;
/** RSA PKCS#1 v1.5 over a DigestInfo given whole (DOMAIN.md: "Raw RSA-PKCS", algorithm 0x02). */
export const RSA_PKCS = 0x02;
/** A SHA-256 digest's length in bytes. */
export const SHA256_LENGTH = 32;
/** The DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2, note 1). */
export const SHA256_DIGEST_INFO_PREFIX: Uint8Array = Uint8Array.of(
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
);

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${what} is one byte, not ${value}`);
}

function checkDigest(digest: Uint8Array): void {
  if (digest.length !== SHA256_LENGTH) throw new RangeError(`a SHA-256 digest has ${SHA256_LENGTH} bytes, not ${digest.length}`);
}

/**
 * The DigestInfo of a SHA-256 digest (RFC 8017 §9.2): what RSA PKCS#1 v1.5 pads and signs.
 * @example sha256DigestInfo(digest) // 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 <32 bytes>
 */
export function sha256DigestInfo(digest: Uint8Array): Uint8Array {
  checkDigest(digest);
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, digest);
}

/**
 * MSE SET for a digital signature (ISO/IEC 7816-8 §5.2; CRT B6): key `84`, algorithm `80`.
 * @example mseSetSignature(1) // 00 22 41 B6 06 84 01 01 80 01 42
 */
export function mseSetSignature(keyReference: number, algorithm = SHA256_RSA_PKCS): Uint8Array {
  checkByte(keyReference, 'a key reference');
  checkByte(algorithm, 'an algorithm reference');
  return Uint8Array.of(0x00, 0x22, 0x41, 0xb6, 0x06, 0x84, 0x01, keyReference, 0x80, 0x01, algorithm);
}

/**
 * MSE SET for authentication (ISO/IEC 7816-8 §5.2; CRT A4): key `84`, algorithm `80`.
 * @example mseSetAuthentication(1) // 00 22 41 A4 06 84 01 01 80 01 02
 */
export function mseSetAuthentication(keyReference: number, algorithm = RSA_PKCS): Uint8Array {
  checkByte(keyReference, 'a key reference');
  checkByte(algorithm, 'an algorithm reference');
  return Uint8Array.of(0x00, 0x22, 0x41, 0xa4, 0x06, 0x84, 0x01, keyReference, 0x80, 0x01, algorithm);
}

/**
 * PSO COMPUTE DIGITAL SIGNATURE over a SHA-256 digest, Le = 00 (ISO/IEC 7816-8 §11).
 * @example psoComputeSignature(digest) // 00 2A 9E 9A 20 <32 bytes> 00
 */
export function psoComputeSignature(digest: Uint8Array): Uint8Array {
  checkDigest(digest);
  return Uint8Array.of(0x00, 0x2a, 0x9e, 0x9a, SHA256_LENGTH, ...digest, 0x00);
}

/**
 * INTERNAL AUTHENTICATE over the SHA-256 DigestInfo of `digest`, Le = 00
 * (ISO/IEC 7816-4 §11.5.2; DOMAIN.md "Raw RSA-PKCS"): after
 * {@link mseSetAuthentication}, the card answers the RSA PKCS#1 v1.5
 * signature of that DigestInfo.
 * @example internalAuthenticate(digest) // 00 88 00 00 33 <DigestInfo> 00
 */
export function internalAuthenticate(digest: Uint8Array): Uint8Array {
  const digestInfo = sha256DigestInfo(digest);
  return concatBytes(Uint8Array.of(0x00, 0x88, 0x00, 0x00, digestInfo.length), digestInfo, Uint8Array.of(0x00));
}

/**
 * SELECT by path from the MF, no answer data (ISO/IEC 7816-4 §7.1.1, P1 09
 * with 3F00 kept as OpenSC sends it): a file of the CPS application DF
 * `3F00/0001` (emulator/profiles README "Tree": `7001` RPPS, `C000`
 * authentication certificate, `C001` signature certificate, OURS).
 * @example selectCpsFile(0xc001) // 00 A4 09 0C 06 3F 00 00 01 C0 01
 */
export function selectCpsFile(fid: number): Uint8Array {
  if (!Number.isInteger(fid) || fid < 0 || fid > 0xffff) throw new RangeError(`a file identifier is two bytes, not ${fid}`);
  return Uint8Array.of(0x00, 0xa4, 0x09, 0x0c, 0x06, 0x3f, 0x00, 0x00, 0x01, fid >> 8, fid & 0xff);
}

/**
 * VERIFY with reference data (ISO/IEC 7816-4 §11.5.6) `00 20 00 <reference>
 * <Lc> <PIN>`: the PIN already encoded and padded by the caller. The caller
 * zeroes the returned command once sent (it holds the PIN).
 * @example verifyCommand(1, pinBlock) // 00 20 00 01 08 <8 bytes>
 */
export function verifyCommand(reference: number, pin: Uint8Array): Uint8Array {
  checkByte(reference, 'a PIN reference');
  if (pin.length === 0 || pin.length > 255) throw new RangeError('a VERIFY carries 1 to 255 bytes');
  const command = new Uint8Array(5 + pin.length);
  command.set([0x00, 0x20, 0x00, reference, pin.length]);
  command.set(pin, 5);
  return command;
}

/**
 * The CPS PIN block: the ASCII digits padded with FF to 8 bytes (DOMAIN.md
 * "PIN": OpenSC pads with FF to the stored length; OURS: stored length 8).
 * The caller zeroes it once used.
 * @example cpsPinBlock('1234') // 31 32 33 34 FF FF FF FF
 */
export function cpsPinBlock(pin: string): Uint8Array {
  if (!/^[0-9]{4,8}$/.test(pin)) throw new RangeError('a CPS PIN is 4 to 8 digits');
  const block = new Uint8Array(8).fill(0xff);
  for (let i = 0; i < pin.length; i++) block[i] = pin.charCodeAt(i);
  return block;
}

/**
 * READ BINARY of the current EF at `offset` (15 bits, no SFI) for `ne`
 * bytes, 1 to 256 (256 written `00`) (ISO/IEC 7816-4 §11.2.3).
 * @example readBinary(0x00e7, 0xe7) // 00 B0 00 E7 E7
 */
export function readBinary(offset: number, ne = 256): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fff) throw new RangeError(`a READ BINARY offset is 0..32767, not ${offset}`);
  if (!Number.isInteger(ne) || ne < 1 || ne > 256) throw new RangeError(`a short READ BINARY asks 1 to 256 bytes, not ${ne}`);
  return Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, ne & 0xff);
}
