// `bifente card serve` end to end: the real command in its own process,
// real pcscd + vpcd, and OpenSC's opensc-tool as the PC/SC client.
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lockVpcdReaders, missingPcscPrerequisites, releasePcscd } from '../../emulator/index.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const cards = fileURLToPath(new URL('../../test-vectors/cards/', import.meta.url));
const missing = missingPcscPrerequisites(['pcscd', 'opensc-tool', 'gcc']);
// The trace and the log stay in .bifente/ for the suite-wide secret scan of .ci/run.
const traces = fileURLToPath(new URL('../../.bifente/traces/', import.meta.url));
const GENERIC_VERIFY = '002000010831323334FFFFFFFF'; // PIN 1234, padded with FF to 8 bytes
const real = missing.length === 0 ? test : test.skip;

async function opensc(...args: string[]): Promise<string> {
  const { stdout } = await run('opensc-tool', ['-r', 'Virtual PCD 00 00', ...args], { timeout: 10_000 });
  return stdout;
}

real(`bifente card serve puts the card image in "Virtual PCD 00 00" for opensc-tool${missing.length ? ` [needs ${missing.join(', ')}]` : ''}`, async (t) => {
  const unlock = await lockVpcdReaders();
  const state = mkdtempSync(join(tmpdir(), 'bifente-serve-'));
  const image = join(cards, 'generic.json');
  mkdirSync(traces, { recursive: true });
  const trace = join(traces, 'card-serve-pcscd.jsonl');
  const child = spawn(process.execPath, ['--import=tsx', bin, 'card', 'serve', '--image', image, '--state', state, '--pcscd', '--trace', trace], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const deadline = Date.now() + 20_000;
    let atr = '';
    while (Date.now() < deadline && !/3b/i.test(atr)) {
      atr = await opensc('-a').catch(() => '');
      if (!/3b/i.test(atr)) await new Promise((r) => setTimeout(r, 200));
    }
    t.regex(atr, /^3b/i, err);
    const out = await opensc('-s', '00A4000C023F00', '-s', '00A4040C05A000000308', '-s', GENERIC_VERIFY);
    t.regex(out, /SW1=0x90, SW2=0x00/i);
    t.is(out.match(/SW1=0x90, SW2=0x00/gi)?.length, 2, 'SELECT and VERIFY succeed');
    t.regex(out, /SW1=0x6a, SW2=0x82/i, 'a foreign AID is not found');
  } finally {
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    t.is(code, 0, err);
    writeFileSync(join(traces, 'card-serve-pcscd.log'), err);
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    t.true(lines.some((l) => l.includes('VERIFY')), 'the VERIFY is in the trace');
    t.false(lines.some((l) => l.includes('31323334')), 'but not its PIN');
    await releasePcscd();
    unlock();
  }
});
