/**
 * PKCS#11 return values (CKR_*, PKCS#11 v2.40 base §5.1) as {@link DriverError}s:
 * the CKR name stays on the error (and in its message) so that a program can
 * tell a wrong PIN from a locked one, while `code` says what kind of failure
 * it is for every transport alike. A PIN is never part of a message: the
 * messages are built from the CKR name and the operation only.
 * @module
 */
import { DriverError, type DriverErrorCode } from '../core/errors.js';

/** A failed PKCS#11 call: a {@link DriverError} that also carries the module's CKR_* value. */
export class Pkcs11Error extends DriverError {
  /**
   * @param code the driver-wide kind of failure
   * @param message plain words; ends with the CKR name when the module gave one
   * @param ckr the CKR_* name the module returned (`CKR_PIN_INCORRECT`), if any
   * @param rv the numeric CK_RV, if any
   */
  constructor(
    code: DriverErrorCode,
    message: string,
    readonly ckr: string | undefined,
    readonly rv: number | undefined,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** CKR name → the driver error code and the plain words of the message. */
const CKR: Readonly<Record<string, readonly [DriverErrorCode, string]>> = {
  CKR_PIN_INCORRECT: ['pin-incorrect', 'the token refused the PIN'],
  CKR_PIN_INVALID: ['transport-error', 'the PIN has characters the token does not accept'],
  CKR_PIN_LEN_RANGE: ['transport-error', 'the PIN is too short or too long for the token'],
  CKR_PIN_EXPIRED: ['transport-error', 'the PIN has expired: change it on the token first'],
  CKR_PIN_LOCKED: ['pin-locked', 'the PIN is blocked: unblock it with the unblocking code (PUK / SO PIN)'],
  CKR_USER_NOT_LOGGED_IN: ['not-logged-in', 'log in first: the object needs the user PIN'],
  CKR_USER_PIN_NOT_INITIALIZED: ['transport-error', 'the token has no user PIN yet'],
  CKR_TOKEN_NOT_PRESENT: ['no-card', 'no token (card) in the slot'],
  CKR_TOKEN_NOT_RECOGNIZED: ['card-unresponsive', 'the module does not recognise the token (card) in the slot'],
  CKR_DEVICE_REMOVED: ['card-removed', 'the token (card) was removed'],
  CKR_DEVICE_ERROR: ['card-unresponsive', 'the token (card) or its reader failed'],
  CKR_DEVICE_MEMORY: ['transport-error', 'the token is out of memory'],
  CKR_SESSION_CLOSED: ['closed', 'the session was closed'],
  CKR_SESSION_HANDLE_INVALID: ['closed', 'the session is no longer valid (closed, or the token was removed)'],
  CKR_SESSION_COUNT: ['transport-error', 'the token has too many open sessions'],
  CKR_SLOT_ID_INVALID: ['not-found', 'no such slot'],
  CKR_OBJECT_HANDLE_INVALID: ['not-found', 'no such object on the token'],
  CKR_KEY_HANDLE_INVALID: ['not-found', 'no such key on the token'],
  CKR_MECHANISM_INVALID: ['not-supported', 'the token cannot use this mechanism (with this key)'],
  CKR_MECHANISM_PARAM_INVALID: ['not-supported', 'the token refuses the mechanism parameters'],
  CKR_FUNCTION_NOT_SUPPORTED: ['not-supported', 'the module does not implement this operation'],
  CKR_KEY_TYPE_INCONSISTENT: ['not-supported', 'the key type does not match the mechanism'],
  CKR_KEY_FUNCTION_NOT_PERMITTED: ['not-supported', 'the key may not be used for this operation'],
  CKR_DATA_LEN_RANGE: ['not-supported', 'the data has a length the mechanism does not accept'],
  CKR_DATA_INVALID: ['not-supported', 'the mechanism does not accept this data'],
  CKR_OPERATION_ACTIVE: ['transport-error', 'another operation is active in the session'],
  CKR_TOKEN_WRITE_PROTECTED: ['not-supported', 'the token is read-only'],
  CKR_CRYPTOKI_NOT_INITIALIZED: ['no-service', 'the module is not initialised'],
  CKR_CRYPTOKI_ALREADY_INITIALIZED: ['sharing-violation', 'the module is already initialised in this process'],
  CKR_GENERAL_ERROR: ['transport-error', 'the module failed'],
  CKR_HOST_MEMORY: ['transport-error', 'the module ran out of memory'],
  CKR_ARGUMENTS_BAD: ['transport-error', 'the module refused the arguments'],
};

/** The CKR_* name of a pkcs11js error (its `message` is the bare name), if it has one. */
export function ckrName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /\b(CKR_[A-Z0-9_]+)\b/.exec(error.message)?.[1];
}

/**
 * Map what pkcs11js threw during `operation` (for example "C_Login on slot 3")
 * to a {@link Pkcs11Error}; anything not from the module (a TypeError from a
 * bad argument) is returned unchanged.
 */
export function fromNative(error: unknown, operation: string): Error {
  if (error instanceof DriverError) return error;
  if (error instanceof TypeError || error instanceof RangeError) return error;
  const ckr = ckrName(error);
  const rv = ckr !== undefined && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : undefined;
  const [code, words] = (ckr !== undefined ? CKR[ckr] : undefined) ?? ['transport-error', 'the PKCS#11 module failed'];
  const detail = ckr ?? (error instanceof Error ? error.message : String(error));
  return new Pkcs11Error(code, `${operation}: ${words} (${detail})`, ckr, rv, { cause: error });
}

/** Run a synchronous pkcs11js call, mapping what it throws with {@link fromNative}. */
export function native<T>(operation: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error, operation);
  }
}
