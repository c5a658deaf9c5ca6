/**
 * Cards through real pcscd + vpcd (with the TCP_NODELAY shim), driven by a
 * pcsclite client: the same APDU script (the Vitale read of Rufus: SELECT
 * MF, READ BINARY SFI 2) against (a) the emulated Vitale 2 (a six-beneficiary
 * persona, so READ BINARY answers about 180 bytes), (b) the null card that
 * only answers 9000, and (c) vsmartcard's Python card vicc, in one run.
 * Issue 4's targets: at least 2,500 APDU/s, at least 90 % of the null card's
 * rate, and ahead of vicc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePcscd, lockVpcdReaders, missingPcscPrerequisites, releasePcscd } from '../emulator/index.js';
import { hex } from '../protocol/index.js';
import { connectCard, pcscliteMissing, type PcscCard } from './pcsc-client.js';
import type { BenchCase, BenchRatio } from './run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READER = 'Virtual PCD 00 00';
const PORT = '35963';
const SCRIPT = [hex('00 A4 00 0C 02 3F 00'), hex('00 B0 82 00 00')];
const ROUNDS = 50;
const VICC_PYTHON = '/usr/bin/python3';

function missing(extra: string[] = []): string | undefined {
  const tools = missingPcscPrerequisites(['pcscd', 'gcc']);
  const why = [...tools.map((t) => `${t} is not installed`), ...extra];
  const lib = pcscliteMissing();
  if (lib !== undefined) why.push(lib);
  return why.length === 0 ? undefined : why.join('; ');
}

/** One peer: how to start it as a vpcd client on PORT. */
function pcscCase(name: string, command: () => [string, string[]], skipExtra: () => string[] = () => []): BenchCase {
  let server: ChildProcess | undefined;
  let card: PcscCard | undefined;
  let unlock: () => void = () => undefined;
  return {
    name,
    unit: 'ops/s',
    opsPerCall: ROUNDS * SCRIPT.length,
    skip: () => missing(skipExtra()),
    // The ratios compare these cards warm (bench/run.ts `timing`).
    timing: { warmupMs: 1500, timeMs: 3000 },
    async setup() {
      unlock = await lockVpcdReaders();
      await ensurePcscd();
      const [program, args] = command();
      server = spawn(program, args, { cwd: ROOT, stdio: 'ignore' });
      card = await connectCard(READER);
    },
    async fn() {
      for (let i = 0; i < ROUNDS; i++) for (const apdu of SCRIPT) await card!.transmit(apdu);
    },
    async teardown() {
      await card?.close();
      if (server !== undefined && server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server!.once('exit', resolve));
      }
      await releasePcscd();
      unlock();
    },
  };
}

const bifente = (...args: string[]): (() => [string, string[]]) => () => [process.execPath, ['--import=tsx', 'cli/bin.ts', 'card', 'serve', ...args]];

export const benches: BenchCase[] = [
  {
    ...pcscCase('pcscd+vpcd: emulated Vitale 2, SELECT + READ BINARY', bifente('--persona', 'pt-durand-family', '--port', PORT, '--state', mkdtempSync(join(tmpdir(), 'bifente-bench-')))),
    target: 2500,
  },
  pcscCase('pcscd+vpcd: null card (9000 to everything)', bifente('--null', '--port', PORT)),
  pcscCase(
    'pcscd+vpcd: vsmartcard vicc (Python iso7816 card)',
    () => [VICC_PYTHON, ['bench/vicc.py', PORT]],
    () => (existsSync('/usr/lib/python3/site-packages/virtualsmartcard') ? [] : ['python3-virtualsmartcard is not installed']),
  ),
];

export const ratios: BenchRatio[] = [
  { name: 'emulated Vitale / null card through pcscd', numerator: benches[0]!.name, denominator: benches[1]!.name, target: 0.9 },
  { name: 'emulated Vitale / vicc through pcscd', numerator: benches[0]!.name, denominator: benches[2]!.name, target: 1 },
];
