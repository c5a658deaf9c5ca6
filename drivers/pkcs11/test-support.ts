/**
 * Helpers of the PKCS#11 tests and benchmark: a SoftHSM2 token initialised
 * by the project's own script in a temporary folder, and a count of this
 * process's open file descriptors for the leak tests.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'softhsm', 'init-token.ts');

/** SoftHSM2's module (Debian softhsm2). */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
/** The test token's user PIN (the script's default: a TEST token). */
export const TEST_PIN = '1234';

/** What is missing here for the SoftHSM2 tests, with the Debian package of each. */
export function missingSoftHsm(): string[] {
  const path = (process.env.PATH ?? '').split(':');
  const missing: string[] = [];
  if (!path.some((d) => existsSync(join(d, 'softhsm2-util'))) || !existsSync(SOFTHSM_MODULE)) missing.push('softhsm2');
  if (!path.some((d) => existsSync(join(d, 'pkcs11-tool')))) missing.push('opensc (pkcs11-tool)');
  return missing;
}

/** The token the script reports (its JSON). */
export interface TestToken {
  readonly conf: string;
  readonly label: string;
  readonly keyId: string;
  readonly keyLabel: string;
  readonly certificate: string;
  readonly steps: Readonly<Record<string, string>>;
}

/**
 * Run scripts/softhsm/init-token.ts in `dir` (a new temporary folder by
 * default) and point this process's SOFTHSM2_CONF at the token (SoftHSM2
 * reads it at C_Initialize).
 */
export async function initTestToken(dir = mkdtempSync(join(tmpdir(), 'bifente-softhsm-'))): Promise<TestToken & { readonly dir: string }> {
  const { stdout } = await run(process.execPath, ['--import=tsx', SCRIPT, '--dir', dir, '--json'], { cwd: ROOT, timeout: 60_000 });
  const token = JSON.parse(stdout) as TestToken;
  process.env.SOFTHSM2_CONF = token.conf;
  return { ...token, dir };
}

/** How many file descriptors this process has open (Linux /proc). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
