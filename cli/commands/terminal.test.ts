import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadPersona, type Doctor } from '../../emulator/index.js';
import { main } from '../main.js';
import type { RunResult } from '../test-support.js';
import { createTerminalCommand } from './terminal.js';

/** Run `bifente terminal ...args` with `script` as its (non-TTY) stdin. */
async function runTerminal(script: readonly string[], ...args: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const command = createTerminalCommand(() => Readable.from([`${script.join('\n')}\n`]));
  const code = await main(['terminal', ...args], [command], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const state = () => mkdtempSync(join(tmpdir(), 'bifente-cli-terminal-'));
/** The screens printed, each as its four trimmed lines joined by `|`, after its `> label`. */
const screens = (out: string) =>
  out
    .split('> ')
    .slice(1)
    .map((block) => {
      const lines = block.split('\n');
      return { label: lines[0]!, display: lines.slice(2, 6).map((l) => l.slice(1, -1).trim()).join('|'), status: lines[7] ?? '' };
    });

test('a script boots the terminal, inserts the CPS, types the PIN (masked) and chooses the situation', async (t) => {
  const { pin } = (await loadPersona('dr-benali')) as Doctor;
  const r = await runTerminal(['c', pin, 'enter', 'down', 'up', 'enter', 'q', 'never read'], '--doctor', 'dr-benali', '--state', state());
  t.is(r.code, 0, r.err);
  const shown = screens(r.out);
  t.deepEqual(shown.map((s) => s.label), ['allumage', 'CPS dr-benali inseree', '****', 'enter', 'down', 'up', 'enter']);
  t.is(shown[0]!.display, 'bifente|Inserer carte CPS|0 FSE - 0 lot(s)|Batterie 99%');
  t.is(shown[0]!.status, 'Batterie 99% | FSE stockees: 0 | CPS: vide | Vitale: vide');
  t.is(shown[1]!.display, 'Code porteur :|||Valider ou Corriger');
  t.regex(shown[1]!.status, /CPS: prete/);
  t.is(shown[2]!.display, 'Code porteur :|****||Valider ou Corriger');
  t.is(shown[3]!.display, 'Situation 1/2|CABINET DE PEDIATRIE|No 751000043|Valider ou choisir');
  t.is(shown[4]!.display.split('|')[3], 'Non facturable');
  t.regex(shown[6]!.display, /^CPS prete\|CABINET DE PEDIATRIE\|0 FSE - 0 lot\(s\)\|Batterie \d+%$/);
  t.false(r.out.includes(pin), 'the PIN never reaches the output');
  t.true(r.out.includes('+--------------------+'));
});

test('hotkeys insert the next patient\'s Vitale and remove cards; "wait" lets the notices pass', async (t) => {
  const r = await runTerminal(['v', 'v', 'wait 2', 'c', 'c'], '--patients', 'pt-specimen,pt-c2s', '--doctor', 'dr-garnier', '--state', state());
  t.is(r.code, 0, r.err);
  const shown = screens(r.out);
  t.deepEqual(shown.map((s) => s.label), ['allumage', 'Vitale pt-specimen inseree', 'Vitale pt-specimen retiree', 'attente 2 s', 'CPS dr-garnier inseree', 'CPS dr-garnier retiree']);
  t.regex(shown[1]!.status, /Vitale: prete/);
  t.is(shown[2]!.display, '|Carte retiree||');
  t.regex(shown[3]!.status, /Vitale: vide/);
  t.is(shown[5]!.display, '|Carte retiree||');
  t.regex(shown[4]!.display, /^Code porteur/);
});

test('the menu works from the keyboard: information screen, capture refused without a CPS', async (t) => {
  const r = await runTerminal(['enter', 'down', 'down', 'enter', 'esc', 'up', 'up', 'enter'], '--state', state());
  t.is(r.code, 0, r.err);
  const shown = screens(r.out).map((s) => s.display);
  t.is(shown[4], 'Version logiciel|0.6.0|bifente TLA BF000001|Agr. BF-TLA-0001');
  t.is(shown[8], 'Saisie impossible|Carte CPS non prete||Valider');
});

test('bad arguments and scripts: unknown persona (1), unknown key line (2)', async (t) => {
  const doctor = await runTerminal([], '--doctor', 'dr-nobody', '--state', state());
  t.is(doctor.code, 1);
  t.regex(doctor.err, /no doctor persona "dr-nobody"/);
  const patient = await runTerminal([], '--patients', 'pt-specimen,pt-nobody', '--state', state());
  t.is(patient.code, 1);
  t.regex(patient.err, /no patient persona "pt-nobody"/);
  const key = await runTerminal(['enter', 'jump'], '--state', state());
  t.is(key.code, 2);
  t.regex(key.err, /script line 2: unknown key "jump"/);
  const seed = await runTerminal([], '--seed', '-3', '--state', state());
  t.is(seed.code, 2);
});
