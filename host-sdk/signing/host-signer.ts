/**
 * The host's CPS signer (OURS): what the PC needs from a doctor's CPS, the
 * card in a reader or a PKCS#11 token alike. Two keys (DOMAIN.md "CPS": IAS-
 * ECC key 1 authenticates, key 2 signs): the authentication key answers the
 * teleservices' challenges, the signature key signs the lots the host
 * rebuilds. Both give RSA PKCS#1 v1.5 signatures over the SHA-256
 * DigestInfo of the data: the value of node's `sign('sha256', data, key)`.
 * @module
 */
import { isDriverError } from '../../drivers/index.js';

/** What the host signs with: a CPS in a reader ({@link cardCpsSigner}) or a PKCS#11 token ({@link pkcs11CpsSigner}). */
export interface HostCpsSigner {
  /** Which implementation: for messages and reports. */
  readonly kind: 'card' | 'pkcs11';
  /** The authentication certificate (X.509 DER; TLS client usage, RPPS in the subject): what the teleservice checks. */
  authenticationCertificate(signal?: AbortSignal): Promise<Uint8Array>;
  /** The signature certificate (X.509 DER): what a signed lot carries. */
  signatureCertificate(signal?: AbortSignal): Promise<Uint8Array>;
  /** Sign `data` with the authentication key (RSA PKCS#1 v1.5, SHA-256): a teleservice challenge. */
  authenticate(data: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
  /** Sign `data` with the signature key (RSA PKCS#1 v1.5, SHA-256): a lot's canonical bytes. */
  sign(data: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Where the PIN comes from: asked only when a key is first used (never stored by the signer). */
export type PinSource = () => string | Promise<string>;

/** Why the CPS would not sign. */
export type SignerErrorCode =
  /** The PIN was refused; `triesLeft` says how many remain when the card tells. */
  | 'pin-incorrect'
  /** The PIN is blocked (DOMAIN.md: 3 wrong entries block the CPS): unblock it with the code de déblocage. */
  | 'pin-blocked'
  /** The card answered another status word than 9000 (`sw`). */
  | 'card-refused'
  /** The card or token holds no such key, certificate or file, or the data is malformed. */
  | 'bad-card-data'
  /** The reader, card or token failed (the drivers' `DriverError` is the cause): card removed, no service, timeout. */
  | 'device-failed'
  /** The caller's AbortSignal fired. */
  | 'canceled';

/** A CPS that could not sign. Never carries the PIN. */
export class SignerError extends Error {
  override readonly name = 'SignerError';
  readonly canceled: boolean;
  readonly disconnected: boolean;
  /** The card's status word (hex) for `card-refused`, `pin-incorrect`, `pin-blocked` on a card. */
  readonly sw?: string;
  /** PIN tries left, when the card says (SW 63Cx). */
  readonly triesLeft?: number;

  constructor(
    readonly code: SignerErrorCode,
    message: string,
    options: ErrorOptions & { readonly sw?: string; readonly triesLeft?: number } = {},
  ) {
    super(message, options);
    if (options.sw !== undefined) this.sw = options.sw;
    if (options.triesLeft !== undefined) this.triesLeft = options.triesLeft;
    this.canceled = code === 'canceled';
    this.disconnected = code === 'device-failed' && isDriverError(options.cause) && options.cause.disconnected;
  }
}

/** True when `error` is a {@link SignerError}, optionally of one of `codes`. */
export function isSignerError(error: unknown, ...codes: readonly SignerErrorCode[]): error is SignerError {
  return error instanceof SignerError && (codes.length === 0 || codes.includes(error.code));
}

/** @internal A drivers failure as a SignerError (PKCS#11 PIN codes mapped; canceled kept). */
export function signerFailure(error: unknown, what: string): Error {
  if (error instanceof SignerError || !isDriverError(error)) return error instanceof Error ? error : new SignerError('device-failed', `${what}: ${String(error)}`);
  if (error.code === 'pin-incorrect') return new SignerError('pin-incorrect', `${what}: the PIN was refused`, { cause: error });
  if (error.code === 'pin-locked') return new SignerError('pin-blocked', `${what}: the PIN is blocked`, { cause: error });
  if (error.code === 'canceled') return new SignerError('canceled', `${what}: canceled`, { cause: error });
  if (error.code === 'not-found' || error.code === 'not-supported') return new SignerError('bad-card-data', `${what}: ${error.message}`, { cause: error });
  return new SignerError('device-failed', `${what}: ${error.message}`, { cause: error });
}
