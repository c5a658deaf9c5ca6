/**
 * The secured FSE envelope (OURS, tag E2): the FSE, the carte Vitale's
 * cryptogram with the card certificate (mode S only), and the CPS signature
 * with the CPS signature certificate. Both signatures are RSA PKCS#1 v1.5
 * with SHA-256 over the FSE's canonical bytes: the CPS signs them (PSO CDS
 * after MSE SET DST, DOMAIN.md "Cards"); the Vitale signs their SHA-256
 * digest (MSE SET DST `84 01 01 80 01 42`, PSO CDS over the 32-byte hash,
 * emulator/profiles/README.md), which verifies the same way.
 * @module
 */
import type { Codec, ParseResult } from '../result.js';
import type { TlvNode } from '../tlv/index.js';
import { bytesField, checkValue, encodeChecked, encodeRecord, readRecord, recordField, type FieldReader, type FseReason } from './canonical.js';
import { FSE_TAG, readFse, writeFse, type Fse } from './fse.js';

/** Who produced a signature. */
export type Signer = 'vitale' | 'cps';

/** A signature and the DER X.509 certificate of the key that made it. */
export interface CardSignature {
  /** RSA PKCS#1 v1.5 signature, 64 to 1,024 bytes (RSA-512 to RSA-8192). */
  readonly signature: Uint8Array;
  /** X.509 certificate, DER, 1 to 8,192 bytes. */
  readonly certificate: Uint8Array;
}

/** An FSE secured with the cards (DOMAIN.md "The chain": secured with both cards, stored offline). */
export interface SecuredFse {
  readonly fse: Fse;
  /** The Vitale cryptogram and card certificate: present exactly when `fse.securing` is `S`. */
  readonly vitale?: CardSignature;
  /** The CPS signature (signature key, reference 2) and its certificate. */
  readonly cps: CardSignature;
}

/** Top-level tag of a secured FSE (private class, constructed: OURS). */
export const SECURED_FSE_TAG = 0xe2;

/** Read a signature record `{80 signature, 81 certificate}`. */
export function readCardSignature(r: FieldReader): CardSignature {
  return { signature: r.bytes(0x80, 'signature', 64, 1024), certificate: r.bytes(0x81, 'certificate', 1, 8192) };
}

/** Write a signature record. */
export function writeCardSignature(tag: number, s: CardSignature): TlvNode {
  return recordField(tag, [bytesField(0x80, s.signature), bytesField(0x81, s.certificate)]);
}

function readSecuredFse(r: FieldReader): SecuredFse {
  const fse = r.record(FSE_TAG, 'fse', readFse);
  const vitale = r.optionalRecord(0xa1, 'vitale', readCardSignature);
  const cps = r.record(0xa2, 'cps', readCardSignature);
  if ((fse.securing === 'S') !== (vitale !== undefined)) {
    r.fail('inconsistent', `securing mode ${fse.securing} ${vitale === undefined ? 'needs' : 'has no room for'} a Vitale cryptogram`, 'vitale');
  }
  return vitale === undefined ? { fse, cps } : { fse, vitale, cps };
}

function writeSecuredFse(s: SecuredFse): TlvNode {
  return recordField(SECURED_FSE_TAG, [
    writeFse(s.fse),
    s.vitale === undefined ? undefined : writeCardSignature(0xa1, s.vitale),
    writeCardSignature(0xa2, s.cps),
  ]);
}

/**
 * Parse a secured FSE (OURS, README "Secured FSE"). Checks the FSE as
 * {@link parseFse} does and that the Vitale cryptogram is there exactly in
 * mode S; the signatures themselves are checked by the caller (see
 * {@link securedFseChecks}). Never throws on input.
 * @example parseSecuredFse(bytes) // ok: { fse, vitale: { signature, certificate }, cps: {...} }
 */
export function parseSecuredFse(bytes: Uint8Array): ParseResult<SecuredFse, FseReason> {
  return readRecord(bytes, SECURED_FSE_TAG, 'securedFse', readSecuredFse);
}

/**
 * Encode a secured FSE; the exact inverse of {@link parseSecuredFse}.
 * Throws a RangeError or TypeError for a value the parser would refuse.
 * @example encodeSecuredFse({ fse, cps: { signature, certificate } }) // E2 82 ... E1 ...
 */
export function encodeSecuredFse(value: SecuredFse): Uint8Array {
  return encodeChecked(() => writeSecuredFse(value), parseSecuredFse, 'secured FSE');
}

/**
 * Smart constructor of a secured FSE: the value, or why it cannot be encoded.
 * @example securedFse({ fse: modeS, cps }) // fail: inconsistent (no Vitale cryptogram)
 */
export function securedFse(value: SecuredFse): ParseResult<SecuredFse, FseReason> {
  return checkValue(value, writeSecuredFse, parseSecuredFse);
}

/**
 * Codec of the secured FSE envelope.
 * @example securedFseCodec.parse(securedFseCodec.encode(s)) // ok: s
 */
export const securedFseCodec: Codec<SecuredFse, FseReason> = { parse: parseSecuredFse, encode: encodeSecuredFse };

/**
 * One signature to verify: RSA PKCS#1 v1.5 with SHA-256 of `data`, by the
 * key of `certificate` (for example node:crypto's
 * `verify('sha256', data, certificate, signature)`, after checking the
 * certificate against the CA).
 */
export interface SignatureCheck {
  readonly signer: Signer;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
  /** DER X.509. */
  readonly certificate: Uint8Array;
}

/**
 * The signatures a verifier must accept for `secured` to be genuine: the
 * Vitale's (mode S) then the CPS's, both over the FSE's canonical bytes.
 * @example securedFseChecks(s).map((c) => verify('sha256', c.data, x509(c.certificate), c.signature))
 */
export function securedFseChecks(secured: SecuredFse): SignatureCheck[] {
  const data = encodeRecord(writeFse(secured.fse));
  const cps: SignatureCheck = { signer: 'cps', data, ...secured.cps };
  return secured.vitale === undefined ? [cps] : [{ signer: 'vitale', data, ...secured.vitale }, cps];
}
