/**
 * Exit codes of `bifente host …` (stable: scripts branch on them) and the
 * one-line message of every failure.
 * @module
 */
import { isDriverError } from '../../drivers/index.js';
import { isHostDatabaseError, isSignerError, isSyncError, isTeleserviceClientError, type SignerError } from '../../host-sdk/index.js';
import { EXIT } from '../command.js';

/**
 * The exit codes of `bifente host`: the common three (0 ok, 1 invalid input,
 * 2 usage error), then one a failure a script handles differently.
 */
export const HOST_EXIT = {
  ...EXIT,
  /** No terminal at the link, or the link failed (cut, unplugged, no answer, not our protocol): plug it in, sync again; nothing is lost. */
  link: 3,
  /** The terminal is busy with a card operation: try again when it is idle. */
  busy: 4,
  /** The sync ended, but items were rejected (signature, certificate, unknown FSE) or in conflict: the terminal keeps them, a person looks. */
  rejected: 5,
  /** The host database was refused (not SQLite, another application's, newer schema, corrupt) or cannot be written. */
  database: 6,
  /** The teleservice did not answer (connection refused, timeout, retries spent): nothing is lost, try again later. */
  unreachable: 7,
  /** Upload done, but lots stay rejected: a negative ARL a new lot cannot fix, or a lot the teleservice refused or the host cannot build: a person looks. */
  lotRejected: 8,
  /** The CPS refused the PIN (DOMAIN.md: 3 wrong entries block it): nothing was signed. */
  pinIncorrect: 9,
  /** The PIN is blocked, or no CPS: card or token missing, unreadable, reader or PC/SC service absent. */
  cardUnavailable: 10,
  /** The teleservice refused: certificate not trusted or revoked, account locked, unknown person, or an HTTP error. */
  refused: 11,
} as const;

/** The exit-code table of the usage texts and the README. */
export const EXIT_TABLE = [
  'Exit codes:',
  '  0  done (sync: everything verified and acknowledged)',
  '  1  invalid input (a --ca or --crl file that does not read)',
  '  2  usage error',
  '  3  terminal not found, or the link failed (cut, unplugged, no answer): nothing is lost, sync again',
  '  4  terminal busy (a card operation in progress): try again when it is idle',
  '  5  sync done, but items were rejected or in conflict: they stay on the terminal',
  '  6  host database refused (not ours, newer schema, corrupt) or not writable',
  '  7  teleservice unreachable (refused connection, timeout, retries spent): nothing is lost, try again',
  '  8  upload done, but lots stay rejected (a negative ARL a new lot cannot fix, a lot refused): a person looks',
  '  9  PIN incorrect: nothing was signed (3 wrong PINs block the CPS)',
  ' 10  PIN blocked, or no CPS (card or token missing, reader or PC/SC service absent)',
  ' 11  the teleservice refused (certificate, account locked, unknown person) or answered an HTTP error',
].join('\n');

/** A failure as its exit code and one line for stderr. */
export interface HostFailure {
  readonly code: number;
  readonly message: string;
}

/**
 * Map what the drivers, the sync or the host database threw to its exit
 * code and message; anything else is rethrown (a bug, not a failure).
 * @param link the link's name (`serial:/dev/ttyACM0`), for messages.
 */
export function hostFailure(error: unknown, link: string): HostFailure {
  if (isHostDatabaseError(error)) return { code: HOST_EXIT.database, message: `host database refused: ${error.message}` };
  if (isSyncError(error, 'busy')) return { code: HOST_EXIT.busy, message: `terminal busy at ${link}: ${error.message}` };
  if (isSyncError(error, 'canceled')) return { code: HOST_EXIT.link, message: 'sync canceled: what was stored stays stored; sync again to finish' };
  if (isSyncError(error)) {
    const what = error.code === 'link-failed' ? (error.disconnected ? 'link cut' : 'link failed') : error.code === 'terminal-refused' ? 'terminal refused' : error.code === 'quarantined' ? 'terminal store in quarantine' : 'not a bifente terminal';
    return { code: HOST_EXIT.link, message: `${what} at ${link}: ${error.message}; nothing is lost, sync again` };
  }
  if (isDriverError(error)) {
    const what = error.code === 'not-found' ? 'terminal not found' : error.code === 'not-supported' ? 'not a terminal link' : 'cannot open the link';
    return { code: HOST_EXIT.link, message: `${what}: ${link}: ${error.message}` };
  }
  throw error;
}

/** A signer failure as its exit code and message (never the PIN: the signer's messages carry none). */
function signerFailure(error: SignerError): HostFailure {
  if (error.code === 'pin-incorrect') return { code: HOST_EXIT.pinIncorrect, message: `PIN incorrect${error.triesLeft === undefined ? '' : ` (${error.triesLeft} tries left)`}: nothing was signed` };
  if (error.code === 'pin-blocked') return { code: HOST_EXIT.cardUnavailable, message: error.triesLeft === 0 ? 'PIN incorrect on the last try: the CPS is now blocked; unblock it with its code de déblocage' : 'PIN blocked: unblock the CPS with its code de déblocage' };
  if (error.code === 'canceled') return { code: HOST_EXIT.cardUnavailable, message: `the CPS did not sign: ${error.message}` };
  return { code: HOST_EXIT.cardUnavailable, message: `CPS unavailable: ${error.message}` };
}

/**
 * Map what the CPS signer, the teleservice client or the host database threw
 * to its exit code and one line; anything else is rethrown (a bug).
 * @param url the teleservice's base URL, for messages.
 */
export function teleserviceFailure(error: unknown, url: string): HostFailure {
  if (isHostDatabaseError(error)) return { code: HOST_EXIT.database, message: `host database refused: ${error.message}` };
  if (isSignerError(error)) return signerFailure(error);
  if (isDriverError(error)) return { code: HOST_EXIT.cardUnavailable, message: `CPS unavailable: ${error.message}` };
  if (!isTeleserviceClientError(error)) throw error;
  if (error.code === 'signer-failed' || (error.code === 'canceled' && isSignerError(error.cause))) return isSignerError(error.cause) ? signerFailure(error.cause) : { code: HOST_EXIT.cardUnavailable, message: `CPS unavailable: ${error.message}` };
  if (error.code === 'unreachable') return { code: HOST_EXIT.unreachable, message: `teleservice unreachable at ${url}: ${error.message}; nothing is lost, try again later` };
  if (error.code === 'canceled') return { code: HOST_EXIT.unreachable, message: 'canceled: what was recorded stays recorded; run it again to finish' };
  if (error.code === 'locked') return { code: HOST_EXIT.refused, message: `teleservice account locked${error.retryAfterMs === undefined ? '' : ` for ${Math.ceil(error.retryAfterMs / 1000)} s`}: ${error.message}` };
  return { code: HOST_EXIT.refused, message: `teleservice refused${error.serverCode === undefined ? '' : ` (${error.serverCode})`}: ${error.message}` };
}
