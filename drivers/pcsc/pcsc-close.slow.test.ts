// Opt-in (npx ava drivers/pcsc/pcsc-close.slow.test.ts, about 3 minutes):
// the stress loop that showed pcsclite's close race (README "pcsclite close
// race"). Before the parking rule, with 3 busy processes on 2 cores beside
// it, it leaked a pcscd connection every 5 cycles and hung in a join near
// cycle 1,000. A leaked thread keeps the child's event loop alive and a
// missed cancel blocks it: either way the child does not exit in time.
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePcscd, lockVpcdReaders, releasePcscd } from '../../emulator/index.js';
import { missingPcsc, PORT0, READER0, serveCard } from './test-support.js';

const run = promisify(execFile);
const CYCLES = 1500;
const missing = await missingPcsc();
const real = missing.length === 0 ? test : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);

real(title(`${CYCLES} transports made, settled and closed back to back, then the process exits by itself`), async (t) => {
  t.timeout(600_000);
  const unlock = await lockVpcdReaders({ timeoutMs: 120_000 });
  await ensurePcscd();
  const cps = await serveCard('cps', PORT0);
  try {
    const script = fileURLToPath(new URL('./exit-check.fixture.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import=tsx', script, READER0, String(CYCLES)], { timeout: 540_000 });
    t.regex(stdout, new RegExp(`^${CYCLES} transports closed; opened .*; closed$`, 'm'));
  } finally {
    await cps.client.stop();
    await releasePcscd();
    unlock();
  }
});
