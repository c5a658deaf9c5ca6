/**
 * `bifente host`: the PC side of the terminal (issue 7) — `sync`, `lots`,
 * `status`, `upload` (the rights lookup is `bifente rights`).
 * @module
 */
import { UsageError, type Command, type Io } from '../command.js';
import { EXIT_TABLE } from './host-exit.js';
import { runHostLots, runHostStatus } from './host-report.js';
import { SIGNER_USAGE } from './host-signer.js';
import { runHostSync } from './host-sync.js';
import { runHostUpload } from './host-upload.js';

const USAGE = [
  'Usage: bifente host sync [--link serial:<device>|hid:<hidraw path>|hid:<vendor>:<product>] [--db <file>] [--ca <pem>] [--crl <pem>] [--timeout <ms>] [--quarantine-dir <dir>] [--json]',
  '       bifente host lots [--db <file>] [--state <state>] [--json]',
  '       bifente host status [--db <file>] [--json]',
  '       bifente host upload [--db <file>] --url <teleservice> (--reader <name> | --pkcs11 <module> [--slot <n> | --token-label <label>])',
  '                           [--pin-stdin] [--software-agreement <x>] [--json]',
  '',
  'sync    fetch the FSEs and lots from the terminal, verify every signature, store them',
  '        in the host database, then acknowledge them (the terminal frees them); shows',
  '        progress (a bar on a TTY) and a table: fetched, already held, verified,',
  '        rejected with reasons, freed. Without --link: the one USB serial device.',
  'lots    the lots the host holds and their states (--state built|signed|sent|',
  '        arl-positive|arl-negative|paid)',
  'status  terminals known (last sync, clock drift), FSEs by verdict, lots by state,',
  '        conflicts',
  'upload  send the signed lots to the teleservice (authenticated by the CPS), follow',
  '        their ARLs and returns (paid), rebuild the lots a negative ARL rejected',
  '        into new lots signed by the CPS, send and follow those; shows progress and',
  '        a table of lots: lot, state, ARL reason, amount paid. Run it again later:',
  '        ARLs come minutes after a lot, returns a day later.',
  '',
  'Options:',
  '  --db <file>      the host database (default host.db; sync creates it)',
  '  --ca <pem>       the CA signatures must chain to (default: the test CA, test-vectors/pki/ca/ca.cert.pem)',
  '  --crl <pem>      its CRL (default test-vectors/pki/ca/crl.pem)',
  '  --timeout <ms>   time limit of each request to the terminal (default 5000)',
  '  --quarantine-dir <dir>  where the files of a quarantined terminal store are kept before',
  '                   it is released (default quarantine/ next to the database)',
  '  --json           JSON on stdout and nothing else (no progress)',
  '',
  'Options of upload (and of bifente rights):',
  SIGNER_USAGE,
  '  --software-agreement <x>  the host software\'s agreement number in the B2 (default BIFENTE-0001)',
  '',
  EXIT_TABLE,
].join('\n');

const SUBCOMMANDS: ReadonlyMap<string, (args: readonly string[], io: Io) => Promise<number>> = new Map([
  ['sync', runHostSync],
  ['lots', runHostLots],
  ['status', runHostStatus],
  ['upload', runHostUpload],
]);

/** `bifente host`: sync with the terminal, what the host database holds, and the upload of its lots. */
export const hostCommand: Command = {
  name: 'host',
  summary: 'the PC side: sync with the terminal (verify, store, acknowledge), lots, status, upload to the teleservice',
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    const run = sub === undefined ? undefined : SUBCOMMANDS.get(sub);
    if (run === undefined) throw new UsageError(sub === undefined ? 'missing sub-command: sync, lots, status or upload' : `unknown sub-command "${sub}": sync, lots, status or upload`);
    return run(rest, io);
  },
};
