/**
 * The teleservice client's one error type (STYLE.md "Errors"): a literal
 * `code`, whether trying again may help (`retryable`), the server's wait
 * (`retryAfterMs`), its machine code (`serverCode`, emulator/teleservice
 * README "Errors") and the HTTP status.
 * @module
 */

/** What went wrong talking to a teleservice. */
export type TeleserviceClientErrorCode =
  /** No answer: connection refused or reset, DNS, or no answer within the timeout. Retryable. */
  | 'unreachable'
  /** 423 `account-locked`: too many failed authentications; `retryAfterMs` says for how long. */
  | 'locked'
  /** The server refused the request with a 4xx and a machine code (`serverCode`): bad certificate, revoked, unknown person... */
  | 'refused'
  /** Any other HTTP outcome: 5xx, 429, an answer that is not the documented JSON. Retryable for 5xx and 429. */
  | 'http'
  /** The CPS could not sign the challenge (the signer's `SignerError` is the cause). */
  | 'signer-failed'
  /** The caller's AbortSignal fired. */
  | 'canceled';

/** Details of a {@link TeleserviceClientError}. */
export interface TeleserviceClientErrorDetails extends ErrorOptions {
  readonly status?: number;
  readonly serverCode?: string;
  readonly retryAfterMs?: number;
}

/** A teleservice request that failed. */
export class TeleserviceClientError extends Error {
  override readonly name = 'TeleserviceClientError';
  /** True when the caller's signal ended the request. */
  readonly canceled: boolean;
  /** True when the same request may succeed later (network, 5xx, 429, 423 after its wait). */
  readonly retryable: boolean;
  readonly status?: number;
  /** The server's machine code (`unknown-person`, `revoked-certificate`, `duplicate-lot`...). */
  readonly serverCode?: string;
  /** The server's `Retry-After`, in ms. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: TeleserviceClientErrorCode,
    message: string,
    details: TeleserviceClientErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? {} : { cause: details.cause });
    if (details.status !== undefined) this.status = details.status;
    if (details.serverCode !== undefined) this.serverCode = details.serverCode;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    this.canceled = code === 'canceled';
    this.retryable = code === 'unreachable' || code === 'locked' || (code === 'http' && (details.status === undefined || details.status >= 500 || details.status === 429));
  }
}

/** True when `error` is a {@link TeleserviceClientError}, optionally of one of `codes`. */
export function isTeleserviceClientError(error: unknown, ...codes: readonly TeleserviceClientErrorCode[]): error is TeleserviceClientError {
  return error instanceof TeleserviceClientError && (codes.length === 0 || codes.includes(error.code));
}
