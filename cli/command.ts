/**
 * The shape of a `bifente` command and the exit codes every command uses.
 * @module
 */

/** Where a command writes; tests capture it, `bin.ts` binds it to the process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Aborted when a long-running command must stop (SIGINT/SIGTERM in `bin.ts`). */
  readonly signal?: AbortSignal;
}

/** Exit codes: 0 valid input, 1 invalid input (reason on stderr), 2 usage error. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** One `bifente <name>` command. */
export interface Command {
  readonly name: string;
  /** One line for `bifente --help`. */
  readonly summary: string;
  /** The usage line(s) and options, for `bifente <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: Io): Promise<number> | number;
}

/** Thrown by argument parsing inside a command; `main` turns it into exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
