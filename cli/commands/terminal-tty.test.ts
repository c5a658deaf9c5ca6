import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPersona, type Doctor } from '../../emulator/index.js';
import { spawnInPty, type PtySession } from '../pty-test-support.js';
import { SCREEN } from './terminal-tty.js';

// `bifente terminal` under a real pseudo-terminal, driven like a person at a keyboard: the bytes a
// terminal sends for each key, the screen read back. Real time (the firmware's real clock), but no
// sleep: every step waits for what the screen must show, with a deadline.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEYS = { enter: '\r', backspace: '\x7f', esc: '\x1b', down: '\x1b[B', f1: '\x1bOP', f2: '\x1bOQ', ctrlC: '\x03' } as const;

/** `bifente terminal ...args` under an 80 × 24 pty, in a fresh state folder; both go at the test's end. */
function terminal(t: ExecutionContext, ...args: string[]): PtySession {
  const state = mkdtempSync(join(tmpdir(), 'bifente-cli-tty-'));
  const tty = spawnInPty(['node', '--import=tsx', 'cli/bin.ts', 'terminal', '--state', state, '--seed', '7', ...args], { cwd: ROOT, rows: 24, columns: 80 });
  t.teardown(async () => {
    tty.kill();
    await tty.exited.catch(() => undefined);
    rmSync(state, { recursive: true, force: true });
  });
  return tty;
}

/** The last whole frame on the screen (a frame ends with the key reminder, or is the too-narrow notice). */
function screen(output: string): string {
  const frames = output.split(SCREEN.frame).filter((f) => f.includes('q quitter') || f.includes('trop etroit'));
  return (frames.at(-1) ?? '').replaceAll('\r', '');
}

/** The display's four lines in the last frame, trimmed. */
function display(output: string): string[] {
  return screen(output)
    .split('\n')
    .slice(1, 5)
    .map((line) => line.slice(1, -1).trim());
}

/** Press `key` and wait for the screen to match `then`. */
async function press(tty: PtySession, key: string, then: RegExp): Promise<void> {
  tty.type(key);
  await tty.waitFor(then, screen);
}

test('a person at a real terminal: CPS hotkey, masked PIN with a correction, a visit with a Vitale, resize, q restores the tty', async (t) => {
  const { pin } = (await loadPersona('dr-benali')) as Doctor;
  const tty = terminal(t, '--doctor', 'dr-benali', '--patients', 'pt-specimen');
  await tty.waitFor(/Inserer carte CPS/, screen);
  t.true(tty.output().startsWith(SCREEN.enter), 'alternate screen, cursor hidden');

  await press(tty, KEYS.f1, /Code porteur/);
  t.regex(screen(tty.output()), /CPS dr-benali inseree/);
  await press(tty, `${pin}9`, /\|\s+\*{5}\s+\|/);
  await press(tty, KEYS.backspace, /\|\s+\*{4}\s+\|/);
  await press(tty, KEYS.enter, /Situation 1\/2/);
  await press(tty, KEYS.enter, /CPS prete/);

  await press(tty, KEYS.f2, /Vitale: prete/);
  await press(tty, KEYS.enter, />Nouvelle visite/);
  await press(tty, KEYS.esc, /CPS prete/); // Esc (a lone ESC byte) cancels back to the idle screen
  await press(tty, KEYS.enter, />Nouvelle visite/);
  await press(tty, KEYS.enter, /Beneficiaire 1\/1/);
  await press(tty, KEYS.enter, /\|\s+Actes\s+\|/);
  await press(tty, KEYS.enter, />\[x\]/);
  for (let step = 0; step < 30 && !display(tty.output()).includes('>Suite'); step++) {
    const before = display(tty.output()).join('|');
    tty.type(KEYS.down);
    await tty.waitFor(/./, (out) => (display(out).join('|') === before ? '' : 'moved'));
  }
  t.true(display(tty.output()).includes('>Suite'), display(tty.output()).join('|'));
  await press(tty, KEYS.enter, /Total \d+,\d{2} EUR/);
  await press(tty, KEYS.enter, /FSE enregistree/);
  t.deepEqual(display(tty.output()).slice(0, 3), ['FSE enregistree', 'No 1', 'Securisee Vitale']);
  await tty.waitFor(/FSE stockees: 1/, screen);

  tty.resize(24, 18);
  await tty.waitFor(/Terminal trop etroit/, screen);
  tty.resize(24, 40);
  await tty.waitFor(/\n\+-{20}\+\nBatterie \d+%\nFSE stockees: 1\nCPS: prete\nVitale: prete\n/, screen);

  tty.type('q');
  const exit = await tty.exited;
  t.deepEqual(exit, { code: 0, canonical: true, echo: true }, 'exit 0, raw mode off');
  t.true(tty.output().endsWith(SCREEN.leave), 'cursor shown, main screen back');
  t.false(tty.output().includes(pin), 'the PIN never reaches the screen');
});

test('a double hotkey press inserts then removes; Ctrl-C quits and restores the tty', async (t) => {
  const tty = terminal(t, '--doctor', 'dr-garnier');
  await tty.waitFor(/Inserer carte CPS/, screen);
  await press(tty, 'cc', /CPS dr-garnier retiree/);
  await press(tty, 'c', /Code porteur/); // the rack kept count: the third press inserts again
  tty.type(KEYS.ctrlC);
  t.deepEqual(await tty.exited, { code: 0, canonical: true, echo: true });
  t.false(tty.output().includes('already holds a card'));
});
