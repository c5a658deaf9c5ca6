/**
 * Errors of the PC/SC plumbing (STYLE.md "Errors": transport or
 * environment failures carry a literal `code`, `canceled`/`disconnected`
 * flags and a `cause`).
 * @module
 */

/** Why a vpcd connection ended or could not be made. */
export type VpcdErrorCode =
  /** TCP connect failed (vpcd not listening: pcscd not running or restarting). */
  | 'connect-failed'
  /** vpcd closed the connection or the socket failed (pcscd stopped or restarted). */
  | 'connection-lost'
  /** vpcd sent bytes that are not a vpcd frame or message (protocol/vpcd reasons). */
  | 'bad-frame'
  /** The card reported its removal (a presence event or {@link CardGoneError}-like rejection). */
  | 'card-removed'
  /** `stop()` was called: the card was taken out on purpose. */
  | 'stopped';

/** A vpcd connection ended; {@link VpcdError.code} says why. */
export class VpcdError extends Error {
  override readonly name = 'VpcdError';
  /** True when the connection to vpcd was lost or never made. */
  readonly disconnected: boolean;
  /** True when our side ended it on purpose (`stop()` or card removal). */
  readonly canceled: boolean;
  constructor(
    readonly code: VpcdErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.canceled = code === 'stopped' || code === 'card-removed';
    this.disconnected = !this.canceled;
  }
}

/** Why the project's pcscd script failed. */
export type PcscdErrorCode =
  /** A system program is missing (pcscd, vpcd, pcsc-tools, gcc): the message names the Debian package. */
  | 'tool-missing'
  /** pcscd could not be started, or runs without vpcd's readers. */
  | 'start-failed'
  /** `stop` failed. */
  | 'stop-failed'
  /** Another process serves cards to the vpcd readers (see `lockVpcdReaders`). */
  | 'readers-busy';

/** `scripts/pcscd/pcscd.sh` failed; the message carries the script's own explanation. */
export class PcscdError extends Error {
  override readonly name = 'PcscdError';
  readonly disconnected = false;
  readonly canceled = false;
  constructor(
    readonly code: PcscdErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
