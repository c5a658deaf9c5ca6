// Level 3 of STYLE.md "Statecharts" for the lots machine: @xstate/graph
// shortest paths (extended by one step where a transition was still
// untaken), checked to cover every state and transition, then each path run
// against the emulator's CPS (dr-benali) in the in-process transport with a
// real store in a temporary folder, pre-filled with secured FSEs of one or two
// destinations (test-support.ts). Actor outcomes come from the real card and
// store: 6982 because the CPS PIN is not verified (and VERIFY on
// `cps.authenticated`), a removal because the CPS is pulled, a store error
// because the store was closed under the run. Scripts only hold an exchange
// until the card is pulled and answer 6A80 to a signature (a refusal a real
// CPS does not give on demand).
import test from 'ava';
import { createActor, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { DriverError, StoreError, type CardChannel, type LotSummary, type NewLot, type TerminalStore } from '../../drivers/index.js';
import { loadPersona, type Doctor } from '../../emulator/index.js';
import { hex, verifySignedLot } from '../../protocol/index.js';
import { CA_PEM, endOf, pathTitle, trackStates, uncoveredTogether } from '../capture/test-support.js';
import { CardOperationError, transmitVerify } from '../machines/index.js';
import { allStateIds, allTransitions, cardWorld, cpsCard, describeEvent, scripted, shortestPathsOf, type PathSet } from '../machines/test-support.js';
import type { LotGroup } from './lot-plan.js';
import { lotsMachine, type LotsContext, type LotsInput } from './lots.machine.js';
import { PARIS_CLOCK, putAll, securedFseRecord, tempStore } from './test-support.js';

const DOCTOR = (await loadPersona('dr-benali')) as Doctor;
const DEVICE = { agreementNumber: 'BFT-TLA-0001', portable: true };
const MAY_SIGN = { rights: { signFse: true, signLot: true } };
const MAY_NOT_SIGN = { rights: { signFse: true, signLot: false } };
/** The stored FSEs for a plan of `n` lots: two FSEs for 751, then one for 691. */
const FSES_FOR = [[], [securedFseRecord(1), securedFseRecord(2)], [securedFseRecord(1), securedFseRecord(2), securedFseRecord(3, { regime: '01', caisse: '691' })]];

// ---- the traversal ----

type Start = 'may-sign' | 'may-not-sign';
const noStore = {} as TerminalStore;
const noChannel = {} as CardChannel;
const traversalInput = (start: Start): LotsInput => ({ store: noStore, channel: noChannel, clock: PARIS_CLOCK, device: DEVICE, situation: start === 'may-sign' ? MAY_SIGN : MAY_NOT_SIGN });

const group = (destination: string): LotGroup => ({ destination, entries: [] });
const PLANS = [[], [group('751')], [group('691'), group('751')]];
const refused = (sw: number) => new CardOperationError({ kind: 'card-refused', sw, command: 'PSO COMPUTE DIGITAL SIGNATURE' });
const pulled = () => new DriverError('card-removed', 'CPS pulled');
const closed = () => new StoreError('closed', 'store closed');
const LOT: NewLot = { destination: '751', number: 1, fseIds: [1, 2], bytes: hex('00'), signature: hex('00') };
const SUMMARY: LotSummary = { id: 1, destination: '751', number: 1, createdAt: 0, state: 'signed', fseCount: 2 };

/** The outcomes worth trying for the actor a state invokes, and the events it listens to. */
function lotsEvents(s: AnyMachineSnapshot): EventObject[] {
  if (s.status === 'done') return [];
  const actor = (outcome: 'done' | 'error', state: string, payload: object) => ({ type: `xstate.${outcome}.actor.0.lots.${state}`, ...payload });
  const events: EventObject[] = [{ type: 'cps.authenticated' }, { type: 'key.cancel' }, { type: 'card.removed' }];
  switch (s.value) {
    case 'planning':
      return [...events, ...PLANS.map((groups) => actor('done', 'planning', { output: { groups, unbatchable: [] } })), actor('error', 'planning', { error: closed() })];
    case 'readingCertificate':
      return [...events, actor('done', 'readingCertificate', { output: hex('3082') }), actor('error', 'readingCertificate', { error: pulled() })];
    case 'signing':
      return [...events, actor('done', 'signing', { output: LOT }), ...[refused(0x6982), refused(0x6a80), pulled()].map((error) => actor('error', 'signing', { error }))];
    case 'committing':
      return [...events, actor('done', 'committing', { output: SUMMARY }), actor('error', 'committing', { error: closed() })];
    default:
      return events;
  }
}

/** A state worth a path: the state, lots pending and built, and how it failed. */
function serialize(s: AnyMachineSnapshot): string {
  const c = s.context as LotsContext;
  const failure = c.failure === undefined ? undefined : [c.failure.kind, 'sw' in c.failure ? c.failure.sw : undefined];
  return JSON.stringify([s.value, c.pending.length, c.built.length, failure]);
}

const sets: Record<Start, PathSet<EventObject>> = {
  'may-sign': shortestPathsOf(lotsMachine, { input: traversalInput('may-sign'), events: lotsEvents, serialize }),
  'may-not-sign': shortestPathsOf(lotsMachine, { input: traversalInput('may-not-sign'), events: lotsEvents, serialize }),
};
const lotsPaths = (Object.keys(sets) as Start[]).flatMap((start) => sets[start].paths.map((path) => ({ start, path })));

test('the lots paths cover every state and transition (both situations together)', (t) => {
  t.deepEqual(uncoveredTogether(lotsMachine, (Object.keys(sets) as Start[]).map((start) => ({ input: traversalInput(start), paths: sets[start] }))), { states: [], transitions: [] });
  const from = (start: Start) => lotsPaths.filter((p) => p.start === start).length;
  t.log(`lots machine: ${lotsPaths.length} paths (${from('may-sign')} with the lot right, ${from('may-not-sign')} without); ${allStateIds(lotsMachine).length} states, ${allTransitions(lotsMachine).length} transitions, all covered`);
});

// ---- running a path on the real CPS and store ----

type Signature = 'signs' | 'pin-required' | 'refused' | 'pulled';
/** What each signature the path asks of the CPS gives, in order (one PSO CDS each time `signing` is left). */
function signaturesOf(path: PathSet<EventObject>['paths'][number]): Signature[] {
  return path.steps.flatMap((step, n): Signature[] => {
    if (path.steps[n - 1]?.state.value !== 'signing') return [];
    const event = step.event as EventObject & { error?: { failure?: { sw: number } } };
    if (event.type.startsWith('xstate.done')) return ['signs'];
    if (event.type === 'card.removed' || event.error?.failure === undefined) return ['pulled'];
    return [event.error.failure.sw === 0x6982 ? 'pin-required' : 'refused'];
  });
}

const isPsoCds = (c: Uint8Array) => c[1] === 0x2a && c[2] === 0x9e;
const PIN = (() => {
  const pin = new Uint8Array(8).fill(0xff);
  [...DOCTOR.pin].forEach((c, i) => (pin[i] = c.charCodeAt(0)));
  return pin;
})();

for (const [i, { start, path }] of lotsPaths.entries()) {
  const events = path.steps.map((s) => s.event);
  const swOf = (e: EventObject) => (e as { error?: { failure?: { sw?: number } } }).error?.failure?.sw;
  const title = pathTitle(events.slice(1).map((e) => `${describeEvent(e).replace('actor.0.lots.', '')}${swOf(e) === undefined ? '' : ` ${swOf(e)?.toString(16)}`}`));
  test(`lots path ${i + 1} (${start}): ${title}`, async (t) => {
    const planned = events.find((e) => e.type === 'xstate.done.actor.0.lots.planning') as { output?: { groups: readonly LotGroup[] } } | undefined;
    const lots = planned?.output?.groups.length ?? 0;
    const store = await tempStore();
    await putAll(store, FSES_FOR[lots] ?? []);
    if (events.some((e) => e.type === 'xstate.error.actor.0.lots.planning')) await store.close();
    const signatures = signaturesOf(path);
    let signature = 0;
    // The store closed under the commit that the path says fails.
    const commits = events.filter((e) => e.type.endsWith('.committing')).map((e) => e.type.startsWith('xstate.error'));
    let commit = 0;
    // After a commit, a next signature that must ask the PIN again finds the CPS session lapsed: a warm reset, as the CPS session does.
    const recordLot = (target: TerminalStore) => async (lot: NewLot) => {
      if (commits[commit++] === true) await target.close();
      const summary = await target.createLot(lot);
      if (signatures[signature] === 'pin-required' && verified) {
        await session.reset('reset');
        verified = false;
      }
      return summary;
    };
    const closing = new Proxy(store, {
      get(target, name) {
        if (name === 'createLot') return recordLot(target);
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    let holding = false;
    const holdCertificate = path.steps.some((s, n) => s.event.type !== 'xstate.done.actor.0.lots.readingCertificate' && path.steps[n - 1]?.state.value === 'readingCertificate');
    const script = (c: Uint8Array) => {
      if (holding) return 'hang' as const;
      if (!isPsoCds(c)) return undefined;
      const outcome = signatures[signature++];
      // A signature the path does not answer (pulled, or the path ends while signing) hangs until the card goes.
      return outcome === 'pulled' || outcome === undefined ? ('hang' as const) : outcome === 'refused' ? hex('6A80') : undefined;
    };
    const world = cardWorld('CPS');
    const session = await world.connect(scripted(await cpsCard(DOCTOR.id), script));
    let verified = false;
    const verify = async () => {
      t.is(await transmitVerify(session, 1, PIN), 0x9000);
      verified = true;
    };
    if (signatures[0] !== 'pin-required') await verify();
    holding = holdCertificate;
    const actor = createActor(lotsMachine, { input: { ...traversalInput(start), store: closing, channel: session } });
    const trail = trackStates(actor);
    let pinNeeded = 0;
    actor.on('lots.pin-needed', () => pinNeeded++);
    actor.start();
    let reached = 0;
    for (const [n, step] of path.steps.entries()) {
      const event = step.event;
      if (event.type === 'card.removed') {
        actor.send({ type: 'card.removed' });
        await world.transport.remove(world.reader);
      } else if (event.type === 'cps.authenticated') {
        // What the CPS session's PIN entry does on the card, unless the path has the card ask again.
        if (signatures[signature] !== 'pin-required') await verify();
        actor.send({ type: 'cps.authenticated' });
      } else if (event.type === 'key.cancel') actor.send({ type: 'key.cancel' });
      else if (event.type.startsWith('xstate.error') && (event as unknown as { error: unknown }).error instanceof DriverError) await world.transport.remove(world.reader);
      await trail.reach(step.state.value, `step ${n} ${describeEvent(event)}`);
      reached++;
    }
    const expected = endOf(lotsMachine, traversalInput(start), path);
    const context = expected.context as LotsContext;
    if (expected.status === 'done') {
      const output = (await trail.settled()).output as { result: string; built: readonly LotSummary[]; failure?: { kind: string } };
      t.is(output.result, expected.value);
      t.is(output.built.length, context.built.length);
      t.is(output.failure?.kind, context.failure?.kind);
      t.is(pinNeeded, context.pinRequests, 'lots.pin-needed emitted at each PIN request');
      if (commits.includes(true) || events.some((e) => e.type === 'xstate.error.actor.0.lots.planning')) t.pass('the store is closed');
      else {
        t.deepEqual((await store.listLots()).map((l) => l.id), output.built.map((l) => l.id), 'the lots recorded are the lots built, no other');
        for (const summary of output.built) t.true(verifySignedLot((await store.getLot(summary.id)).bytes, { ca: CA_PEM }).ok, `lot ${summary.destination}/${summary.number} verifies`);
        const inLot = output.built.reduce((sum, l) => sum + l.fseCount, 0);
        t.is((await store.listFses({ state: 'in-lot' })).length, inLot);
        t.is((await store.listFses({ state: 'stored' })).length, (FSES_FOR[lots]?.length ?? 0) - inLot, 'the FSEs of lots not built stay stored');
        if (expected.value === 'done') t.is(output.built.length, lots);
      }
    } else actor.stop();
    t.is(reached, path.steps.length, 'the real actor went through every state of the path');
    await world.close();
    if (!commits.includes(true) && !events.some((e) => e.type === 'xstate.error.actor.0.lots.planning')) await store.close();
  });
}
