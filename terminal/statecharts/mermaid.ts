/**
 * The statecharts as Mermaid `stateDiagram-v2` text, generated from each
 * machine's definition (`machine.root`: its state nodes, transitions,
 * guards, delays and invoked actors), never drawn by hand (issue 6 "Done
 * when"). `scripts/statecharts.ts` writes them to `terminal/diagrams/`.
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { cpsSessionMachine, deviceMachine, pinMachine, slotMachine } from '../machines/index.js';
import { renderView, screenCatalogue } from '../ui/index.js';
import { visitMachine } from '../capture/index.js';
import { firmwareMachine } from '../firmware/index.js';
import { lotsMachine } from '../lots/index.js';

/** The machines drawn for the docs, by diagram file name. */
export const STATECHARTS: Readonly<Record<string, AnyStateMachine>> = {
  slot: slotMachine,
  pin: pinMachine,
  'cps-session': cpsSessionMachine,
  device: deviceMachine,
  visit: visitMachine,
  lots: lotsMachine,
  firmware: firmwareMachine,
};

const idOf = (node: AnyStateNode): string => node.id.replace(/[^A-Za-z0-9]/g, '_');

/** The event of a transition as people read it: `after cardSettle`, `done power`, `error status`, `always`. */
function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after !== null) return `after ${after[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (actor !== null) return `${actor[1]} ${actor[2]}`;
  return eventType;
}

function guardLabel(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const args = typeof params === 'object' && params !== null ? `(${Object.values(params).map(String).join(', ')})` : '';
    return ` [${String(type)}${args}]`;
  }
  // xstate's and/or/not are functions named after themselves, holding their operands in `guards`.
  const parts = (guard as { guards?: readonly unknown[] }).guards;
  if (parts === undefined) return ' [guard]';
  const labels = parts.map((g) => guardLabel(g).slice(2, -1));
  const combinator = (guard as { name?: string }).name;
  return combinator === 'not' ? ` [not ${labels.join('')}]` : ` [${labels.join(combinator === 'or' ? ' or ' : ' and ')}]`;
}

function transitionLines(node: AnyStateNode, t: AnyTransitionDefinition, indent: string): string[] {
  const label = `${eventLabel(t.eventType)}${guardLabel(t.guard)}`;
  const targets = t.target ?? [];
  if (targets.length === 0) return [`${indent}${idOf(node)} --> ${idOf(node)} : ${label} (no exit)`];
  return targets.map((target) => `${indent}${idOf(node)} --> ${idOf(target as AnyStateNode)} : ${label}`);
}

function stateLabel(node: AnyStateNode): string {
  const invoked = node.invoke.map((i) => (typeof i.src === 'string' ? i.src : i.id));
  return invoked.length === 0 ? node.key : `${node.key} / ${invoked.join(', ')}`;
}

function nodeLines(node: AnyStateNode, indent: string): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  const lines: string[] = [];
  if (children.length > 0) {
    const initial = node.initial?.target[0] as AnyStateNode | undefined;
    if (initial !== undefined) lines.push(`${indent}[*] --> ${idOf(initial)}`);
    for (const child of children) {
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state "${stateLabel(child)}" as ${idOf(child)} {`, ...nodeLines(child, `${indent}  `), `${indent}}`);
      } else {
        lines.push(`${indent}state "${stateLabel(child)}" as ${idOf(child)}`);
        if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`);
      }
    }
  }
  for (const child of children) {
    for (const list of child.transitions.values()) for (const t of list) lines.push(...transitionLines(child, t, indent));
    for (const t of child.always ?? []) lines.push(...transitionLines(child, t, indent));
  }
  return lines;
}

/**
 * The Mermaid diagram of `machine` (a Markdown section with its title):
 * states with the actors they invoke, every transition labelled with its
 * event (or delay, or actor outcome) and guard; transitions of the root
 * (events handled in every state) are listed under the diagram.
 */
export function statechartMermaid(name: string, machine: AnyStateMachine): string {
  const root = machine.root;
  const rootTransitions = [...root.transitions.values()].flat();
  const rootInvokes = root.invoke.map((i) => (typeof i.src === 'string' ? i.src : i.id));
  const notes = [
    ...rootInvokes.map((src) => `- invoked for the machine's whole life: \`${src}\``),
    ...rootTransitions.map((t) => `- in every state: \`${eventLabel(t.eventType)}\`${guardLabel(t.guard)} → ${(t.target ?? []).map((n) => (n as AnyStateNode).key).join(', ') || '(actions only)'}`),
  ];
  return [
    `# ${name} (\`${machine.id}\`)`,
    '',
    'Generated by `scripts/statecharts.ts` from the machine definition; do not edit.',
    '',
    '```mermaid',
    'stateDiagram-v2',
    ...nodeLines(root, '  '),
    '```',
    ...(notes.length === 0 ? [] : ['', ...notes]),
    '',
  ].join('\n');
}

/**
 * Every generated document of `terminal/diagrams/`, by file name: one
 * diagram per machine of {@link STATECHARTS}, and `screens.md`, the screen
 * catalogue drawn by the display model.
 */
export function diagramDocuments(): Readonly<Record<string, string>> {
  const documents: Record<string, string> = {};
  for (const [name, machine] of Object.entries(STATECHARTS)) documents[`${name}.md`] = statechartMermaid(name, machine);
  documents['screens.md'] = screenCatalogue(renderView);
  return documents;
}
