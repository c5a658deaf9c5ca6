/**
 * `bifente day`: a full emulated home-visit day in seconds (issues 6 and 7
 * "npm start"), what `npm start` runs: the visits, the sync with the PC,
 * the lots sent to the teleservice (in process), the ARLs (one negative and
 * corrected), the returns. Progress lines as the day goes, a summary at the
 * end; the databases, the signed lots, `report.json` and `report.html` in
 * the output folder. The same seed gives the same day.
 * @module
 */
import { isIsoDate } from '../../protocol/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { DEFAULT_DOCTOR, runDay, summaryText, UnexpectedScreen, VISITS_RANGE } from '../day/index.js';

const USAGE = [
  'Usage: bifente day [--seed <n>] [--out <dir>] [--visits <n>] [--doctor <id>] [--date <YYYY-MM-DD>] [--quiet]',
  '',
  'Runs an emulated home-visit day to the last acknowledgement: the evening before, one',
  'visit on the practice\'s spare terminal, its lot sent; in the morning the PC looks up',
  'rights with the CPS; the terminal boots, the CPS goes in (a wrong PIN, then the right',
  'one), 12 to 20 visits are captured and secured with the emulated cartes Vitale; at the',
  'practice the lots are signed, the PC syncs, verifies and acknowledges them, sends them',
  'to the teleservice (started in process), follows the ARLs (one lot refused for a',
  'number the spare terminal took, rebuilt and sent again) and, the next day, the returns.',
  '',
  '  --seed <n>       the day drawn (default 1); the same seed gives the same day',
  '  --out <dir>      where the databases, lots/, report.json and report.html go (default out/day-<seed>)',
  `  --visits <n>     number of visits, ${VISITS_RANGE.min}-${VISITS_RANGE.max} (default: drawn from the seed)`,
  `  --doctor <id>    the CPS persona (default ${DEFAULT_DOCTOR})`,
  '  --date <date>    the day of the acts (default 2026-03-16), starting 08:30 Paris time',
  '  --quiet          the summary only',
  '  --json           report.json on stdout instead of the summary',
].join('\n');

function wholeNumber(text: string | undefined, name: string, fallback: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** `bifente day`. */
export const dayCommand: Command = {
  name: 'day',
  summary: 'run an emulated home-visit day: visits, FSEs, lots, sync, upload, ARLs, returns',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      seed: { type: 'string' },
      out: { type: 'string' },
      visits: { type: 'string' },
      doctor: { type: 'string', default: DEFAULT_DOCTOR },
      date: { type: 'string', default: '2026-03-16' },
      quiet: { type: 'boolean', default: false },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const seed = wholeNumber(values.seed, '--seed', 1, 0, 0xffff_ffff)!;
    const visits = wholeNumber(values.visits, '--visits', undefined, VISITS_RANGE.min, VISITS_RANGE.max);
    if (!isIsoDate(values.date)) throw new UsageError('--date must be a date YYYY-MM-DD');
    const outDir = values.out ?? `out/day-${seed}`;
    const started = performance.now();
    try {
      const { report } = await runDay({
        seed,
        outDir,
        doctorId: values.doctor,
        date: values.date,
        ...(visits === undefined ? {} : { visits }),
        progress: (line) => {
          if (!values.quiet && !values.json) io.out(`${line}\n`);
        },
      });
      if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else io.out(`${summaryText(report, performance.now() - started)}Ecrit dans ${outDir}/ : report.html, report.json, lots/, terminal.db, host.db, teleservice.db\n`);
      return report.host.failures.length === 0 ? EXIT.ok : EXIT.invalid;
    } catch (error) {
      if (error instanceof RangeError) {
        io.err(`bifente day: ${error.message}\n`);
        return EXIT.invalid;
      }
      if (error instanceof UnexpectedScreen) {
        io.err(`bifente day: the terminal did not behave: ${error.message}\n`);
        return EXIT.invalid;
      }
      throw error;
    }
  },
};
