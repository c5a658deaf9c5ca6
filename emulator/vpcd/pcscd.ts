/**
 * Tests' and benchmarks' handle on the machine's pcscd: a thin wrapper
 * over the project's one script, `scripts/pcscd/pcscd.sh`, which reuses a
 * running pcscd that serves vpcd or starts one with the TCP_NODELAY shim
 * (DOMAIN.md "PC/SC plumbing on Debian 12"; emulator/vpcd/README.md).
 * @module
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcscdError } from './errors.js';

/** Absolute path of `scripts/pcscd/pcscd.sh`. */
export const PCSCD_SCRIPT = fileURLToPath(new URL('../../scripts/pcscd/pcscd.sh', import.meta.url));

/** vpcd's pcscd driver as Debian's `vsmartcard-vpcd` installs it. */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

/** The Debian package of each system program the PC/SC tests may call. */
export const PCSC_PROGRAM_PACKAGES: Readonly<Record<string, string>> = {
  pcscd: 'pcscd',
  pcsc_scan: 'pcsc-tools',
  scriptor: 'pcsc-tools',
  'opensc-tool': 'opensc',
  'pkcs11-tool': 'opensc',
  gcc: 'gcc',
};

/** Options of {@link ensurePcscd} and {@link releasePcscd}. */
export interface PcscdOptions {
  /** Log every APDU in pcscd's log (`pcscd --apdu`) if this call starts it. */
  readonly apdu?: boolean;
  /** The process id that holds the lease; default this process. pcscd stays up while a lease's process lives. */
  readonly lease?: number;
  /** Extra environment for the script (BIFENTE_CACHE_DIR, BIFENTE_PCSCD_LOG, BIFENTE_PCSCD_TIMEOUT). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What {@link ensurePcscd} did. */
export interface PcscdLease {
  /** True when this call started pcscd, false when it reused a running one. */
  readonly started: boolean;
  /** True when the running pcscd has the TCP_NODELAY shim loaded (thousands of APDU/s instead of about 20). */
  readonly shim: boolean;
  /** The script's report, for people (names the pid and the log file). */
  readonly message: string;
}

/**
 * Make sure pcscd runs and serves vpcd's readers ("Virtual PCD 00 00" and
 * "00 01"), and take a lease on it. Rejects with {@link PcscdError}
 * (`tool-missing` names the Debian package; `start-failed`).
 */
export async function ensurePcscd(options: PcscdOptions = {}): Promise<PcscdLease> {
  const args = ['start', '--lease', String(options.lease ?? process.pid)];
  if (options.apdu === true) args.push('--apdu');
  const { stderr } = await runScript(args, options.env, 'start-failed');
  return { started: /started pcscd/.test(stderr), shim: !/WITHOUT the TCP_NODELAY shim|shim loaded: no/.test(stderr), message: stderr.trim() };
}

/**
 * Drop the lease; the script stops pcscd only if it started it and no
 * other live process holds a lease. Rejects with {@link PcscdError} `stop-failed`.
 */
export async function releasePcscd(options: PcscdOptions = {}): Promise<string> {
  const { stderr } = await runScript(['stop', '--lease', String(options.lease ?? process.pid)], options.env, 'stop-failed');
  return stderr.trim();
}

/**
 * What is missing to run pcscd with vpcd and the named programs here, one
 * phrase per lack naming the Debian package; empty when all is in place.
 * Tests skip with these phrases in their title.
 */
export function missingPcscPrerequisites(programs: readonly string[] = ['pcscd', 'pcsc_scan', 'gcc']): string[] {
  const missing = programs.filter((p) => !onPath(p)).map((p) => `${p} (Debian package ${PCSC_PROGRAM_PACKAGES[p] ?? p})`);
  if (!existsSync(VPCD_DRIVER)) missing.push('vpcd (Debian package vsmartcard-vpcd)');
  if (!pcscdRuns() && !canWrite('/run')) missing.push('a running pcscd, or root to start one');
  return missing;
}

function onPath(program: string): boolean {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => dir !== '' && canRun(join(dir, program)));
}

function canRun(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function pcscdRuns(): boolean {
  try {
    const pid = Number.parseInt(readFileSync('/run/pcscd/pcscd.pid', 'latin1'), 10);
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runScript(args: string[], env: PcscdOptions['env'], failure: 'start-failed' | 'stop-failed'): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', [PCSCD_SCRIPT, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ stdout, stderr });
        return;
      }
      const code = error.code === 3 ? 'tool-missing' : failure;
      reject(new PcscdError(code, `pcscd.sh ${args[0]} failed: ${stderr.trim() || error.message}`, { cause: error }));
    });
  });
}
