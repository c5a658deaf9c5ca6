/**
 * PKCS#11 over pkcs11js: the host PC's signatures from a token (SoftHSM2,
 * a CPS card through OpenSC or a vendor middleware). pkcs11js is loaded on
 * the first {@link openPkcs11}, never before.
 * @module
 */
export { openPkcs11, type OpenSessionOptions, type Pkcs11Module, type Pkcs11ModuleInfo, type Pkcs11Slot, type Pkcs11Token } from './module.js';
export type { FindKeysOptions, Pkcs11Session } from './session.js';
export type { FindOptions, KeyClass, KeyType, ObjectHandle, Pkcs11Certificate, Pkcs11Key } from './objects.js';
export { CKM, SIGN_MECHANISMS, type SignMechanism } from './mechanisms.js';
export { Pkcs11Error } from './errors.js';
