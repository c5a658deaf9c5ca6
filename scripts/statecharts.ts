/**
 * Generates the terminal's diagrams for the docs from the machines
 * themselves: `npx tsx scripts/statecharts.ts` writes one Mermaid
 * `stateDiagram-v2` per statechart, and the screen catalogue, into
 * `terminal/diagrams/` (see `diagramDocuments` in terminal/statecharts/mermaid.ts).
 * A test (terminal/machines/mermaid.test.ts) fails when the committed files
 * are not what this script writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagramDocuments } from '../terminal/index.js';

const folder = join(fileURLToPath(new URL('..', import.meta.url)), 'terminal', 'diagrams');
mkdirSync(folder, { recursive: true });
for (const [name, text] of Object.entries(diagramDocuments())) {
  writeFileSync(join(folder, name), text);
  console.log(`wrote terminal/diagrams/${name}`);
}
