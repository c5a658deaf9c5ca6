/**
 * `bifente rights <nir>`: a beneficiary's rights before a visit, through the
 * rights teleservice behind the host database's cache, with the answer's age
 * (host-sdk README "Rights lookup"; DOMAIN.md "Teleservices").
 * @module
 */
import { connectTeleservice, lookupRights, openHostDatabase, type HostDatabase, type RightsLookup } from '../../host-sdk/index.js';
import { parseNir, type RightsPeriod } from '../../protocol/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command, type Io } from '../command.js';
import { invalidLine, toJson } from '../format.js';
import { formatTable } from '../table.js';
import { EXIT_TABLE, HOST_EXIT, teleserviceFailure } from './host-exit.js';
import { openSigner, SIGNER_OPTIONS, SIGNER_USAGE, signerSpec, type OpenSigner } from './host-signer.js';

const USAGE = [
  'Usage: bifente rights <nir> --birth <YYYY-MM-DD> [--rank <1-9>] [--date <YYYY-MM-DD>] [--db <file>]',
  '                      --url <teleservice> (--reader <name> | --pkcs11 <module> [--slot <n> | --token-label <label>])',
  '                      [--pin-stdin] [--max-age <1h>] [--json]',
  '',
  'The rights of the beneficiary with this NIR (their own or the insured\'s), birth',
  'date and rank, as the carte Vitale gives them: patient, insured, régime / caisse /',
  'centre, base rights and their validity, C2S, ALD and other exonerations, médecin',
  'traitant; and how old the answer is: "en direct", "en cache depuis 12 min", or',
  '"hors ligne" when the teleservice cannot be reached and an older cached answer is',
  'shown. The CPS authenticates to the teleservice (its PIN is asked only then).',
  '',
  'Options:',
  '  --birth <date>       birth date as on the card (required)',
  '  --rank <n>           rang de naissance (default 1)',
  '  --date <date>        the rights on that day (default: the teleservice\'s today)',
  '  --db <file>          the host database holding the cache (default host.db; created if absent)',
  '  --max-age <age>      a cached answer younger than this is shown without asking:',
  '                       <n>s, <n>min, <n>h or <n>d (default 1h; 0: always ask)',
  SIGNER_USAGE,
  '  --json               JSON on stdout and nothing else: {source, ageMs, stale, answer}',
  '',
  EXIT_TABLE,
].join('\n');

const UNITS: Readonly<Record<string, number>> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--max-age`: `0`, or a whole number and a unit (`90s`, `15min`, `1h`, `2d`), in ms. */
export function parseMaxAge(text: string): number {
  const match = /^([0-9]{1,9})(s|min|h|d)?$/.exec(text);
  if (match === null || (match[2] === undefined && match[1] !== '0')) throw new UsageError(`--max-age must be 0 or a number with s, min, h or d, not "${text}"`);
  return Number(match[1]) * (match[2] === undefined ? 0 : UNITS[match[2]]!);
}

/** How old an answer is, for people: `12 s`, `12 min`, `3 h 05`, `2 j`. */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return `${Math.floor(s / 86_400)} j`;
}

/** Where the answer comes from, in the words the practice reads. */
export function freshness(lookup: RightsLookup): string {
  if (lookup.source === 'live') return 'en direct';
  if (lookup.stale) return `hors ligne: réponse en cache depuis ${ageText(lookup.ageMs)} (${lookup.error?.message ?? 'teleservice unreachable'})`;
  return `en cache depuis ${ageText(lookup.ageMs)}`;
}

const periodText = (p: RightsPeriod | undefined): string => (p === undefined ? '' : p.end === undefined ? `depuis le ${p.start}` : `du ${p.start} au ${p.end}`);

/** The answer as a two-column table for people. */
export function rightsText(lookup: RightsLookup): string {
  const a = lookup.answer;
  const p = a.patient;
  const i = a.insured;
  const exonerations = [a.exoneration.ald ? 'ALD' : '', a.exoneration.maternity ? 'maternité' : '', a.exoneration.invalidity ? 'invalidité' : ''].filter((x) => x !== '');
  const rows: [string, string][] = [
    ['réponse', freshness(lookup)],
    ['droits au', a.queryDate],
    ['patient', `${p.lastName}${p.usualName === undefined ? '' : ` (${p.usualName})`} ${p.firstName}, né(e) le ${p.birthDate}, rang ${p.birthRank}, qualité ${p.quality}`],
    ['NIR du patient', p.nir],
    ['assuré', `${i.lastName ?? '?'} ${i.firstName ?? ''}`.trim() + `, NIR ${i.nir}`],
    ['régime / caisse / centre', `${i.regime} / ${i.caisse} / ${i.centre} (code gestion ${i.codeGestion})`],
    ['droits de base (AMO)', `${a.baseRights.open ? 'ouverts' : 'FERMÉS'}${a.baseRights.current === undefined ? '' : ` ${periodText(a.baseRights.current)}`}`],
    ['périodes connues', a.baseRights.periods.map(periodText).join('; ') || '-'],
    ['C2S', a.c2s.covered ? `oui${a.c2s.participation ? ' (avec participation)' : ''} ${periodText(a.c2s.period)}`.trimEnd() : 'non'],
    ['exonération', exonerations.length === 0 ? 'non' : `${exonerations.join(', ')} ${periodText(a.exoneration.period)}`.trimEnd()],
    ['médecin traitant', a.medecinTraitant.declared ? `${a.medecinTraitant.lastName} ${a.medecinTraitant.firstName} (RPPS ${a.medecinTraitant.rpps})` : 'non déclaré'],
    ['carte', `${a.card.serialNumber} (${a.card.generation})`],
  ];
  return formatTable([{ header: 'droits' }, { header: 'valeur' }], rows);
}

async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...SIGNER_OPTIONS,
    birth: { type: 'string' },
    rank: { type: 'string', default: '1' },
    date: { type: 'string' },
    db: { type: 'string', default: 'host.db' },
    'max-age': { type: 'string', default: '1h' },
  });
  if (positionals.length === 0) throw new UsageError('missing NIR');
  const nirText = positionals.join(' ');
  const nir = parseNir(nirText);
  if (!nir.ok) {
    io.err(invalidLine('rights', nir.error));
    return HOST_EXIT.invalid;
  }
  const date = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  if (values.birth === undefined || !date.test(values.birth)) throw new UsageError('--birth <YYYY-MM-DD> is required');
  if (values.date !== undefined && !date.test(values.date)) throw new UsageError('--date is YYYY-MM-DD');
  if (!/^[1-9]$/.test(values.rank)) throw new UsageError('--rank is 1 to 9');
  const maxAgeMs = parseMaxAge(values['max-age']);
  const spec = signerSpec(values);
  let db: HostDatabase | undefined;
  let cps: OpenSigner | undefined;
  try {
    db = await openHostDatabase(values.db);
    cps = await openSigner(spec);
    const client = await connectTeleservice(spec.url, { signer: cps.signer, clock: { now: Date.now } });
    const request = { nir: nirText.replace(/[\s.-]/g, ''), birthDate: values.birth, birthRank: Number(values.rank), ...(values.date === undefined ? {} : { date: values.date }) };
    const lookup = await lookupRights(db, client, request, { maxAgeMs, ...(io.signal === undefined ? {} : { signal: io.signal }) });
    io.out(values.json ? toJson({ source: lookup.source, ageMs: lookup.ageMs, stale: lookup.stale, ...(lookup.error === undefined ? {} : { error: lookup.error.message }), answer: lookup.answer }) : rightsText(lookup));
    return HOST_EXIT.ok;
  } catch (error) {
    const failure = teleserviceFailure(error, spec.url);
    io.err(`bifente rights: ${failure.message}\n`);
    return failure.code;
  } finally {
    await cps?.close();
    db?.close();
  }
}

/** `bifente rights`: a beneficiary's rights, live or from the cache, with the answer's age. */
export const rightsCommand: Command = {
  name: 'rights',
  summary: 'a beneficiary\'s rights through the teleservice (CPS authentication), cached, with the answer\'s age',
  usage: USAGE,
  run,
};
