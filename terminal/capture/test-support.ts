// Test world of the visit capture: an in-process transport with a CPS and a
// Vitale reader, the emulator's real persona cards, a real terminal store
// in a temporary folder, the tariffs and the test CA (STYLE.md "Tests").
import { readFileSync } from 'node:fs';
import { getInitialMicrosteps, initialTransition, transition, waitFor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessTransport, createReaderManager, expectStore, openTerminalStore, type CardSession, type InProcessTransport, type ReaderManager, type TerminalStore } from '../../drivers/index.js';
import { fromCard, loadDoctors, openCps, openVitale, type Doctor } from '../../emulator/index.js';
import { parseTariffBook, type TariffBook } from '../billing/index.js';
import { readCpsCard, transmitVerify, type CpsSituation } from '../machines/index.js';
import { transitionName, type PathSet } from '../machines/test-support.js';
import { readCpsSigner, type CpsSigner, type DeviceInfo, type ReplacedDoctors } from '../securing/index.js';

const ROOT = new URL('../../', import.meta.url);

/** The test CA, PEM. */
export const CA_PEM = readFileSync(new URL('test-vectors/pki/ca/ca.cert.pem', ROOT), 'utf8');

/** The tariff book of test-vectors/tariffs. */
export function tariffBook(): TariffBook {
  const parsed = parseTariffBook(JSON.parse(readFileSync(new URL('test-vectors/tariffs/tariffs.json', ROOT), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The device of the tests (agreement number and local fund: ours). */
export const DEVICE: DeviceInfo = { agreement: 'BFT-TLA-0001', localFund: { regime: '01', caisse: '751', centre: '1001' } };

/** The replacement registry built from the doctor personas. */
export function replacedDoctorsOf(doctors: readonly Doctor[]): ReplacedDoctors {
  return ({ doctorId, situation }) => {
    const doctor = doctors.find((d) => d.id === doctorId);
    const billingNumber = doctor?.situations[situation]?.billingNumber;
    return doctor === undefined || billingNumber === undefined ? undefined : { id: doctor.rpps, billingNumber };
  };
}

/** A fresh temporary folder. */
export const tempDir = (prefix = 'bifente-capture-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Two readers, the doctor's CPS with its PIN verified, a store; Vitales come and go. */
export interface VisitWorld {
  readonly transport: InProcessTransport;
  readonly manager: ReaderManager;
  readonly doctor: Doctor;
  readonly cps: CardSession;
  readonly signer: CpsSigner;
  readonly situations: readonly CpsSituation[];
  readonly store: TerminalStore;
  readonly replacedDoctors: ReplacedDoctors;
  readonly stateDir: string;
  /** Insert the patient's Vitale and connect to it. */
  insertVitale(patientId: string): Promise<CardSession>;
  /** Pull the Vitale. */
  removeVitale(): Promise<void>;
  close(): Promise<void>;
}

/** Reader names of the tests. */
export const READERS = { cps: 'CPS', vitale: 'Vitale' } as const;

/** Build a world: `verifyPin: false` leaves the CPS unauthenticated. */
export async function visitWorld(doctorId: string, options: { verifyPin?: boolean; capacity?: number } = {}): Promise<VisitWorld> {
  const stateDir = tempDir();
  const doctors = await loadDoctors();
  const doctor = doctors.find((d) => d.id === doctorId);
  if (doctor === undefined) throw new Error(`no doctor ${doctorId}`);
  const transport = createInProcessTransport();
  transport.addReader(READERS.cps);
  transport.addReader(READERS.vitale);
  const manager = createReaderManager(transport, { timeoutMs: 5000 });
  await transport.insert(READERS.cps, fromCard(await openCps(doctorId, { stateDir })));
  const cps = await manager.reader(READERS.cps).connect();
  if (options.verifyPin !== false) {
    const sw = await transmitVerify(cps, 1, new TextEncoder().encode(doctor.pin));
    if (sw !== 0x9000) throw new Error(`VERIFY answered ${sw.toString(16)}`);
  }
  const { situations } = await readCpsCard(cps);
  const signer = await readCpsSigner(cps);
  const store = expectStore(await openTerminalStore(join(stateDir, 'terminal.db'), { capacity: options.capacity ?? 1000 }));
  return {
    transport,
    manager,
    doctor,
    cps,
    signer,
    situations,
    store,
    replacedDoctors: replacedDoctorsOf(doctors),
    stateDir,
    async insertVitale(patientId) {
      await transport.insert(READERS.vitale, fromCard(await openVitale(patientId, { stateDir })));
      return manager.reader(READERS.vitale).connect();
    },
    removeVitale: () => transport.remove(READERS.vitale),
    async close() {
      await manager.close();
      await store.close();
    },
  };
}

/** The states an actor went through, so that a path's states are checked in order however fast its actors run. */
export interface StateTrail {
  /** Wait (bounded) until the actor has been in `value` at or after the state matched last. */
  reach(value: unknown, what: string): Promise<void>;
  /** Wait (bounded) for the actor's final snapshot. */
  settled(): Promise<AnyMachineSnapshot>;
}

/** Record every state value `actor` takes from now on (subscribe before `start()`). */
export function trackStates(actor: AnyActorRef): StateTrail {
  const seen: string[] = [];
  let at = 0;
  const note = (snapshot: AnyMachineSnapshot): void => {
    const value = JSON.stringify(snapshot.value);
    if (seen.at(-1) !== value) seen.push(value);
  };
  actor.subscribe({ next: note, error: () => undefined });
  return {
    async reach(value, what) {
      const wanted = JSON.stringify(value);
      const found = (snapshot: AnyMachineSnapshot): boolean => {
        note(snapshot);
        const k = seen.indexOf(wanted, at);
        if (k >= 0) at = k;
        return k >= 0;
      };
      await waitFor(actor, found, { timeout: 5000 }).catch((error: unknown) => {
        throw new Error(`${what}: expected ${wanted}, went through ${seen.slice(at).join(' > ')}`, { cause: error });
      });
    },
    settled: () => waitFor(actor, (s: AnyMachineSnapshot) => s.status === 'done', { timeout: 5000 }),
  };
}

/**
 * What paths from several inputs leave uncovered together: the states and
 * transitions every path set misses, less what each input's initial
 * microsteps take (a transient initial state and its eventless transitions,
 * which `shortestPathsOf` does not see).
 */
export function uncoveredTogether(machine: AnyStateMachine, starts: readonly { readonly input: unknown; readonly paths: PathSet<EventObject> }[]): { states: string[]; transitions: string[] } {
  const initialStates = new Set<string>();
  const initialTransitions = new Set<string>();
  for (const { input } of starts) {
    const steps = getInitialMicrosteps(machine, input as never).map(([s]) => s as AnyMachineSnapshot);
    steps.forEach((snapshot, k) => {
      for (const node of snapshot._nodes) initialStates.add(node.id);
      const next = steps[k + 1];
      if (next === undefined) return;
      for (const node of snapshot._nodes) {
        const taken = node.always?.find((t) => (t.target ?? []).every((target) => next._nodes.includes(target)));
        if (taken !== undefined) initialTransitions.add(transitionName(taken));
      }
    });
  }
  const together = (pick: (p: PathSet<EventObject>) => readonly string[]) => starts.map((s) => pick(s.paths)).reduce((a, b) => a.filter((x) => b.includes(x)));
  return {
    states: together((p) => p.uncoveredStates).filter((id) => !initialStates.has(id)),
    transitions: together((p) => p.uncoveredTransitions).filter((name) => !initialTransitions.has(name)),
  };
}

/** A path's steps for a test title, runs of one step counted: `key.validate > key.digit ×15 > key.validate`. */
export function pathTitle(steps: readonly string[]): string {
  const runs: [string, number][] = [];
  for (const step of steps) {
    const last = runs.at(-1);
    if (last?.[0] === step) last[1]++;
    else runs.push([step, 1]);
  }
  return runs.map(([step, n]) => (n === 1 ? step : `${step} ×${n}`)).join(' > ') || '(initial)';
}

/**
 * The snapshot a path ends in, replayed from `input` by the pure
 * transition function: a path's own `state` is the first snapshot found
 * for its serialization, which may differ in what the serialization leaves out.
 */
export function endOf(machine: AnyStateMachine, input: unknown, path: PathSet<EventObject>['paths'][number]): AnyMachineSnapshot {
  let [snapshot] = initialTransition(machine, input as never) as unknown as [AnyMachineSnapshot];
  for (const step of path.steps.slice(1)) [snapshot] = transition(machine, snapshot as never, step.event as never) as unknown as [AnyMachineSnapshot];
  return snapshot;
}
