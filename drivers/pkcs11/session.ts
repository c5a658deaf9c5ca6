/**
 * A PKCS#11 session (base §5.6): log in, find keys and certificates, sign
 * and verify. One operation at a time runs in a session (PKCS#11 allows one
 * active operation a session): calls queue in order. Signing and verifying
 * run on libuv's thread pool (pkcs11js C_SignAsync / C_VerifyAsync); the
 * other calls are synchronous in pkcs11js and hold the event loop for as
 * long as the module takes (OpenSC: the card's I/O through pcscd).
 * @module
 */
import type { PKCS11 } from 'pkcs11js';
import { DriverError } from '../core/errors.js';
import { ckrName, fromNative, native } from './errors.js';
import { ckm, type SignMechanism } from './mechanisms.js';
import {
  certificateAttributes,
  certificateFromAttributes,
  certificateTemplate,
  keyAttributes,
  keyFromAttributes,
  keyTemplate,
  type FindOptions,
  type KeyClass,
  type ObjectHandle,
  type Pkcs11Certificate,
  type Pkcs11Key,
} from './objects.js';

/** CKU_USER (base §3.4). */
const CKU_USER = 1;
/** Room for any RSA (up to 8192 bits) or ECDSA signature. */
const SIGNATURE_ROOM = 1024;
/** How many handles one C_FindObjects call asks for. */
const FIND_BATCH = 64;

/** What {@link Pkcs11Session.findKeys} looks for. */
export interface FindKeysOptions extends FindOptions {
  readonly class: KeyClass;
}

/** A session with one token; see the module's TSDoc for concurrency. */
export interface Pkcs11Session {
  readonly slotId: bigint;
  /**
   * C_Login as the user. Rejects with a {@link Pkcs11Error} whose `ckr` is
   * CKR_PIN_INCORRECT, CKR_PIN_LOCKED, ...; the PIN is never in the message.
   * Being logged in already (the login is the token's, shared by every
   * session of the application) counts as success.
   */
  login(pin: string): Promise<void>;
  /** C_Logout; being logged out already counts as success. */
  logout(): Promise<void>;
  /** Keys of one class, filtered by label and/or CKA_ID. Private keys show only after login. */
  findKeys(options: FindKeysOptions): Promise<Pkcs11Key[]>;
  /** X.509 certificates, filtered by label and/or CKA_ID, with their DER and parsed names. */
  findCertificates(options?: FindOptions): Promise<Pkcs11Certificate[]>;
  /** Sign `data` with a private key found in this session; see {@link SignMechanism} for what `data` is. */
  sign(key: Pkcs11Key, mechanism: SignMechanism, data: Uint8Array): Promise<Uint8Array>;
  /** Verify with a public key of this session: false when the signature does not match (CKR_SIGNATURE_INVALID). */
  verify(key: Pkcs11Key, mechanism: SignMechanism, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Let queued calls finish, then C_CloseSession. Later calls reject with `closed`; closing twice is a no-op. */
  close(): Promise<void>;
}

/** Open a session on `slot` (C_OpenSession); `onClose` tells the module it is gone. */
export function openSession(lib: PKCS11, slot: Buffer, slotId: bigint, flags: number, onClose: (session: Pkcs11Session) => void): Pkcs11Session {
  const handle = native(`C_OpenSession on slot ${slotId}`, () => lib.C_OpenSession(slot, flags));
  return new Session(lib, handle, slotId, onClose);
}

class Session implements Pkcs11Session {
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  constructor(
    private readonly lib: PKCS11,
    private readonly handle: Buffer,
    readonly slotId: bigint,
    private readonly onClose: (session: Pkcs11Session) => void,
  ) {}

  login(pin: string): Promise<void> {
    if (typeof pin !== 'string' || pin.length === 0) throw new TypeError('the PIN must be a non-empty string');
    return this.#run(() => {
      try {
        this.lib.C_Login(this.handle, CKU_USER, pin);
      } catch (error) {
        if (ckrName(error) !== 'CKR_USER_ALREADY_LOGGED_IN') throw fromNative(error, `C_Login on slot ${this.slotId}`);
      }
    });
  }

  logout(): Promise<void> {
    return this.#run(() => {
      try {
        this.lib.C_Logout(this.handle);
      } catch (error) {
        if (ckrName(error) !== 'CKR_USER_NOT_LOGGED_IN') throw fromNative(error, `C_Logout on slot ${this.slotId}`);
      }
    });
  }

  findKeys(options: FindKeysOptions): Promise<Pkcs11Key[]> {
    const template = keyTemplate(options.class, options);
    return this.#run(() =>
      this.#find(template).map((object) =>
        keyFromAttributes(this.#objectHandle(object), native(`C_GetAttributeValue on slot ${this.slotId}`, () => this.lib.C_GetAttributeValue(this.handle, object, keyAttributes()))),
      ),
    );
  }

  findCertificates(options: FindOptions = {}): Promise<Pkcs11Certificate[]> {
    const template = certificateTemplate(options);
    return this.#run(() =>
      this.#find(template).map((object) =>
        certificateFromAttributes(this.#objectHandle(object), native(`C_GetAttributeValue on slot ${this.slotId}`, () => this.lib.C_GetAttributeValue(this.handle, object, certificateAttributes()))),
      ),
    );
  }

  sign(key: Pkcs11Key, mechanism: SignMechanism, data: Uint8Array): Promise<Uint8Array> {
    const object = this.#own(key);
    const mech = { mechanism: ckm(mechanism) };
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    return this.#run(async () => {
      const operation = `${mechanism} signature with key "${key.label}" on slot ${this.slotId}`;
      native(`C_SignInit (${operation})`, () => this.lib.C_SignInit(this.handle, mech, object));
      try {
        return new Uint8Array(await this.lib.C_SignAsync(this.handle, Buffer.from(data), Buffer.alloc(SIGNATURE_ROOM)));
      } catch (error) {
        throw fromNative(error, `C_Sign (${operation})`);
      }
    });
  }

  verify(key: Pkcs11Key, mechanism: SignMechanism, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const object = this.#own(key);
    const mech = { mechanism: ckm(mechanism) };
    if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw new TypeError('data and signature must be Uint8Arrays');
    return this.#run(async () => {
      const operation = `${mechanism} verification with key "${key.label}" on slot ${this.slotId}`;
      native(`C_VerifyInit (${operation})`, () => this.lib.C_VerifyInit(this.handle, mech, object));
      try {
        return await this.lib.C_VerifyAsync(this.handle, Buffer.from(data), Buffer.from(signature));
      } catch (error) {
        const ckr = ckrName(error);
        if (ckr === 'CKR_SIGNATURE_INVALID' || ckr === 'CKR_SIGNATURE_LEN_RANGE') return false;
        throw fromNative(error, `C_Verify (${operation})`);
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#queue.then(
      () => this.#closeNow(),
      () => this.#closeNow(),
    );
    return this.#closing;
  }

  #closeNow(): void {
    this.onClose(this);
    try {
      this.lib.C_CloseSession(this.handle);
    } catch (error) {
      // A removed token has closed the session already: it is gone either way.
      if (ckrName(error) === 'CKR_SESSION_HANDLE_INVALID' || ckrName(error) === 'CKR_SESSION_CLOSED' || ckrName(error) === 'CKR_DEVICE_REMOVED') return;
      throw fromNative(error, `C_CloseSession on slot ${this.slotId}`);
    }
  }

  /** Queue `call` behind the session's other calls; `closed` once close() was called. */
  #run<T>(call: () => T | Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new DriverError('closed', `the PKCS#11 session on slot ${this.slotId} is closed`));
    const result = this.#queue.then(call, call);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #find(template: Parameters<PKCS11['C_FindObjectsInit']>[1]): Buffer[] {
    const operation = `C_FindObjects on slot ${this.slotId}`;
    native(operation, () => this.lib.C_FindObjectsInit(this.handle, template));
    try {
      const found: Buffer[] = [];
      for (;;) {
        const batch = native(operation, () => this.lib.C_FindObjects(this.handle, FIND_BATCH));
        found.push(...batch);
        if (batch.length < FIND_BATCH) return found;
      }
    } finally {
      native(operation, () => this.lib.C_FindObjectsFinal(this.handle));
    }
  }

  #objectHandle(object: Buffer): ObjectHandle {
    return { bytes: new Uint8Array(object), session: this };
  }

  /** The native handle of a key this session found; a TypeError for anything else. */
  #own(key: Pkcs11Key): Buffer {
    if (key?.handle?.session !== this) throw new TypeError(`key "${String(key?.label)}" was not found in this session: find it again with this session's findKeys()`);
    return Buffer.from(key.handle.bytes);
  }
}
