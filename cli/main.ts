/**
 * The `bifente` command: dispatch to a sub-command, `--help`, exit codes.
 * @module
 */
import { EXIT, UsageError, type Command, type Io } from './command.js';

/** Run `bifente` with `argv` (without node and script), writing to `io`. */
export async function main(argv: readonly string[], commands: readonly Command[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`bifente: unknown command "${name}"\n\n${helpText(commands)}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`bifente ${command.name}: ${e.message}\n${command.usage}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'bifente: simulator and driver stack for the dual-slot SESAM-Vitale card reader',
    '',
    'Usage: bifente <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "bifente <command> --help" for a command\'s options.',
    '',
  ].join('\n');
}
