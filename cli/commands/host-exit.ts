/**
 * Exit codes of `bifente host …` (stable: scripts branch on them) and the
 * one-line message of every failure.
 * @module
 */
import { isDriverError } from '../../drivers/index.js';
import { isHostDatabaseError, isSyncError } from '../../host-sdk/index.js';
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
    const what = error.code === 'link-failed' ? (error.disconnected ? 'link cut' : 'link failed') : error.code === 'terminal-refused' ? 'terminal refused' : 'not a bifente terminal';
    return { code: HOST_EXIT.link, message: `${what} at ${link}: ${error.message}; nothing is lost, sync again` };
  }
  if (isDriverError(error)) {
    const what = error.code === 'not-found' ? 'terminal not found' : error.code === 'not-supported' ? 'not a terminal link' : 'cannot open the link';
    return { code: HOST_EXIT.link, message: `${what}: ${link}: ${error.message}` };
  }
  throw error;
}
