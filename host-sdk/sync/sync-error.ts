/**
 * Why a sync stopped (STYLE.md "Errors"): a `SyncError` with a literal
 * `code`, the drivers' `canceled` / `disconnected` flags and the cause.
 * Whatever was stored before the stop stays stored; nothing of this sync
 * was acknowledged unless the journal says so. Run the sync again.
 * @module
 */
import { isDriverError } from '../../drivers/index.js';

/** What stopped a sync. */
export type SyncErrorCode =
  /** The link failed: cut, unplugged, no answer in time (the drivers' `DriverError` is the cause). */
  | 'link-failed'
  /** The caller's AbortSignal fired. */
  | 'canceled'
  /** The terminal answered `busy` (a card operation in progress): try again when it is idle. */
  | 'busy'
  /** The terminal's store is in quarantine (`LINK_ERROR.quarantined`): take the quarantined stores first (`takeQuarantinedStores`, or `syncTerminal` with `quarantineFolder`). */
  | 'quarantined'
  /** The terminal answered an error to a request that must succeed. */
  | 'terminal-refused'
  /** The terminal's answer did not fit the request (another kind, another id). */
  | 'protocol-error';

/** A sync that could not finish. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  /** True when the caller's signal ended the sync. */
  readonly canceled: boolean;
  /** True when the link is gone: plug the terminal again. */
  readonly disconnected: boolean;

  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.canceled = code === 'canceled';
    this.disconnected = code === 'link-failed' && isDriverError(options?.cause) && options.cause.disconnected;
  }
}

/** True when `error` is a {@link SyncError}, optionally of one of `codes`. */
export function isSyncError(error: unknown, ...codes: readonly SyncErrorCode[]): error is SyncError {
  return error instanceof SyncError && (codes.length === 0 || codes.includes(error.code));
}
