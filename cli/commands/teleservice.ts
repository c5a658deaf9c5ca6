/**
 * `bifente teleservice`: run the emulated teleservices (CPS authentication,
 * rights lookup) as a real HTTP server until SIGINT/SIGTERM.
 * @module
 */
import { once } from 'node:events';
import { createTeleservice, DEFAULT_RATE_LIMIT, DEFAULT_TELESERVICE_DB, OPENAPI_PATH, seededRng, TeleserviceStoreError } from '../../emulator/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { toJson } from '../format.js';

const USAGE = [
  'Usage: bifente teleservice [--port <n>] [--host <addr>] [--db <file>] [--seed <n>] [--rate-limit <n>] [--json]',
  '',
  'Serves the emulated teleservices (OURS: emulator/teleservice/README.md) over HTTP',
  'until SIGINT/SIGTERM: CPS authentication (POST /v1/auth/challenge, /v1/auth/token)',
  `and rights lookup (POST /v1/rights); the OpenAPI document is at ${OPENAPI_PATH}.`,
  'Trusts the test CA and its CRL (test-vectors/pki/ca/); answers from the personas.',
  '',
  'Options:',
  '  --port <n>        TCP port (default 0: a free one, printed)',
  '  --host <addr>     address to listen on (default 127.0.0.1)',
  `  --db <file>       SQLite database (default ${DEFAULT_TELESERVICE_DB}; ":memory:" keeps nothing)`,
  '  --seed <n>        seeded challenges and tokens, for reproducible runs (test material only)',
  `  --rate-limit <n>  requests a minute per client address (default ${DEFAULT_RATE_LIMIT.max}; 0: no limit)`,
  '  --json            print {"url", "openapi"} as JSON instead of sentences',
].join('\n');

function whole(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n > max) throw new UsageError(`${name} must be a whole number from 0 to ${max}`);
  return n;
}

async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string', default: DEFAULT_TELESERVICE_DB },
    seed: { type: 'string' },
    'rate-limit': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = whole(values.port, '--port', 65535) ?? 0;
  const seed = whole(values.seed, '--seed', 0xffff_ffff);
  const limit = whole(values['rate-limit'], '--rate-limit', 1_000_000);
  const service = await createTeleservice({
    database: values.db,
    ...(seed === undefined ? {} : { randomBytes: seededRng(seed).bytes }),
    ...(limit === undefined ? {} : { rateLimit: limit === 0 ? false : { max: limit, windowMs: 60_000 } }),
    log: (line) => io.err(`${line}\n`),
  }).catch((error: unknown) => {
    if (error instanceof TeleserviceStoreError) return error.message;
    throw error;
  });
  if (typeof service === 'string') {
    io.err(`bifente teleservice: ${service}\n`);
    return EXIT.invalid;
  }
  let url: string;
  try {
    url = await service.listen(port, values.host);
  } catch (error) {
    await service.close();
    io.err(`bifente teleservice: cannot listen on ${values.host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.invalid;
  }
  if (values.json) io.out(toJson({ url, openapi: `${url}${OPENAPI_PATH}` }));
  else io.out(`bifente teleservice: listening on ${url} (database ${values.db})\nOpenAPI document: ${url}${OPENAPI_PATH}\n`);
  if (io.signal !== undefined && !io.signal.aborted) await once(io.signal, 'abort');
  await service.close();
  if (!values.json) io.out('bifente teleservice: stopped\n');
  return EXIT.ok;
}

/** `bifente teleservice`: the emulated teleservices as a long-running HTTP server. */
export const teleserviceCommand: Command = {
  name: 'teleservice',
  summary: 'run the emulated teleservices (CPS authentication, rights lookup) over HTTP',
  usage: USAGE,
  run,
};
