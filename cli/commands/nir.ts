/**
 * `bifente nir <digits>`: validate and explain a French social security
 * number (NIR).
 * @module
 */
import { formatNir, nirReport } from '../../protocol/index.js';
import { joinedPositionals, parseCommandArgs } from '../args.js';
import { EXIT, type Command, type Io } from '../command.js';
import { toJson } from '../format.js';

export const nirCommand: Command = {
  name: 'nir',
  summary: 'validate and explain a NIR (French social security number)',
  usage: [
    'Usage: bifente nir <15 characters> [--json]',
    '',
    'Spaces, dots and hyphens are ignored: "2 69 05 49 588 157 80" is accepted.',
    'Exit code 0 when the NIR is valid, 1 with the reason on stderr when not.',
  ].join('\n'),
  run(args: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs(args, {});
    const report = nirReport(joinedPositionals(positionals, 'NIR'));
    if (values.json) io.out(toJson(report));
    if (!report.valid) {
      io.err(`bifente nir: invalid: ${report.reason} at character ${report.offset}: ${report.message}\n`);
      return EXIT.invalid;
    }
    if (!values.json) io.out(`NIR ${formatNir(report.fields)}: valid\n${report.lines.map((l) => `  ${l}`).join('\n')}\n`);
    return EXIT.ok;
  },
};
