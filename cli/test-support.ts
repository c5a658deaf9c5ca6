/**
 * Drive `bifente` for tests, in process or as a child process (node + tsx,
 * as `npx bifente` runs it): the exit code and what it printed.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { main } from './main.js';

/** What one run of the command printed and returned. */
export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run `bifente ...argv` in process. */
export async function runCli(...argv: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const code = await main(argv, COMMANDS, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** The repository root, where `cli/bin.ts` is found. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Run `bifente ...argv` as a child process; `stdin` is written to its stdin and closed; `env` is added to the environment. */
export function spawnCli(argv: readonly string[], options: { readonly stdin?: string; readonly env?: Readonly<Record<string, string>> } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', 'cli/bin.ts', ...argv], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
    child.stdin.end(options.stdin ?? '');
  });
}
