/**
 * The one error type of drivers/: a transport or environment failure
 * (STYLE.md "Errors"), with a literal code, plain-words message, the
 * `canceled` / `disconnected` flags callers branch on, and the native
 * error as `cause`. A card's refusal is not an error: it is an SW.
 * @module
 */

/** What went wrong, in one word a program can switch on. */
export type DriverErrorCode =
  /** The reader was unplugged, or its service went away, while in use. */
  | 'reader-gone'
  /** The card was pulled (or went mute and was powered off) during the session. */
  | 'card-removed'
  /** No card in the reader when one was needed. */
  | 'no-card'
  /** The card gave no ATR or no answer it could be spoken to with. */
  | 'card-unresponsive'
  /** A wait passed its time limit. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'canceled'
  /** Another application holds the card exclusively (PC/SC SCARD_E_SHARING_VIOLATION). */
  | 'sharing-violation'
  /** The bytes on the wire broke the protocol (bad CCID reply, bad T=1 block, garbage). */
  | 'protocol-error'
  /** The service behind the transport is not running (pcscd, a module that will not initialise). */
  | 'no-service'
  /** The native module or system library this transport needs is not installed. */
  | 'not-installed'
  /** The named reader, device, slot or object does not exist. */
  | 'not-found'
  /** The object was closed (by the caller or a disconnect) before or during the call. */
  | 'closed'
  /** A token or PIN pad refused the PIN (PKCS#11 CKR_PIN_INCORRECT); on a card it is SW 63Cx, data. */
  | 'pin-incorrect'
  /** The PIN is blocked (CKR_PIN_LOCKED; on a card SW 6983). */
  | 'pin-locked'
  /** The operation needs a login first (CKR_USER_NOT_LOGGED_IN). */
  | 'not-logged-in'
  /** The operation is not available on this transport or device. */
  | 'not-supported'
  /** Anything else the native layer reported; the message and cause say what. */
  | 'transport-error';

const DISCONNECTED: ReadonlySet<DriverErrorCode> = new Set(['reader-gone', 'card-removed', 'no-service', 'closed']);

/** A transport or environment failure from drivers/. */
export class DriverError extends Error {
  override readonly name = 'DriverError';
  /** True when the caller's signal ended the call. */
  readonly canceled: boolean;
  /** True when the reader, card or service is gone: the session cannot go on. */
  readonly disconnected: boolean;

  constructor(
    readonly code: DriverErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.canceled = code === 'canceled';
    this.disconnected = DISCONNECTED.has(code);
  }
}

/** True when `error` is a {@link DriverError}, optionally of one of `codes`. */
export function isDriverError(error: unknown, ...codes: readonly DriverErrorCode[]): error is DriverError {
  return error instanceof DriverError && (codes.length === 0 || codes.includes(error.code));
}
