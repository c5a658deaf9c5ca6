/**
 * Drive `bifente` in process for tests: the exit code and what it printed.
 * @module
 */
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
