/**
 * Argument parsing shared by the commands: `node:util` parseArgs with the
 * common `--json` flag, errors turned into {@link UsageError}.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse `args` with `--json` plus the command's own boolean/string options. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...args],
      options: { json: { type: 'boolean', default: false }, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** The positionals joined as one hex or digit string; a usage error when there are none. */
export function joinedPositionals(positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`);
  return positionals.join(' ');
}
