/**
 * `bifente host`: the PC side of the terminal (issue 7) — `sync`, `lots`,
 * `status`. Upload and rights lookup come with the host SDK's teleservice
 * client.
 * @module
 */
import { UsageError, type Command, type Io } from '../command.js';
import { EXIT_TABLE } from './host-exit.js';
import { runHostLots, runHostStatus } from './host-report.js';
import { runHostSync } from './host-sync.js';

const USAGE = [
  'Usage: bifente host sync [--link serial:<device>|hid:<hidraw path>|hid:<vendor>:<product>] [--db <file>] [--ca <pem>] [--crl <pem>] [--timeout <ms>] [--json]',
  '       bifente host lots [--db <file>] [--state <state>] [--json]',
  '       bifente host status [--db <file>] [--json]',
  '',
  'sync    fetch the FSEs and lots from the terminal, verify every signature, store them',
  '        in the host database, then acknowledge them (the terminal frees them); shows',
  '        progress (a bar on a TTY) and a table: fetched, already held, verified,',
  '        rejected with reasons, freed. Without --link: the one USB serial device.',
  'lots    the lots the host holds and their states (--state built|signed|sent|',
  '        arl-positive|arl-negative|paid)',
  'status  terminals known (last sync, clock drift), FSEs by verdict, lots by state,',
  '        conflicts',
  '',
  'Options:',
  '  --db <file>      the host database (default host.db; sync creates it)',
  '  --ca <pem>       the CA signatures must chain to (default: the test CA, test-vectors/pki/ca/ca.cert.pem)',
  '  --crl <pem>      its CRL (default test-vectors/pki/ca/crl.pem)',
  '  --timeout <ms>   time limit of each request to the terminal (default 5000)',
  '  --json           JSON on stdout and nothing else (no progress)',
  '',
  EXIT_TABLE,
].join('\n');

const SUBCOMMANDS: ReadonlyMap<string, (args: readonly string[], io: Io) => Promise<number>> = new Map([
  ['sync', runHostSync],
  ['lots', runHostLots],
  ['status', runHostStatus],
]);

/** `bifente host`: sync with the terminal, and what the host database holds. */
export const hostCommand: Command = {
  name: 'host',
  summary: 'the PC side: sync with the terminal (verify, store, acknowledge), lots, status',
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    const run = sub === undefined ? undefined : SUBCOMMANDS.get(sub);
    if (run === undefined) throw new UsageError(sub === undefined ? 'missing sub-command: sync, lots or status' : `unknown sub-command "${sub}": sync, lots or status`);
    return run(rest, io);
  },
};
