// Model-based testing helpers (STYLE.md "Statecharts", level 3): paths from
// @xstate/graph over a machine's pure transition function, the transitions
// they cover, and a world of emulated cards in the in-process transport.
import { getShortestPaths, type StatePath } from '@xstate/graph';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMicrosteps, getNextTransitions, transition, waitFor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type AnyTransitionDefinition, type EventObject } from 'xstate';
import { createInProcessTransport, createReaderManager, type CardSession, type InProcessCard, type InProcessTransport, type ReaderManager } from '../../drivers/index.js';
import { fromCard, openCps, openVitale } from '../../emulator/index.js';
import { hex } from '../../protocol/index.js';

/** Sample events for one event type (delays, actor outcomes and keys need payloads); default: the bare type. */
export type EventSamples = (type: string) => readonly EventObject[];

/** Every transition of a machine (event and eventless), by walking its state nodes. */
export function allTransitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  const found: AnyTransitionDefinition[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const list of node.transitions.values()) found.push(...list);
    found.push(...(node.always ?? []));
    for (const child of Object.values(node.states)) visit(child as AnyStateNode);
  };
  visit(machine.root);
  return found;
}

/** Every state node id of a machine. */
export function allStateIds(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  const visit = (node: AnyStateNode): void => {
    ids.push(node.id);
    for (const child of Object.values(node.states)) visit(child as AnyStateNode);
  };
  visit(machine.root);
  return ids;
}

/** A readable name of a transition: `source --event--> targets`. */
export function transitionName(t: AnyTransitionDefinition): string {
  const targets = t.target?.map((n) => n.id).join(',') ?? '(self)';
  return `${t.source.id} --${t.eventType || 'always'}--> ${targets}${t.guard === undefined ? '' : ` [${typeof t.guard === 'string' ? t.guard : JSON.stringify((t.guard as { type?: unknown }).type ?? 'guard')}]`}`;
}

/** The events worth trying in `snapshot`: every event type a transition there listens to, expanded by `samples`. */
export function eventsOf(samples: EventSamples, wildcard: Record<string, readonly string[]> = {}) {
  return (snapshot: AnyMachineSnapshot): EventObject[] => {
    const types = new Set<string>();
    for (const t of getNextTransitions(snapshot)) {
      if (t.eventType === '') continue;
      for (const type of wildcard[t.eventType] ?? [t.eventType]) types.add(type);
    }
    return [...types].flatMap((type) => samples(type));
  };
}

/** The transitions one step takes (the event's, then eventless ones), from xstate's own microsteps. */
export function takenTransitions(machine: AnyStateMachine, before: AnyMachineSnapshot, event: EventObject): AnyTransitionDefinition[] {
  const taken = [...machine.getTransitionData(before as never, event as never)];
  const steps = getMicrosteps(machine, before as never, event as never);
  let previous = (steps[0]?.[0] ?? before) as AnyMachineSnapshot;
  for (const [next] of steps.slice(1)) {
    const active = new Set((next as AnyMachineSnapshot)._nodes);
    for (const node of previous._nodes) {
      const hit = node.always?.find((t) => (t.target ?? []).every((target) => active.has(target)));
      if (hit !== undefined) taken.push(hit);
    }
    previous = next as AnyMachineSnapshot;
  }
  return taken;
}

/** Paths and what they cover. */
export interface PathSet<TEvent extends EventObject> {
  readonly paths: StatePath<AnyMachineSnapshot, TEvent>[];
  readonly uncoveredTransitions: string[];
  readonly uncoveredStates: string[];
}

/**
 * Shortest paths to every reachable (state, context) of `machine`, extended
 * by one step wherever a transition is still untaken (a transition back to
 * a state already reached, such as a removal returning to `empty`), and the
 * transitions and states none of them reaches.
 */
export function shortestPathsOf<TEvent extends EventObject>(
  machine: AnyStateMachine,
  options: { input: unknown; events: (snapshot: AnyMachineSnapshot) => EventObject[]; serialize: (snapshot: AnyMachineSnapshot) => string },
): PathSet<TEvent> {
  const paths = getShortestPaths(machine, {
    input: options.input,
    events: options.events as never,
    serializeState: options.serialize as never,
    serializeEvent: (event: EventObject) => JSON.stringify(event, (_, v: unknown) => (v instanceof Uint8Array ? `hex:${Buffer.from(v).toString('hex')}` : v instanceof Error ? `${v.name}:${(v as { code?: string }).code ?? v.message}` : v)),
  }) as unknown as StatePath<AnyMachineSnapshot, TEvent>[];
  const covered = new Set<AnyTransitionDefinition>();
  const states = new Set<string>();
  const record = (before: AnyMachineSnapshot, event: EventObject): void => {
    for (const t of takenTransitions(machine, before, event)) covered.add(t);
    // Transient states (left by an eventless transition) show only in the microsteps.
    for (const [micro] of getMicrosteps(machine, before as never, event as never)) for (const node of (micro as AnyMachineSnapshot)._nodes) states.add(node.id);
  };
  for (const path of paths) {
    for (const node of path.steps[0]?.state._nodes ?? []) states.add(node.id);
    path.steps.forEach((step, i) => {
      const before = path.steps[i - 1]?.state;
      if (before !== undefined) record(before, step.event);
    });
  }
  const untaken = () => allTransitions(machine).filter((t) => !covered.has(t));
  for (const wanted of untaken()) {
    if (covered.has(wanted)) continue;
    const base = [...paths].sort((a, b) => a.steps.length - b.steps.length).find((p) => p.state._nodes.includes(wanted.source) && options.events(p.state).some((e) => takenTransitions(machine, p.state, e).includes(wanted)));
    if (base === undefined) continue;
    const event = options.events(base.state).find((e) => takenTransitions(machine, base.state, e).includes(wanted)) as TEvent;
    const [next] = transition(machine, base.state as never, event as never) as unknown as [AnyMachineSnapshot];
    record(base.state, event);
    paths.push({ ...base, state: next, steps: [...base.steps, { state: next, event }], weight: base.steps.length + 1 } as StatePath<AnyMachineSnapshot, TEvent>);
  }
  return {
    paths,
    uncoveredTransitions: untaken().map(transitionName),
    uncoveredStates: allStateIds(machine).filter((id) => !states.has(id)),
  };
}

/** Wait (bounded) until `actor`'s state value equals `value`. */
export async function reach(actor: AnyActorRef, value: unknown, what: string): Promise<void> {
  const wanted = JSON.stringify(value);
  await waitFor(actor, (s: AnyMachineSnapshot) => JSON.stringify(s.value) === wanted, { timeout: 2000 }).catch((error: unknown) => {
    throw new Error(`${what}: expected ${wanted}, still ${JSON.stringify((actor.getSnapshot() as AnyMachineSnapshot).value)}`, { cause: error });
  });
}

/** A fresh state folder for the emulator's persisted cards. */
export function cardStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'bifente-terminal-'));
}

/** The emulated CPS of a doctor persona, fresh. */
export async function cpsCard(doctorId: string, stateDir = cardStateDir()): Promise<InProcessCard> {
  return fromCard(await openCps(doctorId, { stateDir }));
}

/** The emulated carte Vitale of a patient persona, fresh. */
export async function vitaleCard(patientId: string, stateDir = cardStateDir()): Promise<InProcessCard> {
  return fromCard(await openVitale(patientId, { stateDir }));
}

/** What a scripted card does with a command instead of the real card: answer, hang until removed, or pass it on. */
export type Script = (command: Uint8Array) => Uint8Array | 'hang' | undefined;

/**
 * A real card with scripted exceptions, for what a real card cannot do on
 * demand (go mute, refuse a command, fail a reset). A hanging exchange
 * ends with an error named CardGoneError when the card is powered off
 * (the in-process contract).
 */
export function scripted(card: InProcessCard, script: Script, options: { readonly atr?: Uint8Array | 'hang'; readonly resetFails?: boolean } = {}): InProcessCard {
  const hanging = new Set<(error: Error) => void>();
  const gone = (): Error => Object.assign(new Error('card gone'), { name: 'CardGoneError' });
  const hang = <T>(): Promise<T> => new Promise<T>((_, reject) => hanging.add(reject));
  return {
    powerOn: () => (options.atr === 'hang' ? hang() : options.atr !== undefined ? Promise.resolve(options.atr) : card.powerOn()),
    reset: () => (options.resetFails === true ? Promise.reject(new Error('reset failed')) : card.reset()),
    powerOff: async () => {
      for (const reject of hanging) reject(gone());
      hanging.clear();
      await card.powerOff();
    },
    transmit: (command) => {
      const answer = script(command);
      if (answer === 'hang') return hang();
      return answer === undefined ? card.transmit(command) : Promise.resolve(answer);
    },
    onPresence: (listener) => card.onPresence(listener),
  };
}

/** True when `command` is a VERIFY carrying data (a PIN). */
export const isPinVerify = (command: Uint8Array): boolean => command[1] === 0x20 && command.length > 4;
/** True when `command` is the empty VERIFY (PIN status). */
export const isPinStatus = (command: Uint8Array): boolean => command[1] === 0x20 && command.length === 4;
/** True when `command` reads a situation file or EF.SN.ICC. */
export const isReadBinary = (command: Uint8Array): boolean => command[1] === 0xb0;

/** One in-process reader with a session layer over it. */
export interface CardWorld {
  readonly transport: InProcessTransport;
  readonly manager: ReaderManager;
  readonly reader: string;
  connect(card: InProcessCard): Promise<CardSession>;
  close(): Promise<void>;
}

/** A transport with one reader named `reader`, and a manager over it. */
export function cardWorld(reader = 'CPS'): CardWorld {
  const transport = createInProcessTransport();
  transport.addReader(reader);
  const manager = createReaderManager(transport, { timeoutMs: 2000 });
  return {
    transport,
    manager,
    reader,
    async connect(card) {
      await transport.insert(reader, card);
      return manager.reader(reader).connect();
    },
    close: () => manager.close(),
  };
}

/** The ASCII of a PIN, hex, as it would travel in a VERIFY. */
export function pinAscii(pin: string): string {
  return Buffer.from(pin, 'ascii').toString('hex').toUpperCase();
}

/** Bytes of a scripted answer. */
export const answer = (text: string): Uint8Array => hex(text);

/** A path step for a test title: the event type and its telling payload. */
export function describeEvent(e: EventObject): string {
  const { type, ...rest } = e as EventObject & Record<string, unknown>;
  const payload = rest['output'] ?? rest['sw'];
  const error = rest['error'] as { code?: string } | undefined;
  return type.replace('xstate.', '') + (typeof payload === 'number' ? ` ${payload.toString(16)}` : error?.code !== undefined ? ` ${error.code}` : '');
}

/** The delay a `xstate.after.<delay>.<state id>` event stands for, by name. */
export function delayOf(event: EventObject, delays: Readonly<Record<string, number>>): number {
  const name = event.type.split('.')[2] ?? '';
  const ms = delays[name];
  if (ms === undefined) throw new Error(`no delay named ${name}`);
  return ms;
}
