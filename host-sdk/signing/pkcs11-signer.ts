/**
 * A PKCS#11 token as the host's CPS signer, through drivers' `openPkcs11`
 * session: a CPS through OpenSC or the CPS middleware, or SoftHSM2 in the
 * tests. Keys and certificates are found by CKA_ID: `01` authentication,
 * `02` signature (drivers/pkcs11 README: OpenSC's iDs on a CPS).
 *
 * Both keys sign with CKM_RSA_PKCS over a SHA-256 DigestInfo hashed here
 * (OURS): the same signature as SHA256-RSA-PKCS, and the one mechanism that
 * works on key 02 with Debian 12's OpenSC too (drivers/pkcs11 README).
 * @module
 */
import type { Pkcs11Key, Pkcs11Session } from '../../drivers/index.js';
import { sha256, sha256DigestInfo, toHex } from '../../protocol/index.js';
import { SignerError, signerFailure, type HostCpsSigner, type PinSource } from './host-signer.js';

/** Options of {@link pkcs11CpsSigner}. */
export interface Pkcs11SignerOptions {
  /** The token's user PIN, asked at the first key use (login); never stored by the signer. */
  readonly pin: PinSource;
  /** CKA_ID of the authentication key and certificate; default `01`. */
  readonly authenticationKeyId?: Uint8Array;
  /** CKA_ID of the signature key and certificate; default `02`. */
  readonly signatureKeyId?: Uint8Array;
}

/**
 * The token behind `session` as a {@link HostCpsSigner}. Logs in once,
 * at the first signature (a token already logged in by the application is
 * kept as it is). Rejects with a {@link SignerError}: `pin-incorrect`,
 * `pin-blocked`, `bad-card-data` (no key or certificate under that id),
 * `device-failed` (token removed...).
 * @example
 * const module = await openPkcs11('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
 * const signer = pkcs11CpsSigner(await module.openSession(slotId), { pin: askPin });
 */
export function pkcs11CpsSigner(session: Pkcs11Session, options: Pkcs11SignerOptions): HostCpsSigner {
  const ids = { authentication: options.authenticationKeyId ?? Uint8Array.of(1), signature: options.signatureKeyId ?? Uint8Array.of(2) };
  let login: Promise<void> | undefined;
  const keys = new Map<string, Promise<Pkcs11Key>>();

  function loggedIn(): Promise<void> {
    login ??= (async () => {
      await session.login(await options.pin());
    })().catch((error: unknown) => {
      login = undefined;
      throw signerFailure(error, 'PKCS#11 login');
    });
    return login;
  }

  function key(id: Uint8Array): Promise<Pkcs11Key> {
    const name = toHex(id);
    let found = keys.get(name);
    if (found === undefined) {
      found = loggedIn()
        .then(() => session.findKeys({ class: 'private', id }))
        .then(([first]) => {
          if (first === undefined) throw new SignerError('bad-card-data', `the token has no private key with CKA_ID ${name}`);
          return first;
        })
        .catch((error: unknown) => {
          keys.delete(name);
          throw signerFailure(error, `PKCS#11 key ${name}`);
        });
      keys.set(name, found);
    }
    return found;
  }

  async function certificate(id: Uint8Array): Promise<Uint8Array> {
    try {
      const [first] = await session.findCertificates({ id });
      if (first === undefined) throw new SignerError('bad-card-data', `the token has no certificate with CKA_ID ${toHex(id)}`);
      return first.der;
    } catch (error) {
      throw signerFailure(error, `PKCS#11 certificate ${toHex(id)}`);
    }
  }

  async function signWith(id: Uint8Array, data: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted === true) throw new SignerError('canceled', 'PKCS#11 signature canceled');
    const k = await key(id);
    try {
      return await session.sign(k, 'RSA-PKCS', sha256DigestInfo(sha256(data)));
    } catch (error) {
      throw signerFailure(error, `PKCS#11 signature with key ${toHex(id)}`);
    }
  }

  return {
    kind: 'pkcs11',
    authenticationCertificate: () => certificate(ids.authentication),
    signatureCertificate: () => certificate(ids.signature),
    authenticate: (data, signal) => signWith(ids.authentication, data, signal),
    sign: (data, signal) => signWith(ids.signature, data, signal),
  };
}
