// The CPS session machine at the three levels of STYLE.md "Statecharts";
// level 3 runs every path against the emulator's CPS cards, the PIN child
// driven by keys as a doctor would.
import test from 'ava';
import { createActor, initialTransition, SimulatedClock, transition, waitFor, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { DriverError, type CardSession } from '../../drivers/index.js';
import { loadPersona, type Doctor } from '../../emulator/index.js';
import { hex } from '../../protocol/index.js';
import { digitKey, renderView, type KeyEvent } from '../ui/index.js';
import { readCpsCard, type CpsCardData } from './cps-card.js';
import { cpsSessionMachine, cpsSessionView } from './cps-session.machine.js';
import { cardWorld, cpsCard, delayOf, describeEvent, eventsOf, isPinVerify, isReadBinary, reach, scripted, shortestPathsOf } from './test-support.js';

const noSession = {} as CardSession;
const input = { session: noSession };

async function cardData(doctorId: string): Promise<CpsCardData> {
  const world = cardWorld();
  const data = await readCpsCard(await world.connect(await cpsCard(doctorId)));
  await world.close();
  return data;
}
const oneSituation = await cardData('dr-garnier');
const twoSituations = await cardData('dr-benali');
const substitute = await cardData('dr-moreau');
const noSituation: CpsCardData = { serial: oneSituation.serial, situations: [] };
const read = (output: CpsCardData) => ({ type: 'xstate.done.actor.read', output }) as never;
const pinDone = (result: string) => ({ type: 'xstate.done.actor.pin', output: { result } }) as never;

// ---- level 1 ----

test('reading, then the PIN child; verified with one situation: authenticated at once', (t) => {
  let [s, actions] = initialTransition(cpsSessionMachine, input);
  t.is(s.value, 'reading');
  t.true(actions.some((a) => a.type === 'xstate.spawnChild' && (a.params as { id?: string }).id === 'read'));
  [s, actions] = transition(cpsSessionMachine, s, read(oneSituation));
  t.is(s.value, 'authenticating');
  t.true(actions.some((a) => a.type === 'xstate.spawnChild' && (a.params as { id?: string }).id === 'pin'));
  [s] = transition(cpsSessionMachine, s, pinDone('verified'));
  t.is(s.value, 'authenticated');
  t.is(s.context.situation?.billingNumber, oneSituation.situations[0]?.billingNumber);
});

test('two situations: the doctor moves and validates; a situation without the FSE right is refused', (t) => {
  let [s] = initialTransition(cpsSessionMachine, input);
  [s] = transition(cpsSessionMachine, s, read(twoSituations));
  [s] = transition(cpsSessionMachine, s, pinDone('verified'));
  t.is(s.value, 'choosingSituation');
  t.deepEqual(renderView(cpsSessionView(s)).map((l) => l.trim()), ['Situation 1/2', 'CABINET DE PEDIATRIE', 'No 751000043', 'Valider ou choisir']);
  [s] = transition(cpsSessionMachine, s, { type: 'key.down' });
  t.is(s.context.cursor, 1);
  t.is(renderView(cpsSessionView(s))[3].trim(), 'Non facturable');
  const [stay] = transition(cpsSessionMachine, s, { type: 'key.validate' });
  t.is(stay.value, 'choosingSituation');
  [s] = transition(cpsSessionMachine, s, { type: 'key.up' });
  [s] = transition(cpsSessionMachine, s, { type: 'key.validate' });
  t.is(s.value, 'authenticated');
  t.is(s.context.situation?.index, 0);
});

test('a substitute works on the replaced doctor\'s situation', (t) => {
  let [s] = initialTransition(cpsSessionMachine, input);
  [s] = transition(cpsSessionMachine, s, read(substitute));
  [s] = transition(cpsSessionMachine, s, pinDone('verified'));
  [s] = transition(cpsSessionMachine, s, { type: 'key.down' });
  t.is(renderView(cpsSessionView(s))[2].trim(), 'Rempl. dr-rousseau');
  [s] = transition(cpsSessionMachine, s, { type: 'key.validate' });
  t.deepEqual(s.context.situation?.replaces, { doctorId: 'dr-rousseau', situation: 0 });
  t.is(s.context.situation?.ikZone, 'mountain');
  t.is(renderView(cpsSessionView(s))[2].trim(), 'Rempl. dr-rousseau');
});

test('card removal ends the session from any state', (t) => {
  let [s] = initialTransition(cpsSessionMachine, input);
  [s] = transition(cpsSessionMachine, s, read(oneSituation));
  const [ended] = transition(cpsSessionMachine, s, { type: 'card.removed' });
  t.is(ended.value, 'ended');
  t.is(ended.context.end, 'card-removed');
  t.is(ended.status, 'done');
});

// ---- level 2 ----

test('the session lapses after its lifetime or when the device sleeps, resets the card and asks the PIN again', async (t) => {
  const world = cardWorld();
  const doctor = (await loadPersona('dr-garnier')) as Doctor;
  const session = await world.connect(await cpsCard(doctor.id));
  const clock = new SimulatedClock();
  const actor = createActor(cpsSessionMachine, { input: { session, sessionLifetimeMs: 3600_000 }, clock }).start();
  const authenticate = async () => {
    await reach(actor, 'authenticating', 'read');
    await waitFor(pinChild(actor), (s: AnyMachineSnapshot) => s.value === 'entering');
    for (const c of doctor.pin) actor.send(digitKey(Number(c)));
    actor.send({ type: 'key.validate' });
    await reach(actor, 'authenticated', 'PIN');
  };
  await authenticate();
  t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x9000);
  clock.increment(3599_999);
  t.is(actor.getSnapshot().value, 'authenticated');
  clock.increment(1);
  await reach(actor, 'locked', 'lifetime');
  t.is(actor.getSnapshot().context.lapse, 'expired');
  t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x63c3, 'the reset dropped the verified PIN');
  t.deepEqual(renderView(cpsSessionView(actor.getSnapshot())).map((l) => l.trim()), ['Session CPS expiree', '', 'Valider pour', 'saisir le code']);
  actor.send({ type: 'key.validate' });
  await authenticate();
  actor.send({ type: 'device.sleep' });
  await reach(actor, 'locked', 'sleep');
  t.is(actor.getSnapshot().context.lapse, 'sleep');
  await world.close();
});

function pinChild(actor: AnyActorRef): AnyActorRef {
  const child = (actor.getSnapshot() as AnyMachineSnapshot).children['pin'] as AnyActorRef | undefined;
  if (child === undefined) throw new Error('no PIN child');
  return child;
}

// ---- level 3 ----

const KEYS: KeyEvent[] = [digitKey(1), { type: 'key.correction' }, { type: 'key.up' }, { type: 'key.down' }, { type: 'key.validate' }, { type: 'key.cancel' }];
const samples = (type: string): EventObject[] => {
  if (type === 'xstate.done.actor.read') return [read(oneSituation), read(twoSituations), read(noSituation)];
  if (type === 'xstate.error.actor.read') return [{ type, error: new DriverError('card-removed', 'pulled') } as EventObject];
  if (type === 'xstate.done.actor.pin') return ['verified', 'blocked', 'cancelled', 'timed-out', 'failed'].map(pinDone);
  if (type === 'xstate.error.actor.drop') return [{ type, error: new DriverError('transport-error', 'reset failed') } as EventObject];
  const key = KEYS.find((k) => k.type === type);
  return [key ?? { type }];
};
const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as { card?: CpsCardData; cursor: number; end?: string; failure?: { kind: string } };
  return JSON.stringify([s.value, c.card?.situations.length, c.cursor, c.end, c.failure?.kind]);
};
const sessionPaths = shortestPathsOf(cpsSessionMachine, { input, events: eventsOf(samples, { 'key.*': KEYS.map((k) => k.type) }), serialize });

test('the CPS session paths cover every state and transition', (t) => {
  t.deepEqual(sessionPaths.uncoveredStates, []);
  t.deepEqual(sessionPaths.uncoveredTransitions, []);
  t.log(`CPS session machine: ${sessionPaths.paths.length} shortest paths`);
});

for (const [i, path] of sessionPaths.paths.entries()) {
  const events = path.steps.map((s) => s.event);
  const title = events
    .slice(1)
    .map((e) => (e.type === 'xstate.done.actor.pin' ? `pin ${(e as unknown as { output: { result: string } }).output.result}` : e.type === 'xstate.done.actor.read' ? `read ${(e as unknown as { output: CpsCardData }).output.situations.length} situations` : describeEvent(e)))
    .join(' > ');
  test(`CPS session path ${i + 1} on the emulated CPS: ${title || '(initial)'}`, async (t) => {
    const readEvent = events.find((e) => e.type.endsWith('actor.read')) as { type: string; output?: CpsCardData } | undefined;
    const count = readEvent?.output?.situations.length;
    const doctor = (await loadPersona(count === 2 ? 'dr-benali' : 'dr-garnier')) as Doctor;
    let refuseVerify = false;
    const readHangs = readEvent?.type === 'xstate.error.actor.read';
    const card = scripted(
      await cpsCard(doctor.id),
      (command) => {
        if (readHangs && isReadBinary(command)) return 'hang';
        if (count === 0 && isReadBinary(command) && command[2] === 0x00) return hex(`${'00'.repeat(192)} 9000`);
        if (refuseVerify && isPinVerify(command)) return hex('6581');
        return undefined;
      },
      { resetFails: events.some((e) => e.type === 'xstate.error.actor.drop') },
    );
    const world = cardWorld();
    const session = await world.connect(card);
    const clock = new SimulatedClock();
    const actor = createActor(cpsSessionMachine, { input: { session }, clock }).start();
    const wrongPin = [...doctor.pin].map((c) => (Number(c) + 1) % 10).join('');
    let triesLeft = 3;
    const typePin = (pin: string): void => {
      for (let n = 0; n < 8; n++) actor.send({ type: 'key.correction' });
      for (const c of pin) actor.send(digitKey(Number(c)));
      actor.send({ type: 'key.validate' });
    };
    for (const step of path.steps) {
      const event = step.event;
      if (event.type === 'xstate.done.actor.pin') {
        const result = (event as unknown as { output: { result: string } }).output.result;
        const child = pinChild(actor);
        await waitFor(child, (s: AnyMachineSnapshot) => s.value === 'entering');
        refuseVerify = result === 'failed';
        if (result === 'verified' || result === 'failed') typePin(doctor.pin);
        if (result === 'verified') triesLeft = 3;
        if (result === 'cancelled') actor.send({ type: 'key.cancel' });
        if (result === 'timed-out') clock.increment(30_000);
        if (result === 'blocked') {
          for (; triesLeft > 0; triesLeft--) {
            await waitFor(child, (s: AnyMachineSnapshot) => s.value === 'entering');
            typePin(wrongPin);
            await waitFor(child, (s: AnyMachineSnapshot) => s.value !== 'verifying');
          }
        }
      } else if (event.type === 'xstate.error.actor.read') await world.transport.remove(world.reader);
      else if (event.type === 'card.removed') {
        await world.transport.remove(world.reader);
        actor.send(event as never);
      } else if (event.type.startsWith('xstate.after.')) clock.increment(delayOf(event, { sessionLifetime: 4 * 3600_000 }));
      else if (event.type.startsWith('key.') || event.type === 'device.sleep' || event.type === 'situation.change') actor.send(event as never);
      await reach(actor, step.state.value, `after ${describeEvent(event)}`);
    }
    const last = actor.getSnapshot();
    if (last.matches('authenticated')) t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x9000, 'the CPS holds the PIN as verified');
    if (last.matches('blocked')) t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x6983, 'the CPS is blocked');
    if (last.matches('locked')) t.not((await session.transmit(hex('00 20 00 01'))).sw, 0x9000, 'a locked session holds no verified PIN');
    t.pass();
    await world.close();
  });
}
