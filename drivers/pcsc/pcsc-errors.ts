/**
 * PC/SC return codes (pcsc-lite `PCSC/pcsclite.h`, the Windows SCARD_E_*,
 * SCARD_F_*, SCARD_W_* values) turned into {@link DriverError}s with a
 * message in plain words. `pcsclite` reports a failed call as an Error whose
 * text ends with the code: "SCardTransmit error: Card was removed.(0x80100069)".
 * @module
 */
import { DriverError, type DriverErrorCode } from '../core/errors.js';

/** How to start the service, for every `no-service` message. */
export const PCSCD_START_HINT = 'start it with scripts/pcscd/pcscd.sh start (or systemctl start pcscd.socket)';

/** Where the failing call was made: a dead service means `no-service` for the context, `reader-gone` for an open port. */
export type PcscCallSite = 'context' | 'port';

interface CodeMeaning {
  readonly code: DriverErrorCode;
  readonly words: string;
}

const SERVICE_GONE: CodeMeaning = { code: 'no-service', words: `pcscd is not running: ${PCSCD_START_HINT}` };

/** The codes this driver tells apart; any other becomes `transport-error` with pcsc-lite's own text. */
const MEANINGS: ReadonlyMap<number, CodeMeaning> = new Map([
  [0x80100002, { code: 'canceled', words: 'the call was canceled (SCardCancel)' }],
  [0x80100003, { code: 'closed', words: 'the card handle is no longer valid' }],
  [0x80100008, { code: 'protocol-error', words: 'the response did not fit the receive buffer' }],
  [0x80100009, { code: 'reader-gone', words: 'the reader is not known to pcscd (unplugged?)' }],
  [0x8010000a, { code: 'timeout', words: 'pcscd gave up waiting' }],
  [0x8010000b, { code: 'sharing-violation', words: 'another application holds the card exclusively (or holds it while exclusive access was asked)' }],
  [0x8010000c, { code: 'no-card', words: 'there is no card in the reader' }],
  [0x8010000d, { code: 'card-unresponsive', words: 'the card is not one the reader can speak to' }],
  [0x8010000f, { code: 'not-supported', words: 'the card and the reader share none of the asked protocols' }],
  [0x80100010, { code: 'reader-gone', words: 'the reader is not ready' }],
  [0x80100013, SERVICE_GONE],
  [0x80100016, { code: 'card-unresponsive', words: 'the exchange with the card did not complete' }],
  [0x80100017, { code: 'reader-gone', words: 'the reader is unavailable (unplugged or failed)' }],
  [0x8010001d, SERVICE_GONE],
  [0x8010001e, SERVICE_GONE],
  [0x8010001f, { code: 'not-supported', words: 'the reader or pcscd does not support this' }],
  [0x8010002e, { code: 'not-found', words: 'pcscd lists no reader' }],
  [0x80100065, { code: 'card-unresponsive', words: 'the card is not supported (no usable ATR)' }],
  [0x80100066, { code: 'card-unresponsive', words: 'the card does not answer (mute)' }],
  [0x80100067, { code: 'card-unresponsive', words: 'the card is not powered' }],
  [0x80100068, { code: 'transport-error', words: 'another application reset the card: its state (selected files, verified PIN) is lost' }],
  [0x80100069, { code: 'card-removed', words: 'the card was removed' }],
]);

/** The PC/SC return code at the end of a pcsclite error text, or undefined. */
export function pcscReturnCode(error: unknown): number | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const match = /\(0x([0-9a-f]{8})\)\s*$/i.exec(text);
  return match === null ? undefined : Number.parseInt(match[1]!, 16);
}

/**
 * Map a pcsclite failure to a {@link DriverError}: `what` says what was being
 * done ('sending an APDU to "Virtual PCD 00 00"'); the native error is the cause.
 * @example
 * pcscError(new Error('SCardTransmit error: Card was removed.(0x80100069)'), 'sending an APDU', 'port').code // 'card-removed'
 */
export function pcscError(error: unknown, what: string, site: PcscCallSite): DriverError {
  const rc = pcscReturnCode(error);
  const meaning = rc === undefined ? undefined : MEANINGS.get(rc);
  const hex = rc === undefined ? '' : ` (PC/SC 0x${rc.toString(16).toUpperCase()})`;
  if (meaning === undefined) {
    const text = error instanceof Error ? error.message : String(error);
    return new DriverError('transport-error', `${what} failed: ${text}`, { cause: error });
  }
  if (site === 'port' && meaning.code === 'no-service') {
    return new DriverError('reader-gone', `${what} failed: pcscd went away, the session is over; connect again once it is back${hex}`, { cause: error });
  }
  return new DriverError(meaning.code, `${what} failed: ${meaning.words}${hex}`, { cause: error });
}
