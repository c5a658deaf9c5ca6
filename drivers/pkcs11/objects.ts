/**
 * Token objects as plain values: keys and X.509 certificates (PKCS#11 v2.40
 * base §4.6 storage objects, §4.8 keys, §4.6.3 X.509 certificates), and the
 * attribute templates that find them. Handles stay valid while the session
 * that found them is open.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import type { Attribute, AttributeResult } from 'pkcs11js';
import { DriverError } from '../core/errors.js';

/** CKA_* and CKO_* / CKK_* / CKC_* values (PKCS#11 v2.40 pkcs11t.h). */
export const CKA = { CLASS: 0x000, LABEL: 0x003, VALUE: 0x011, CERTIFICATE_TYPE: 0x080, KEY_TYPE: 0x100, ID: 0x102 } as const;
const CKO = { certificate: 1, public: 2, private: 3, secret: 4 } as const;
const CKC_X_509 = 0;
const KEY_TYPES: Readonly<Record<number, KeyType>> = { 0: 'RSA', 1: 'DSA', 3: 'EC', 0x1f: 'AES', 0x40: 'EC-EDWARDS' };

/** The class of a key object. */
export type KeyClass = 'private' | 'public' | 'secret';
/** The CKK_* key types this driver names; others read as `other`. */
export type KeyType = 'RSA' | 'DSA' | 'EC' | 'AES' | 'EC-EDWARDS' | 'other';

/** An object handle (CK_OBJECT_HANDLE as the module's bytes); valid in the session that found it. */
export interface ObjectHandle {
  readonly bytes: Uint8Array;
  /** Which session found it: a handle is refused by any other session. */
  readonly session: object;
}

/** A key on the token. */
export interface Pkcs11Key {
  readonly handle: ObjectHandle;
  readonly class: KeyClass;
  readonly keyType: KeyType;
  /** CKA_LABEL (UTF-8). */
  readonly label: string;
  /** CKA_ID: pairs a private key with its public key and certificate (OpenSC: the PKCS#15 iD). */
  readonly id: Uint8Array;
}

/** An X.509 certificate on the token, with its DER and the fields a program picks it by. */
export interface Pkcs11Certificate {
  readonly handle: ObjectHandle;
  readonly label: string;
  readonly id: Uint8Array;
  /** CKA_VALUE: the certificate's DER. */
  readonly der: Uint8Array;
  /** The subject, one RDN a line as node:crypto's X509Certificate gives it ("C=FR\nO=...\nCN=..."). */
  readonly subject: string;
  readonly issuer: string;
  /** Hex, as X509Certificate gives it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What to search for: every given field must match. */
export interface FindOptions {
  readonly label?: string;
  readonly id?: Uint8Array;
}

/** The search template for keys of `keyClass` (C_FindObjectsInit, base §5.7). */
export function keyTemplate(keyClass: KeyClass, find: FindOptions): Attribute[] {
  if (!(keyClass in CKO)) throw new RangeError(`key class must be private, public or secret, not ${JSON.stringify(keyClass)}`);
  return [{ type: CKA.CLASS, value: CKO[keyClass] }, ...common(find)];
}

/** The search template for X.509 certificates. */
export function certificateTemplate(find: FindOptions): Attribute[] {
  return [{ type: CKA.CLASS, value: CKO.certificate }, { type: CKA.CERTIFICATE_TYPE, value: CKC_X_509 }, ...common(find)];
}

function common(find: FindOptions): Attribute[] {
  const template: Attribute[] = [];
  if (find.label !== undefined) template.push({ type: CKA.LABEL, value: find.label });
  if (find.id !== undefined) template.push({ type: CKA.ID, value: Buffer.from(find.id) });
  return template;
}

// Fresh objects for every C_GetAttributeValue: pkcs11js may fill a template's entries in place.
/** The attributes {@link keyFromAttributes} reads. */
export const keyAttributes = (): Attribute[] => [{ type: CKA.CLASS }, { type: CKA.KEY_TYPE }, { type: CKA.LABEL }, { type: CKA.ID }];
/** The attributes {@link certificateFromAttributes} reads. */
export const certificateAttributes = (): Attribute[] => [{ type: CKA.LABEL }, { type: CKA.ID }, { type: CKA.VALUE }];

function value(attributes: readonly AttributeResult[], type: number): Buffer {
  return attributes.find((a) => a.type === type)?.value ?? Buffer.alloc(0);
}

/** A CK_ULONG attribute (native byte order and width: little-endian 64-bit on x86-64 Linux). */
function ulong(bytes: Buffer): number {
  return bytes.length >= 8 ? Number(bytes.readBigUInt64LE(0)) : bytes.length >= 4 ? bytes.readUInt32LE(0) : -1;
}

/** A key from its attributes. */
export function keyFromAttributes(handle: ObjectHandle, attributes: readonly AttributeResult[]): Pkcs11Key {
  const cls = ulong(value(attributes, CKA.CLASS));
  return {
    handle,
    class: cls === CKO.private ? 'private' : cls === CKO.public ? 'public' : 'secret',
    keyType: KEY_TYPES[ulong(value(attributes, CKA.KEY_TYPE))] ?? 'other',
    label: value(attributes, CKA.LABEL).toString('utf8'),
    id: new Uint8Array(value(attributes, CKA.ID)),
  };
}

/** A certificate from its attributes; a `protocol-error` when CKA_VALUE is no X.509 DER. */
export function certificateFromAttributes(handle: ObjectHandle, attributes: readonly AttributeResult[]): Pkcs11Certificate {
  const der = new Uint8Array(value(attributes, CKA.VALUE));
  const label = value(attributes, CKA.LABEL).toString('utf8');
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(der);
  } catch (error) {
    throw new DriverError('protocol-error', `the certificate object "${label}" holds no valid X.509 DER`, { cause: error });
  }
  return {
    handle,
    label,
    id: new Uint8Array(value(attributes, CKA.ID)),
    der,
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialNumber: parsed.serialNumber,
    notBefore: new Date(parsed.validFrom),
    notAfter: new Date(parsed.validTo),
  };
}
