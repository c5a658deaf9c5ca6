/**
 * `bifente terminal`: the portable reader's firmware in the console, for a
 * person to try it as a doctor would (issue 6 "Display and keypad"). The
 * 4 × 20 display is drawn in a box, keys come from the keyboard, hotkeys
 * insert and remove the persona cards (emulated, in-process readers), the
 * store lives in `--state`. On a TTY the session is interactive (real time,
 * `terminal-tty.ts`). Without a TTY, stdin is a script of keys (one per line)
 * run on a simulated clock, and each screen is printed: that is how most
 * tests drive it. The PIN never reaches the output: the display masks
 * it and typed digits are echoed as `*`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { createInProcessTransport, openTerminalStore } from '../../drivers/index.js';
import { loadDoctors, loadPatients, mulberry32 } from '../../emulator/index.js';
import { createFirmware, digitKey, parseTariffBook, type Firmware, type FirmwareClock, type KeyEvent } from '../../terminal/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { CardRack, READERS } from './terminal-rack.js';
import { runInteractive, type TerminalStdin, type TerminalWindow } from './terminal-tty.js';
import { boxed, statusFields, statusLine } from './terminal-view.js';

export type { TerminalStdin, TerminalWindow } from './terminal-tty.js';

const USAGE = [
  'Usage: bifente terminal [--doctor <id>] [--patients <id,...>] [--state <dir>] [--seed <n>]',
  '',
  'Runs the portable bi-fente reader\'s firmware in the console with emulated cards.',
  'Keys: digits, Backspace = correction, Esc = cancel, Enter = validate, arrows.',
  'Hotkeys: F1 or c insert/remove the doctor\'s CPS, F2 or v insert/remove the next',
  'patient\'s carte Vitale, q or Ctrl-C quit.',
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
  const print = async (label: string): Promise<void> => io.out(`> ${label}\n${boxed(firmware.display())}\n${statusLine(await statusFields(firmware))}\n`);
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

/** The `terminal` command reading keys from `stdin()` and drawing in `window()` (process.stdin and process.stdout when absent). */
export function createTerminalCommand(stdin: () => TerminalStdin = () => process.stdin, window: () => TerminalWindow = () => process.stdout): Command {
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
        else await runInteractive(firmware, rack, input, window(), io);
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
