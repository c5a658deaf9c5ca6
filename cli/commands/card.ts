/**
 * `bifente card list | serve`: the emulated cards, and serving one to
 * real PC/SC software through pcscd + vpcd.
 * @module
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import {
  createNullCard,
  createVpcdClient,
  ensurePcscd,
  fileStorage,
  fileTraceSink,
  fromCard,
  loadDoctors,
  loadFaultPlan,
  loadPatients,
  loadPersona,
  loadProfileTiming,
  loadTimingFile,
  openCard,
  openCps,
  openVitale,
  PersonaError,
  VPCD_PORT_SLOT0,
  VPCD_PORT_SLOT1,
  withFaults,
  withTiming,
  withTrace,
  tearingSwitch,
  type Card,
  type StorageHooks,
  type FileTraceSink,
  type ProfileTiming,
  type TimedProfile,
  type VirtualCard,
} from '../../emulator/index.js';
import { describeError } from '../../protocol/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { toJson } from '../format.js';

const USAGE = [
  'Usage: bifente card list [--json]',
  '       bifente card serve (--persona <id> | --image <card.json> | --null) [options]',
  '',
  'serve plugs the card into a vpcd slot of pcscd (Debian: vsmartcard-vpcd):',
  'port 35963 is "Virtual PCD 00 00" (slot 0, the CPS), 35964 "Virtual PCD 00 01"',
  '(slot 1, the Vitale). The card stays in until SIGINT/SIGTERM; a card image file',
  'keeps its PIN counters and written data across restarts.',
  '',
  'Options of serve:',
  '  --persona <id>    a persona of "card list": a doctor\'s CPS3 (default port 35963)',
  '                    or a patient\'s carte Vitale 1 or 2 (default port 35964)',
  '  --image <file>    a card image (test-vectors/cards/schema/card-image.schema.json);',
  '                    it is copied into the state folder on first use, and the copy',
  '                    is the card from then on (the image file itself never changes)',
  '  --state <dir>     the state folder (default .bifente/cards)',
  '  --null            a card that answers 9000 to everything (for measurements)',
  '  --port <n>        vpcd port (default: 35964 for a Vitale persona, else 35963)',
  '  --host <addr>     vpcd host (default 127.0.0.1)',
  '  --pcscd           start (or reuse) pcscd with the TCP_NODELAY shim first',
  '  --seed <n>        seed of GET CHALLENGE and of the fault plan (default 1)',
  '  --faults <file>   a fault plan (test-vectors/faults/schema/fault-plan.schema.json)',
  '  --realistic       answer at the pace of the real card of the persona\'s profile',
  '                    (test-vectors/cards/timing/: CPS3, Vitale 1 or Vitale 2)',
  '  --timing <file>   answer at the pace of a ProfileTiming file instead',
  '  --trace <file>    append an APDU trace as JSON lines (PINs redacted)',
].join('\n');

async function list(json: boolean, io: Io): Promise<number> {
  const [doctors, patients] = await Promise.all([loadDoctors(), loadPatients()]);
  const rows = [
    ...doctors.map((d) => ({ id: d.id, profile: 'cps3', holder: `${d.firstName} ${d.lastName}`, description: d.description })),
    ...patients.map((p) => ({
      id: p.id,
      profile: p.card.generation,
      holder: `${p.beneficiaries[0]?.firstName ?? ''} ${p.beneficiaries[0]?.lastName ?? ''}`.trim(),
      description: p.description,
    })),
  ];
  if (json) {
    io.out(toJson(rows));
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  io.out(`${rows.map((r) => `${r.id.padEnd(width)}  ${r.profile.padEnd(8)}  ${r.holder}: ${r.description}`).join('\n')}\n`);
  io.out(`\n${doctors.length} CPS and ${patients.length} carte Vitale personas; also a generic ISO 7816-4 card (test-vectors/cards/generic.json) and a null card.\n`);
  return EXIT.ok;
}

function integer(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number`);
  return n;
}

/** The card to serve, its default vpcd port, and the profile whose timing `--realistic` uses. */
interface ServedCard {
  readonly card: Card;
  readonly port: number;
  readonly profile?: TimedProfile;
}

interface CardSource {
  readonly image?: string | undefined;
  readonly persona?: string | undefined;
  readonly null: boolean;
  readonly stateDir: string;
  readonly seed: number;
  readonly hooks: StorageHooks;
}

/**
 * Open the card to serve. An image is copied into the state folder on first
 * use and the copy is the card from then on (key files keep resolving next
 * to the original); a persona's card is built from its data the same way.
 */
async function openServedCard(source: CardSource): Promise<ServedCard | string> {
  const given = [source.image, source.persona].filter((v) => v !== undefined).length + (source.null ? 1 : 0);
  if (given !== 1) throw new UsageError('give exactly one of --persona, --image and --null');
  // The bi-fente convention: the CPS in slot 0, the Vitale in slot 1.
  if (source.null) return { card: createNullCard(), port: VPCD_PORT_SLOT0 };
  if (source.persona !== undefined) {
    const persona = await loadPersona(source.persona).catch((e: unknown) => (e instanceof PersonaError ? e.message : String(e)));
    if (typeof persona === 'string') return persona;
    const options = { stateDir: source.stateDir, seed: source.seed, storageHooks: source.hooks };
    return persona.kind === 'doctor'
      ? { card: await openCps(persona.id, options), port: VPCD_PORT_SLOT0, profile: 'cps3' }
      : { card: await openVitale(persona.id, options), port: VPCD_PORT_SLOT1, profile: persona.card.generation };
  }
  const image = source.image!;
  if (!existsSync(image)) return `cannot open ${image}: no such file`;
  const state = join(source.stateDir, basename(image));
  if (!existsSync(state)) {
    mkdirSync(source.stateDir, { recursive: true });
    copyFileSync(image, state);
  }
  const opened = openCard(fileStorage(state, { baseDir: dirname(resolve(image)), hooks: source.hooks }), { seed: source.seed });
  return opened.ok ? { card: opened.value, port: VPCD_PORT_SLOT0 } : `cannot open ${state}: ${describeError(opened.error)}`;
}

/** A timing file, or why it cannot be used. */
function readTiming(path: string): ProfileTiming | string {
  try {
    return loadTimingFile(path);
  } catch (error) {
    return `cannot use ${path} as a timing file: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function serve(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(args, {
    image: { type: 'string' },
    persona: { type: 'string' },
    state: { type: 'string', default: '.bifente/cards' },
    null: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
    pcscd: { type: 'boolean', default: false },
    seed: { type: 'string' },
    faults: { type: 'string' },
    timing: { type: 'string' },
    realistic: { type: 'boolean', default: false },
    trace: { type: 'string' },
  });
  const seed = integer(values.seed, '--seed', 1);
  if (values.realistic && values.timing !== undefined) throw new UsageError('give --realistic or --timing, not both');
  if (values.realistic && values.persona === undefined) throw new UsageError('--realistic needs --persona (the timing is the profile\'s); use --timing <file> for an image');
  const timing = values.timing === undefined ? undefined : readTiming(values.timing);
  if (typeof timing === 'string') {
    io.err(`bifente card: ${timing}\n`);
    return EXIT.invalid;
  }
  // A fault plan's tear "inside" cuts the card's next write through its storage.
  const tearing = tearingSwitch();
  const opened = await openServedCard({ image: values.image, persona: values.persona, null: values.null, stateDir: values.state, seed, hooks: tearing.hooks });
  if (typeof opened === 'string') {
    io.err(`bifente card: ${opened}\n`);
    return EXIT.invalid;
  }
  const { card } = opened;
  const port = integer(values.port, '--port', opened.port);
  let virtual: VirtualCard = fromCard(card);
  if (values.faults !== undefined) virtual = withFaults(virtual, await loadFaultPlan(values.faults), { seed, tearing });
  const pace = timing ?? (values.realistic && opened.profile !== undefined ? loadProfileTiming(opened.profile) : undefined);
  if (pace !== undefined) virtual = withTiming(virtual, pace);
  let trace: FileTraceSink | undefined;
  if (values.trace !== undefined) {
    trace = fileTraceSink(values.trace);
    virtual = withTrace(virtual, trace);
  }
  if (values.pcscd) io.err(`bifente card: ${(await ensurePcscd()).message}\n`);
  const client = createVpcdClient(virtual, { atr: card.atr(), port, ...(values.host === undefined ? {} : { host: values.host }) });
  client.onEvent((e) => {
    if (e.type === 'state') io.err(`bifente card: ${e.state} (vpcd ${values.host ?? '127.0.0.1'}:${port})\n`);
    else if (e.type === 'disconnected') io.err(`bifente card: link lost: ${e.error.message}\n`);
    else if (e.type === 'card-error') io.err('bifente card: the card failed internally; answered 6F00\n');
  });
  client.start();
  if (io.signal !== undefined && !io.signal.aborted) await once(io.signal, 'abort');
  await client.stop();
  await trace?.close();
  return EXIT.ok;
}

export const cardCommand: Command = {
  name: 'card',
  summary: 'list the emulated cards, or serve one to PC/SC software through pcscd + vpcd',
  usage: USAGE,
  async run(args: readonly string[], io: Io): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'list') {
      const { values } = parseCommandArgs(rest, {});
      return list(values.json, io);
    }
    if (sub === 'serve') return serve(rest, io);
    throw new UsageError(sub === undefined ? 'missing sub-command: list or serve' : `unknown sub-command "${sub}"`);
  },
};
