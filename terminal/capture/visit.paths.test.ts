// Level 3 of STYLE.md "Statecharts" for the visit capture: @xstate/graph
// shortest paths (extended by one step where a transition was still
// untaken), checked to cover every state and transition, then each path run
// against the emulator's real cards (dr-garnier's CPS, a Vitale 2 and a
// Vitale 1 persona) in the in-process transport, with a real store in a
// temporary folder and a SimulatedClock. Actor outcomes come from the real
// cards and store: a read fails because the Vitale is pulled, securing fails
// because the CPS PIN was never verified (6982), the commit fails because the
// store is full. Scripts only hold an exchange (a Vitale that never answers
// until pulled) and the commit (until the path says it returns).
import test from 'ava';
import { createActor, SimulatedClock, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { DriverError, StoreError, type CardChannel, type FseRecord, type InProcessCard, type TerminalStore } from '../../drivers/index.js';
import { fromCard, openVitale } from '../../emulator/index.js';
import { verifySecuredFse } from '../../protocol/index.js';
import { readVitaleCard, type VitaleCardData } from '../cards/index.js';
import { CardOperationError } from '../machines/index.js';
import { allStateIds, allTransitions, describeEvent, scripted, shortestPathsOf, type PathSet } from '../machines/test-support.js';
import type { KeyEvent } from '../ui/index.js';
import { securedFseRecord } from '../lots/test-support.js';
import { CA_PEM, DEVICE, endOf, pathTitle, READERS, tariffBook, trackStates, uncoveredTogether, visitWorld } from './test-support.js';
import { visitMachine, type VisitContext, type VisitInput } from './visit.machine.js';
import { priceChoice } from './visit-model.js';

const ACT_DATE = '2026-03-14';
const CLOCK = { now: () => Date.UTC(2026, 2, 14, 8, 41, 7), utcOffsetMinutes: () => 60 };
const BOOK = tariffBook();
const DOCTOR = 'dr-garnier';
/** A Vitale 2 with three beneficiaries (mode S) and a Vitale 1 (mode F). */
const PERSONAS = { vitale2: 'pt-children-on-parent', vitale1: 'pt-vitale1' } as const;
type Persona = keyof typeof PERSONAS;
/** What degraded mode D keys in, field by field (a valid NIR and birth date). */
const KEYED = { nir: '269054958815780', 'birth-date': '12051969', rank: '1' } as const;
/** The one-way km typed, digit by digit. */
const KM = '125';

// The cards' data, read once from the real cards, feed the pure traversal.
const probe = await visitWorld(DOCTOR);
const CARDS = {} as Record<Persona, VitaleCardData>;
for (const persona of Object.keys(PERSONAS) as Persona[]) {
  CARDS[persona] = await readVitaleCard(await probe.insertVitale(PERSONAS[persona]));
  await probe.removeVitale();
}
const SITUATION = probe.situations[0]!;
const SIGNER = probe.signer;
await probe.close();

const personaOf = (card: VitaleCardData | undefined): Persona | undefined => (Object.keys(CARDS) as Persona[]).find((p) => CARDS[p].serial === card?.serial);

// ---- the traversal ----

const noChannel = {} as CardChannel;
const noStore = { putFse: () => Promise.reject(new Error('pure traversal')) };
type Start = 'no-card' | 'card-in-slot' | 'refused';
function traversalInput(start: Start): VisitInput {
  return {
    actDate: ACT_DATE,
    invoiceNumber: 1,
    tariffs: BOOK,
    clock: CLOCK,
    cps: { channel: noChannel, signer: SIGNER, situation: SITUATION },
    device: DEVICE,
    store: noStore,
    ...(start === 'card-in-slot' ? { vitale: noChannel } : {}),
    ...(start === 'refused' ? { refusal: 'battery-low' as const } : {}),
  };
}

/** An event with its payload. */
type AnyEvent = EventObject & Record<string, unknown>;
const key = (type: Exclude<KeyEvent['type'], 'key.digit'>): AnyEvent => ({ type });
const KEYS = ['key.up', 'key.down', 'key.validate', 'key.correction', 'key.cancel'].map((type) => key(type as Exclude<KeyEvent['type'], 'key.digit'>));
const keyedField = (c: VisitContext) => (['nir', 'birth-date', 'rank'] as const).find((f) => c.keyed[f] === undefined) ?? 'rank';
/** The digit a doctor types next: the next one of a valid field or km, so that the paths can complete. */
function nextDigit(s: AnyMachineSnapshot): number {
  const c = s.context as VisitContext;
  const text = s.value === 'enteringKm' ? KM : KEYED[keyedField(c)];
  return Number(text[c.entry.length] ?? '9');
}
const SECURED_SAMPLE = { secured: { secured: { fse: { invoiceNumber: 1, securing: 'S', totals: { totalCents: 3000 } } } }, record: {} };

/** The events worth trying in a snapshot (actor outcomes in the states invoking them). */
function visitEvents(s: AnyMachineSnapshot): AnyEvent[] {
  // A final snapshot takes no more events (the pure transition() would still apply the root's card.removed).
  if (s.status === 'done') return [];
  const events: AnyEvent[] = [...KEYS, { type: 'key.digit', digit: nextDigit(s) }, { type: 'card.removed', card: 'vitale' }, { type: 'card.removed', card: 'cps' }];
  if (s.value === 'waitingVitale' || s.value === 'readFailed') events.push({ type: 'vitale.inserted', channel: noChannel });
  if (s.value === 'reading') {
    for (const persona of Object.keys(CARDS) as Persona[]) events.push({ type: 'xstate.done.actor.read', output: CARDS[persona] });
    events.push({ type: 'xstate.error.actor.read', error: new DriverError('card-removed', 'Vitale pulled') });
  }
  if (s.value === 'securing') {
    events.push({ type: 'xstate.done.actor.secure', output: SECURED_SAMPLE });
    events.push({ type: 'xstate.error.actor.secure', error: new CardOperationError({ kind: 'card-refused', sw: 0x6982, command: 'PSO COMPUTE DIGITAL SIGNATURE' }) });
  }
  if (s.value === 'storing') {
    events.push({ type: 'xstate.done.actor.store', output: { fses: 1, capacity: 1000 } });
    events.push({ type: 'xstate.error.actor.store', error: new StoreError('store-full', 'full') });
  }
  return events;
}

/** The patient so far: which card, or keyed (degraded mode). */
function sourceOf(c: VisitContext): string {
  if (c.patient?.kind === 'keyed') return 'keyed';
  return personaOf(c.card) ?? '';
}

/**
 * What makes a state worth a path: the state, the patient's source, the
 * cursor, the digits keyed so far, and whether what was chosen prices; of a
 * final state, how it ended (and the mode, once stored). The acts, km and
 * PDSA chosen are not in it (a toggle that keeps the choice priceable leads
 * nowhere new), nor the beneficiary chosen.
 */
function serialize(s: AnyMachineSnapshot): string {
  const c = s.context as VisitContext;
  const choosing = ['choosingActs', 'enteringKm', 'reviewing'].includes(s.value as string);
  const priceable = c.patient !== undefined && c.table !== undefined && priceChoice(c.table, c.patient, c.actDate, c.choice, SITUATION.ikZone).ok;
  if (s.status === 'done') return JSON.stringify([s.value, s.value === 'stored' ? sourceOf(c) : '', c.failure?.kind]);
  return JSON.stringify([s.value, sourceOf(c), s.value === 'choosingBeneficiary' || choosing ? c.cursor : '', Object.keys(c.keyed).length, c.entry.length, choosing ? priceable : '']);
}

function pathsFrom(start: Start): PathSet<EventObject> {
  return shortestPathsOf(visitMachine, { input: traversalInput(start), events: visitEvents, serialize });
}

const sets = { 'no-card': pathsFrom('no-card'), 'card-in-slot': pathsFrom('card-in-slot'), refused: pathsFrom('refused') };
const isFinal = (path: { state: AnyMachineSnapshot }) => path.state.status === 'done';
/** Every path with no card at first; with the card already in its slot or a refusal, the paths to a final state. */
const visitPaths = [
  ...sets['no-card'].paths.map((path) => ({ start: 'no-card' as const, path })),
  ...sets['card-in-slot'].paths.filter(isFinal).map((path) => ({ start: 'card-in-slot' as const, path })),
  ...sets.refused.paths.filter(isFinal).map((path) => ({ start: 'refused' as const, path })),
];

test('the visit paths cover every state and transition (three starts together)', (t) => {
  const uncovered = uncoveredTogether(visitMachine, (Object.keys(sets) as Start[]).map((start) => ({ input: traversalInput(start), paths: sets[start] })));
  t.deepEqual(uncovered, { states: [], transitions: [] });
  const ends = visitPaths.map(({ start, path }) => endOf(visitMachine, traversalInput(start), path)).filter((s) => s.status === 'done');
  const finals = new Set(ends.map((s) => `${String(s.value)}/${s.value === 'stored' ? sourceOf(s.context as VisitContext) : ''}`));
  for (const wanted of ['stored/vitale2', 'stored/vitale1', 'stored/keyed', 'cancelled/', 'failed/', 'refused/']) t.true(finals.has(wanted), `a path ends ${wanted}`);
  const from = (start: Start) => visitPaths.filter((p) => p.start === start).length;
  t.log(`visit machine: ${visitPaths.length} paths (${from('no-card')} no card at first, ${from('card-in-slot')} card in the slot, ${from('refused')} refused); ${allStateIds(visitMachine).length} states, ${allTransitions(visitMachine).length} transitions, all covered`);
});

// ---- running a path on the real cards ----

/** A commit that waits until the path says the store answers. */
function heldStore(store: TerminalStore): { store: Pick<TerminalStore, 'putFse'>; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { store: { putFse: async (record: FseRecord) => { await gate; return store.putFse(record); } }, release };
}

const isPsoCds = (c: Uint8Array) => c[1] === 0x2a && c[2] === 0x9e;

/** The Vitale inserted at step `from`: the persona the path reads next, or one that hangs until pulled (read failure, cancel or CPS pulled while reading). */
function vitaleFor(events: readonly EventObject[], from: number): { persona: Persona; hangRead: boolean } {
  for (const e of events.slice(from + 1)) {
    if (e.type === 'vitale.inserted') break;
    const persona = e.type === 'xstate.done.actor.read' ? personaOf((e as unknown as { output: VitaleCardData }).output) : undefined;
    if (persona !== undefined) return { persona, hangRead: false };
  }
  return { persona: 'vitale2', hangRead: true };
}

for (const [i, { start, path }] of visitPaths.entries()) {
  const events = path.steps.map((s) => s.event);
  const title = pathTitle(events.slice(1).map((e) => (e.type === 'xstate.done.actor.read' ? `read ${personaOf((e as unknown as { output: VitaleCardData }).output)}` : describeEvent(e))));
  test(`visit path ${i + 1} (${start}): ${title}`, async (t) => {
    const secureFails = events.some((e) => e.type === 'xstate.error.actor.secure');
    const storeFull = events.some((e) => e.type === 'xstate.error.actor.store');
    const world = await visitWorld(DOCTOR, { verifyPin: !secureFails, ...(storeFull ? { capacity: 1 } : {}) });
    if (storeFull) await world.store.putFse(securedFseRecord(900));
    const before = (await world.store.listFses()).length;
    const held = heldStore(world.store);
    const clock = new SimulatedClock();
    let vitaleIn = false;
    const insertVitale = async (from: number): Promise<CardChannel> => {
      if (vitaleIn) await world.transport.remove(READERS.vitale);
      const plan = vitaleFor(events, from);
      const real = fromCard(await openVitale(PERSONAS[plan.persona], { stateDir: world.stateDir }));
      const card: InProcessCard = plan.hangRead ? scripted(real, () => 'hang') : scripted(real, (c) => (pullDuringSigning && isPsoCds(c) ? 'hang' : undefined));
      await world.transport.insert(READERS.vitale, card);
      vitaleIn = true;
      return world.manager.reader(READERS.vitale).connect();
    };
    // A removal notice while securing: the Vitale is pulled in the middle of its signature.
    const pullDuringSigning = path.steps.some((s, n) => s.event.type === 'card.removed' && path.steps[n - 1]?.state.value === 'securing');
    const input: VisitInput = {
      ...traversalInput(start),
      cps: { channel: world.cps, signer: world.signer, situation: world.situations[0]! },
      store: held.store,
      replacedDoctors: world.replacedDoctors,
      ...(start === 'card-in-slot' ? { vitale: await insertVitale(0) } : {}),
    };
    const actor = createActor(visitMachine, { input, clock });
    const trail = trackStates(actor);
    actor.start();
    for (const [n, step] of path.steps.entries()) {
      const event = step.event;
      if (event.type === 'vitale.inserted') actor.send({ type: 'vitale.inserted', channel: await insertVitale(n) });
      else if (event.type === 'card.removed') {
        const card = (event as unknown as { card: 'cps' | 'vitale' }).card;
        actor.send({ type: 'card.removed', card });
        if (card === 'cps') await world.transport.remove(READERS.cps);
        else if (vitaleIn) await world.transport.remove(READERS.vitale);
        vitaleIn &&= card !== 'vitale';
      } else if (event.type === 'xstate.error.actor.read') {
        await world.transport.remove(READERS.vitale);
        vitaleIn = false;
      } else if (event.type.startsWith('xstate.done.actor.store') || event.type.startsWith('xstate.error.actor.store')) held.release();
      else if (event.type.startsWith('key.')) actor.send(event as KeyEvent);
      await trail.reach(step.state.value, `step ${n} ${describeEvent(event)}`);
    }
    const expected = endOf(visitMachine, traversalInput(start), path);
    if (expected.status !== 'done') {
      if (pullDuringSigning) {
        t.is(sourceOf(expected.context as VisitContext), 'vitale2', 'the card pulled while securing is a Vitale 2, which signs');
        t.like((await trail.settled()).output, { result: 'failed', failure: { kind: 'card-removed' } }, 'the Vitale pulled during its signature fails the capture');
      } else t.is(actor.getSnapshot().status, 'active', 'a path ending in a live state leaves the capture live (reads and commits held)');
      actor.stop();
    } else {
      const output = (await trail.settled()).output;
      t.is(output?.result, expected.value);
      const fses = await world.store.listFses();
      if (expected.value === 'stored') {
        const mode = { vitale2: 'S', vitale1: 'F', keyed: 'D' }[sourceOf(expected.context as VisitContext)];
        t.is(fses.length, before + 1);
        t.is(output?.stored?.securing, mode);
        const verdict = verifySecuredFse((await world.store.getFse(1)).bytes, { ca: CA_PEM, cpsCertificate: world.signer.certificate });
        t.true(verdict.ok, 'the stored FSE verifies against the test CA');
        t.deepEqual(verdict.verdicts.map((v) => v.signer), mode === 'S' ? ['vitale', 'cps'] : ['cps'], 'both signatures in mode S, the CPS one otherwise');
      } else {
        t.is(fses.length, before, 'nothing stored');
        t.deepEqual(output?.failure?.kind, (expected.context as VisitContext).failure?.kind);
      }
    }
    await world.close();
  });
}
