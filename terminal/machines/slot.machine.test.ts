// The slot machine at the three levels of STYLE.md "Statecharts"; level 3
// runs every shortest path with the emulator's CPS and Vitale in the
// in-process transport (scripted cards only to go mute or give a bad ATR).
import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { DriverError, type CardSession, type Reader } from '../../drivers/index.js';
import { CPS3_ATR, VITALE2_ATR } from '../../emulator/index.js';
import { hex } from '../../protocol/index.js';
import { renderView } from '../ui/index.js';
import { cardFailureOf } from './card-failure.js';
import { readCpsCard } from './cps-card.js';
import { slotMachine, slotView, type PoweredCard } from './slot.machine.js';
import { cardWorld, cpsCard, delayOf, describeEvent, eventsOf, isReadBinary, reach, scripted, shortestPathsOf, vitaleCard } from './test-support.js';

const noReader = { name: 'CPS', onEvent: () => () => undefined } as unknown as Reader;
const input = { reader: noReader, expects: 'cps' as const };
const powered = (atr: string) => ({ type: 'xstate.done.actor.power', output: { session: { atr: hex(atr) } as unknown as CardSession } }) as never;
const DELAYS = { cardSettle: 50, atrTimeout: 1500, removedNotice: 2000 };

// ---- level 1 ----

test('initial: empty, watching the reader; the display asks for the CPS', (t) => {
  const [s, actions] = initialTransition(slotMachine, input);
  t.is(s.value, 'empty');
  t.true(actions.some((a) => a.type === 'xstate.spawnChild' && (a.params as { id?: string }).id === 'presence'));
  t.is(renderView(slotView(s))[1], ' Inserer carte CPS  ');
});

test('inserted → (settle) powering → ATR of the expected card → ready; another card → unknownCard', (t) => {
  let [s] = initialTransition(slotMachine, input);
  [s] = transition(slotMachine, s, { type: 'card.inserted' });
  t.is(s.value, 'inserted');
  [s] = transition(slotMachine, s, { type: 'xstate.after.cardSettle.slot.inserted' } as never);
  t.is(s.value, 'powering');
  const [ready] = transition(slotMachine, s, powered(CPS3_ATR));
  t.deepEqual(ready.value, { ready: 'idle' });
  t.is(ready.context.atr, hex(CPS3_ATR).reduce((a, b) => a + b.toString(16).padStart(2, '0').toUpperCase(), ''));
  const [wrong] = transition(slotMachine, s, powered(VITALE2_ATR));
  t.is(wrong.value, 'unknownCard');
  t.deepEqual(renderView(slotView(wrong)).map((l) => l.trim()), ['Carte non reconnue', 'Inserer carte CPS', '', 'Retirer la carte']);
});

test('a card pulled during an operation is recorded as abandoned and shown', (t) => {
  let [s] = initialTransition(slotMachine, input);
  [s] = transition(slotMachine, s, { type: 'card.inserted' });
  [s] = transition(slotMachine, s, { type: 'xstate.after.cardSettle.slot.inserted' } as never);
  [s] = transition(slotMachine, s, powered(CPS3_ATR));
  [s] = transition(slotMachine, s, { type: 'operation.started', operation: 'signature' });
  t.deepEqual(s.value, { ready: 'busy' });
  const [removed] = transition(slotMachine, s, { type: 'card.removed' });
  t.is(removed.value, 'removed');
  t.is(removed.context.abandoned, 'signature');
  t.is(removed.context.session, undefined);
  t.deepEqual(renderView(slotView(removed)).map((l) => l.trim()), ['Carte retiree', 'Operation abandonnee', '', '']);
  const [calm] = transition(slotMachine, transition(slotMachine, s, { type: 'operation.ended' })[0], { type: 'card.removed' });
  t.is(calm.context.abandoned, undefined);
});

test('a power failure: card-removed goes to removed, anything else to mute with the reason', (t) => {
  let [s] = initialTransition(slotMachine, input);
  [s] = transition(slotMachine, s, { type: 'card.inserted' });
  [s] = transition(slotMachine, s, { type: 'xstate.after.cardSettle.slot.inserted' } as never);
  const fail = (code: 'card-removed' | 'protocol-error') => transition(slotMachine, s, { type: 'xstate.error.actor.power', error: new DriverError(code, code) } as never)[0];
  t.is(fail('card-removed').value, 'removed');
  t.is(fail('protocol-error').value, 'mute');
  t.deepEqual(fail('protocol-error').context.failure, { kind: 'transport', code: 'protocol-error' });
});

// ---- level 2 ----

test('no ATR within atrTimeout: mute; removal then the notice time bring it back to empty', async (t) => {
  const clock = new SimulatedClock();
  const machine = slotMachine.provide({ actors: { powerCard: fromPromise<PoweredCard, { readonly reader: Reader }>(() => new Promise<never>(() => undefined)) } });
  const actor = createActor(machine, { input, clock }).start();
  actor.send({ type: 'card.inserted' });
  clock.increment(50);
  t.is(actor.getSnapshot().value, 'powering');
  clock.increment(1499);
  t.is(actor.getSnapshot().value, 'powering');
  clock.increment(1);
  t.is(actor.getSnapshot().value, 'mute');
  t.deepEqual(actor.getSnapshot().context.failure, { kind: 'card-mute' });
  t.is(renderView(slotView(actor.getSnapshot()))[1].trim(), 'Carte muette');
  actor.send({ type: 'card.removed' });
  clock.increment(1999);
  t.is(actor.getSnapshot().value, 'removed');
  clock.increment(1);
  t.is(actor.getSnapshot().value, 'empty');
  t.is(actor.getSnapshot().context.failure, undefined);
});

test('scenario: the CPS pulled in the middle of reading its situations (emulated card, read held)', async (t) => {
  const world = cardWorld();
  let hold = false;
  const card = scripted(await cpsCard('dr-benali'), (command) => (hold && isReadBinary(command) ? 'hang' : undefined));
  const clock = new SimulatedClock();
  const actor = createActor(slotMachine, { input: { reader: world.manager.reader(world.reader), expects: 'cps' }, clock }).start();
  await world.transport.insert(world.reader, card);
  clock.increment(50);
  await reach(actor, { ready: 'idle' }, 'powered');
  const session = actor.getSnapshot().context.session;
  if (session === undefined) return t.fail('no session');
  hold = true;
  actor.send({ type: 'operation.started', operation: 'lecture CPS' });
  const reading = readCpsCard(session);
  await world.transport.remove(world.reader);
  const error = await reading.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.deepEqual(cardFailureOf(error), { kind: 'card-removed' }, 'the operation is abandoned with card-removed');
  t.is(actor.getSnapshot().value, 'removed');
  t.is(actor.getSnapshot().context.abandoned, 'lecture CPS');
  t.true(session.closed, 'the session ended with the card');
  await world.close();
});

// ---- level 3 ----

const samples = (type: string): EventObject[] => {
  if (type === 'xstate.done.actor.power') return [powered(CPS3_ATR), powered(VITALE2_ATR)];
  if (type === 'xstate.error.actor.power') return ['card-removed', 'card-unresponsive'].map((code) => ({ type, error: new DriverError(code as 'card-removed', code) }));
  if (type === 'operation.started') return [{ type, operation: 'lecture' } as EventObject];
  return [{ type }];
};
const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as { atr?: string; operation?: string; abandoned?: string; failure?: { kind: string } };
  return JSON.stringify([s.value, c.atr, c.operation, c.abandoned, c.failure?.kind]);
};
const slotPaths = shortestPathsOf(slotMachine, { input, events: eventsOf(samples), serialize });

test('the slot paths cover every state and transition', (t) => {
  t.deepEqual(slotPaths.uncoveredStates, []);
  t.deepEqual(slotPaths.uncoveredTransitions, []);
  t.log(`slot machine: ${slotPaths.paths.length} shortest paths`);
});

/** The card to insert at step `from`: chosen by what the path says the power-up gives. */
function cardFor(events: readonly EventObject[], from: number): 'cps' | 'vitale' | 'bad-atr' | 'no-atr' {
  for (const e of events.slice(from + 1)) {
    if (e.type === 'card.inserted') break;
    if (e.type === 'xstate.done.actor.power') return (e as unknown as { output: { session: { atr: Uint8Array } } }).output.session.atr[1] === 0x75 ? 'vitale' : 'cps';
    if (e.type === 'xstate.error.actor.power') return (e as unknown as { error: DriverError }).error.code === 'card-removed' ? 'no-atr' : 'bad-atr';
    if (e.type.startsWith('xstate.after.atrTimeout')) return 'no-atr';
  }
  return 'cps';
}

for (const [i, path] of slotPaths.paths.entries()) {
  const events = path.steps.map((s) => s.event);
  test(`slot path ${i + 1} on emulated cards: ${events.slice(1).map(describeEvent).join(' > ') || '(initial)'}`, async (t) => {
    const world = cardWorld();
    const clock = new SimulatedClock();
    const actor = createActor(slotMachine, { input: { reader: world.manager.reader(world.reader), expects: 'cps' }, clock }).start();
    const silent: Promise<string>[] = [];
    for (const [n, step] of path.steps.entries()) {
      const event = step.event;
      if (event.type === 'card.inserted') {
        const kind = cardFor(events, n);
        const real = kind === 'vitale' ? await vitaleCard('pt-ald-cancer') : await cpsCard('dr-garnier');
        const card = kind === 'bad-atr' ? scripted(real, () => undefined, { atr: hex('3B') }) : kind === 'no-atr' ? scripted(real, () => undefined, { atr: 'hang' }) : real;
        const inserting = world.transport.insert(world.reader, card);
        if (kind !== 'no-atr') await inserting;
        // A card that never gives its ATR fails its insertion once pulled (in-process contract).
        else silent.push(inserting.then(() => 'powered', (error: unknown) => (error instanceof DriverError ? error.code : 'other')));
        actor.send({ type: 'card.inserted' });
      } else if (event.type === 'card.removed' || (event.type === 'xstate.error.actor.power' && cardFor(events, n - 1) === 'no-atr')) {
        await world.transport.remove(world.reader);
      } else if (event.type.startsWith('xstate.after.')) clock.increment(delayOf(event, DELAYS));
      else if (event.type.startsWith('operation.')) actor.send(event as never);
      await reach(actor, step.state.value, `after ${event.type}`);
    }
    const last = actor.getSnapshot();
    t.is(last.matches('ready') || last.matches('unknownCard'), last.context.session !== undefined && !last.context.session.closed, 'a session is open exactly while a card is powered');
    await world.transport.remove(world.reader);
    for (const outcome of await Promise.all(silent)) t.is(outcome, 'card-unresponsive');
    await world.close();
  });
}
