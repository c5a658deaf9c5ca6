/**
 * `bifente terminal`: the portable reader's firmware in the console, for a
 * person to try it as a doctor would (issue 6 "Display and keypad"). The
 * 4 × 20 display is drawn in a box, keys come from the keyboard, hotkeys
 * insert and remove the persona cards (emulated, in-process readers), the
 * store lives in `--state`. Without a TTY, stdin is a script of keys (one
 * per line) run on a simulated clock, and each screen is printed: that is
 * how tests drive it. The PIN never reaches the output: the display masks
 * it and typed digits are echoed as `*`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitKeypressEvents, createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { createInProcessTransport, openTerminalStore, type InProcessTransport } from '../../drivers/index.js';
import { fromCard, loadDoctors, loadPatients, mulberry32, openCps, openVitale } from '../../emulator/index.js';
import { createFirmware, digitKey, keyFromConsole, parseTariffBook, type DisplayLines, type Firmware, type FirmwareClock, type KeyEvent } from '../../terminal/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';

const USAGE = [
  'Usage: bifente terminal [--doctor <id>] [--patients <id,...>] [--state <dir>] [--seed <n>]',
  '',
  'Runs the portable bi-fente reader\'s firmware in the console with emulated cards.',
  'Keys: digits, Backspace = correction, Esc = cancel, Enter = validate, arrows.',
  'Hotkeys: F1 or c insert/remove the doctor\'s CPS, F2 or v insert/remove the next',
  'patient\'s carte Vitale, q quit.',
  '',
  '  --doctor <id>       the CPS persona (default: the first doctor of "card list")',
  '  --patients <ids>    the Vitale personas, in visit order (default: every patient,',
  '                      shuffled by the seed)',
  '  --state <dir>       the terminal\'s store and the cards\' state (default .bifente/terminal)',
  '  --seed <n>          seed of the patient order and of the cards (default 1)',
  '',
  'Without a TTY, stdin is a script: one key or hotkey a line (0-9 or a run of digits,',
  'correction, cancel, validate, up, down, c, v, q, "wait <seconds>"; # comments),',
  'run on a simulated clock; each screen is printed after each line.',
].join('\n');

/** What the command reads keys from (process.stdin by default). */
export interface TerminalStdin extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const READERS = { cps: 'bifente CPS 00', vitale: 'bifente Vitale 01' } as const;
const DEVICE = { model: 'bifente TLA', serial: 'BF000001', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' };
/** The fund degraded-mode FSEs go to (the practice's local CPAM, OURS: the day's doctor's). */
const LOCAL_FUND = { regime: '01', caisse: '691', centre: '1001' };
const TARIFFS = fileURLToPath(new URL('../../test-vectors/tariffs/tariffs.json', import.meta.url));
/** Simulated time a script line takes (enough for the slots' 50 ms settle). */
const SCRIPT_STEP_MS = 100;

const SCRIPT_KEYS: Readonly<Record<string, KeyEvent>> = {
  correction: { type: 'key.correction' },
  backspace: { type: 'key.correction' },
  cancel: { type: 'key.cancel' },
  esc: { type: 'key.cancel' },
  escape: { type: 'key.cancel' },
  validate: { type: 'key.validate' },
  enter: { type: 'key.validate' },
  up: { type: 'key.up' },
  down: { type: 'key.down' },
};

const SLOT_STATUS: Readonly<Record<string, string>> = { empty: 'vide', ready: 'prete', mute: 'muette', unknownCard: 'inconnue', removed: 'retiree' };

/** The display in a box. */
export function boxed(lines: DisplayLines): string {
  const edge = `+${'-'.repeat(20)}+`;
  return [edge, ...lines.map((line) => `|${line}|`), edge].join('\n');
}

/** The emulated cards the hotkeys move in and out of the two readers. */
class CardRack {
  #patient = 0;
  #cps = false;
  #vitale: string | undefined;

  constructor(
    readonly transport: InProcessTransport,
    readonly doctor: string,
    readonly patients: readonly string[],
    readonly cardDir: string,
    readonly seed: number,
  ) {}

  async toggleCps(): Promise<string> {
    if (this.#cps) {
      await this.transport.remove(READERS.cps);
      this.#cps = false;
      return `CPS ${this.doctor} retiree`;
    }
    await this.transport.insert(READERS.cps, fromCard(await openCps(this.doctor, { stateDir: this.cardDir, seed: this.seed })));
    this.#cps = true;
    return `CPS ${this.doctor} inseree`;
  }

  async toggleVitale(): Promise<string> {
    if (this.#vitale !== undefined) {
      await this.transport.remove(READERS.vitale);
      const was = this.#vitale;
      this.#vitale = undefined;
      return `Vitale ${was} retiree`;
    }
    const patient = this.patients[this.#patient % this.patients.length]!;
    this.#patient += 1;
    await this.transport.insert(READERS.vitale, fromCard(await openVitale(patient, { stateDir: this.cardDir, seed: this.seed })));
    this.#vitale = patient;
    return `Vitale ${patient} inseree`;
  }
}

/** The status line: battery, FSEs stored, slots. */
async function statusLine(firmware: Firmware): Promise<string> {
  const state = firmware.state();
  const stored = firmware.store === undefined ? 'memoire en quarantaine' : `FSE stockees: ${(await firmware.store.usage()).count}`;
  const slot = (value: string): string => SLOT_STATUS[value.split('.')[0]!] ?? 'lecture';
  return `Batterie ${Math.floor(state.battery / 10)}% | ${stored} | CPS: ${slot(state.slots.cps)} | Vitale: ${slot(state.slots.vitale)}`;
}

/** Let in-process card and store work finish: promise turns until nothing changes (bounded, no timed wait). */
async function settle(firmware: Firmware): Promise<void> {
  let last = '';
  let quiet = 0;
  for (let turn = 0; turn < 2000 && quiet < 20; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = JSON.stringify([firmware.state(), firmware.display()]);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

/** What one script line does, or a usage error. */
type ScriptStep = { readonly kind: 'keys'; readonly keys: readonly KeyEvent[]; readonly label: string } | { readonly kind: 'cps' | 'vitale' | 'quit' } | { readonly kind: 'wait'; readonly ms: number };

function scriptStep(line: string, number: number): ScriptStep | undefined {
  const word = line.trim().toLowerCase();
  if (word === '' || word.startsWith('#')) return undefined;
  if (/^[0-9]+$/.test(word)) return { kind: 'keys', keys: [...word].map((d) => digitKey(Number(d))), label: '*'.repeat(word.length) };
  const key = SCRIPT_KEYS[word];
  if (key !== undefined) return { kind: 'keys', keys: [key], label: word };
  if (word === 'c' || word === 'f1') return { kind: 'cps' };
  if (word === 'v' || word === 'f2') return { kind: 'vitale' };
  if (word === 'q' || word === 'quit') return { kind: 'quit' };
  const wait = /^wait\s+([0-9]+(?:\.[0-9]+)?)$/.exec(word);
  if (wait !== null) return { kind: 'wait', ms: Math.round(Number(wait[1]) * 1000) };
  throw new UsageError(`script line ${number}: unknown key "${line.trim()}"`);
}

async function runScript(firmware: Firmware, rack: CardRack, clock: SimulatedClock, stdin: TerminalStdin, io: Io): Promise<void> {
  const print = async (label: string): Promise<void> => io.out(`> ${label}\n${boxed(firmware.display())}\n${await statusLine(firmware)}\n`);
  await settle(firmware);
  await print('allumage');
  let number = 0;
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) {
    number += 1;
    const step = scriptStep(line, number);
    if (step === undefined) continue;
    if (step.kind === 'quit') break;
    let label: string;
    if (step.kind === 'keys') {
      for (const key of step.keys) firmware.send(key);
      label = step.label;
    } else if (step.kind === 'wait') {
      clock.increment(step.ms);
      label = `attente ${step.ms / 1000} s`;
    } else {
      label = step.kind === 'cps' ? await rack.toggleCps() : await rack.toggleVitale();
    }
    await settle(firmware);
    clock.increment(SCRIPT_STEP_MS);
    await settle(firmware);
    await print(label);
  }
}

async function runInteractive(firmware: Firmware, rack: CardRack, stdin: TerminalStdin, io: Io): Promise<void> {
  let notice = '';
  const draw = async (): Promise<void> => {
    io.out(`\x1b[2J\x1b[H${boxed(firmware.display())}\n${await statusLine(firmware)}\n${notice}\n\nF1/c CPS  F2/v Vitale  q quitter\n`);
  };
  const stopDrawing = firmware.onDisplay(() => void draw());
  emitKeypressEvents(stdin);
  stdin.setRawMode?.(true);
  stdin.resume();
  await draw();
  await new Promise<void>((resolve) => {
    const quit = (): void => {
      stdin.off('keypress', onKey);
      io.signal?.removeEventListener('abort', quit);
      resolve();
    };
    const onKey = (typed: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => {
      const name = key?.name ?? typed ?? '';
      if (name === 'q' || (key?.ctrl === true && name === 'c')) return quit();
      if (name === 'c' || name === 'f1' || name === 'v' || name === 'f2') {
        void (name === 'c' || name === 'f1' ? rack.toggleCps() : rack.toggleVitale()).then((done) => {
          notice = done;
          return draw();
        });
        return;
      }
      const event = keyFromConsole(name);
      if (event !== undefined) firmware.send(event);
    };
    stdin.on('keypress', onKey);
    io.signal?.addEventListener('abort', quit);
  });
  stopDrawing();
  stdin.setRawMode?.(false);
  stdin.pause();
}

function seedOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError('--seed must be a whole number');
  return n;
}

/** Every patient id in an order drawn from `seed` (Fisher-Yates over mulberry32). */
function shuffled(ids: readonly string[], seed: number): string[] {
  const out = [...ids];
  const prng = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The `terminal` command reading keys from `stdin()` (process.stdin when absent). */
export function createTerminalCommand(stdin: () => TerminalStdin = () => process.stdin): Command {
  return {
    name: 'terminal',
    summary: 'run the portable reader\'s firmware in the console with emulated cards',
    usage: USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, {
        doctor: { type: 'string' },
        patients: { type: 'string' },
        state: { type: 'string', default: '.bifente/terminal' },
        seed: { type: 'string' },
      });
      const seed = seedOf(values.seed);
      const [doctors, patients] = await Promise.all([loadDoctors(), loadPatients()]);
      const doctor = values.doctor ?? doctors[0]?.id;
      if (doctor === undefined || !doctors.some((d) => d.id === doctor)) {
        io.err(`bifente terminal: no doctor persona "${doctor ?? ''}" (see "bifente card list")\n`);
        return EXIT.invalid;
      }
      const visits = values.patients === undefined ? shuffled(patients.map((p) => p.id), seed) : values.patients.split(',').map((id) => id.trim());
      const unknown = visits.filter((id) => !patients.some((p) => p.id === id));
      if (visits.length === 0 || unknown.length > 0) {
        io.err(`bifente terminal: no patient persona "${unknown.join('", "')}" (see "bifente card list")\n`);
        return EXIT.invalid;
      }
      const tariffs = parseTariffBook(JSON.parse(readFileSync(TARIFFS, 'utf8')));
      if (!tariffs.ok) throw new Error(`${TARIFFS}: ${tariffs.error.message}`);
      const input = stdin();
      const scripted = input.isTTY !== true;
      const simulated = new SimulatedClock();
      simulated.set(Date.now());
      const clock: FirmwareClock = scripted ? simulated : { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout), now: () => Date.now() };
      const booted = await openTerminalStore(join(values.state, 'terminal.db'), { capacity: 500, clock });
      const transport = createInProcessTransport();
      transport.addReader(READERS.cps);
      transport.addReader(READERS.vitale);
      const firmware = createFirmware({ transport, readers: READERS, store: booted, clock, tariffs: tariffs.value, device: DEVICE, localFund: LOCAL_FUND });
      const rack = new CardRack(transport, doctor, visits, join(values.state, 'cards'), seed);
      try {
        if (scripted) await runScript(firmware, rack, simulated, input, io);
        else await runInteractive(firmware, rack, input, io);
      } finally {
        await firmware.stop();
        await firmware.store?.close();
      }
      return EXIT.ok;
    },
  };
}

/** `bifente terminal` on the process's stdin. */
export const terminalCommand: Command = createTerminalCommand();
