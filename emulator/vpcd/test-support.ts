/**
 * Helpers for tests that serve cards to real pcscd: pcscd sees insertions
 * and removals at its presence poll (400-450 ms), so tests wait for what
 * the reader shows instead of sleeping.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The ATR opensc-tool reads in `reader` ("3b:..." text), or '' when there is no card. */
export async function readerAtr(reader: string): Promise<string> {
  return run('opensc-tool', ['-r', reader, '-a'], { timeout: 5000 }).then((r) => r.stdout, () => '');
}

/** Poll `check` every 100 ms until it holds; rejects naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
