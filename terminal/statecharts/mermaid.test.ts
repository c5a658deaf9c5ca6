// The diagrams of the docs are generated from the machines: the committed
// files must be what scripts/statecharts.ts writes now.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTransitions } from '../machines/test-support.js';
import { diagramDocuments, STATECHARTS, statechartMermaid } from './mermaid.js';

const folder = join(fileURLToPath(new URL('../diagrams', import.meta.url)));

test('terminal/diagrams/ is up to date (run npx tsx scripts/statecharts.ts)', (t) => {
  const documents = diagramDocuments();
  t.deepEqual(readdirSync(folder).filter((f) => f.endsWith('.md')).sort(), Object.keys(documents).sort());
  for (const [name, text] of Object.entries(documents)) t.is(readFileSync(join(folder, name), 'utf8'), text, name);
});

test('each diagram draws every state and every transition of its machine', (t) => {
  for (const [name, machine] of Object.entries(STATECHARTS)) {
    const text = statechartMermaid(name, machine);
    const arrows = text.split('\n').filter((line) => / --> /.test(line) && !line.includes('[*]')).length;
    const rootTransitions = [...machine.root.transitions.values()].flat().length;
    const drawn = allTransitions(machine).reduce((n, tr) => n + (tr.source === machine.root ? 0 : Math.max(1, tr.target?.length ?? 0)), 0);
    t.is(arrows, drawn, `${name}: one arrow per transition target`);
    t.is(text.split('\n').filter((line) => line.startsWith('- in every state')).length, rootTransitions, name);
  }
  t.regex(statechartMermaid('slot', STATECHARTS['slot']!), /slot_powering --> slot_mute : after atrTimeout/);
  t.regex(statechartMermaid('pin', STATECHARTS['pin']!), /pin_verifying --> pin_entering : pin\.checked \[pinWrong\]/);
});
