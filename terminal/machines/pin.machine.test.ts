// The PIN machine at the three levels of STYLE.md "Statecharts": pure
// transitions, actors with fakes on a SimulatedClock, and @xstate/graph
// shortest paths each run against the emulator's CPS.
import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { DriverError, type CardChannel } from '../../drivers/index.js';
import { loadPersona, type Doctor } from '../../emulator/index.js';
import { hex, toHex } from '../../protocol/index.js';
import { digitKey, loggableEvent, renderView } from '../ui/index.js';
import { createPinPad, type VerifyPin } from './pin-pad.js';
import { pinMachine, pinView } from './pin.machine.js';
import { cardWorld, cpsCard, describeEvent, eventsOf, isPinStatus, isPinVerify, reach, scripted, shortestPathsOf } from './test-support.js';

const doctor = (await loadPersona('dr-benali')) as Doctor;
const noChannel = {} as CardChannel;
const digit = (d: number) => digitKey(d);

// ---- level 1: the pure transition function ----

test('initial: reading the PIN status, with the buffer and the status actors started', (t) => {
  const [snapshot, actions] = initialTransition(pinMachine, { channel: noChannel });
  t.is(snapshot.value, 'readingStatus');
  t.deepEqual(
    actions.map((a) => [a.type, (a.params as { id?: string } | undefined)?.id]),
    [
      ['xstate.spawnChild', 'pad'],
      ['xstate.spawnChild', 'status'],
    ],
  );
});

test('digits are counted, never stored; correction erases; validate needs the minimum length', (t) => {
  let [s] = initialTransition(pinMachine, { channel: noChannel });
  [s] = transition(pinMachine, s, { type: 'xstate.done.actor.status', output: 0x63c3 } as never);
  t.is(s.value, 'entering');
  t.is(s.context.triesLeft, 3);
  let actions;
  for (const d of [2, 5, 8]) [s, actions] = transition(pinMachine, s, digit(d));
  t.is(s.context.length, 3);
  t.true(actions?.some((a) => a.type === 'xstate.sendTo'), 'the digit goes to the buffer');
  t.false(JSON.stringify(s.context).includes('258'));
  [s] = transition(pinMachine, s, { type: 'key.validate' });
  t.is(s.value, 'entering', 'three digits are not a PIN');
  [s] = transition(pinMachine, s, { type: 'key.correction' });
  t.is(s.context.length, 2);
  [s] = transition(pinMachine, s, digit(8));
  [s] = transition(pinMachine, s, digit(0));
  [s, actions] = transition(pinMachine, s, { type: 'key.validate' });
  t.is(s.value, 'verifying');
  t.is(s.context.length, 0);
  t.deepEqual(renderView(pinView(s)), renderView({ kind: 'pin-checking' }));
});

test('wrong PIN shows the tries left; 6983 blocks; other status words fail as card-refused', (t) => {
  const [start] = initialTransition(pinMachine, { channel: noChannel });
  const [entering] = transition(pinMachine, start, { type: 'xstate.done.actor.status', output: 0x63c3 } as never);
  let s = entering;
  for (const d of [1, 1, 1, 1]) [s] = transition(pinMachine, s, digit(d));
  const [verifying] = transition(pinMachine, s, { type: 'key.validate' });
  const [wrong] = transition(pinMachine, verifying, { type: 'pin.checked', sw: 0x63c2 });
  t.is(wrong.value, 'entering');
  t.is(renderView(pinView(wrong))[2], 'Code faux - 2 essais');
  const [typed] = transition(pinMachine, wrong, digit(3));
  t.is(renderView(pinView(typed))[1], '         *          ');
  t.is(renderView(pinView(typed))[2].trim(), '', 'the warning goes once typing starts again');
  const [blocked] = transition(pinMachine, verifying, { type: 'pin.checked', sw: 0x6983 });
  t.is(blocked.value, 'blocked');
  t.is(blocked.status, 'done');
  t.deepEqual(blocked.output, { result: 'blocked', failure: undefined });
  t.is(renderView(pinView(blocked))[1], '   Carte bloquee    ');
  const [refused] = transition(pinMachine, verifying, { type: 'pin.checked', sw: 0x6581 });
  t.deepEqual(refused.output, { result: 'failed', failure: { kind: 'card-refused', sw: 0x6581, command: 'VERIFY' } });
});

test('a PIN already verified (status 9000) needs no entry; a blocked one ends at once', (t) => {
  const [start] = initialTransition(pinMachine, { channel: noChannel });
  t.is(transition(pinMachine, start, { type: 'xstate.done.actor.status', output: 0x9000 } as never)[0].value, 'verified');
  t.is(transition(pinMachine, start, { type: 'xstate.done.actor.status', output: 0x6983 } as never)[0].value, 'blocked');
});

// ---- level 2: actors with fakes and a SimulatedClock ----

function fakePin(verify: VerifyPin, status = 0x63c3) {
  return pinMachine.provide({ actors: { pinPad: createPinPad(verify), readPinStatus: fromPromise(async () => status) } });
}

test('the buffer sends ASCII digits padded with FF, then zeroes its copy', async (t) => {
  const seen: Uint8Array[] = [];
  const machine = fakePin(async (_, reference, pin) => {
    t.is(reference, 1);
    seen.push(pin);
    t.is(toHex(pin), '32353830FFFFFFFF');
    return 0x9000;
  });
  const actor = createActor(machine, { input: { channel: noChannel }, clock: new SimulatedClock() }).start();
  await reach(actor, 'entering', 'status');
  for (const d of [2, 5, 8, 0]) actor.send(digit(d));
  actor.send({ type: 'key.validate' });
  await reach(actor, 'verified', 'verify');
  t.deepEqual(actor.getSnapshot().output, { result: 'verified', failure: undefined });
  await Promise.resolve();
  t.is(toHex(seen[0] ?? new Uint8Array([1])), '0000000000000000', 'the VERIFY data was wiped after the exchange');
});

test('30 s without a key ends the entry; each key restarts the time limit', async (t) => {
  const clock = new SimulatedClock();
  const actor = createActor(fakePin(async () => 0x9000), { input: { channel: noChannel }, clock }).start();
  await reach(actor, 'entering', 'status');
  clock.increment(29_999);
  actor.send(digit(1));
  clock.increment(29_999);
  t.is(actor.getSnapshot().value, 'entering');
  clock.increment(1);
  t.is(actor.getSnapshot().value, 'timedOut');
  t.is(actor.getSnapshot().output?.result, 'timed-out');
});

test('a card pulled during VERIFY ends the entry as failed/card-removed', async (t) => {
  const actor = createActor(
    fakePin(() => Promise.reject(new DriverError('card-removed', 'pulled'))),
    { input: { channel: noChannel }, clock: new SimulatedClock() },
  ).start();
  await reach(actor, 'entering', 'status');
  for (const d of [1, 2, 3, 4]) actor.send(digit(d));
  actor.send({ type: 'key.validate' });
  await reach(actor, 'failed', 'verify');
  t.deepEqual(actor.getSnapshot().output, { result: 'failed', failure: { kind: 'card-removed' } });
  t.deepEqual(pinView(actor.getSnapshot()), { kind: 'card-removed', duringOperation: true });
});

test('the PIN is in no snapshot, emitted event, exchange record or error (emulated CPS, wrong then right PIN)', async (t) => {
  const world = cardWorld();
  const session = await world.connect(await cpsCard(doctor.id));
  const records: unknown[] = [];
  session.onExchange((record) => records.push(record));
  const logged: unknown[] = [];
  const snapshots: string[] = [];
  const actor = createActor(pinMachine, {
    input: { channel: session },
    clock: new SimulatedClock(),
    inspect: (event) => {
      if (event.type === '@xstate.event') logged.push(loggableEvent(event.event));
      if (event.type === '@xstate.snapshot') snapshots.push(JSON.stringify(event.snapshot, (k, v: unknown) => (k === 'channel' ? undefined : v)));
    },
  });
  actor.subscribe((s) => snapshots.push(JSON.stringify(actor.getPersistedSnapshot(), (k, v: unknown) => (k === 'channel' ? undefined : v)) + JSON.stringify(s.error ?? null)));
  actor.start();
  await reach(actor, 'entering', 'status');
  const type = (pin: string): void => {
    for (const c of pin) actor.send(digit(Number(c)));
    actor.send({ type: 'key.validate' });
  };
  type('2581');
  await reach(actor, 'entering', 'wrong PIN');
  type(doctor.pin);
  await reach(actor, 'verified', 'right PIN');
  const everything = JSON.stringify([logged, snapshots, records]);
  for (const secret of [doctor.pin, '2581', Buffer.from(doctor.pin).toString('hex'), '"digit":']) t.false(everything.toUpperCase().includes(secret.toUpperCase()), secret);
  t.true(snapshots.length > 10 && logged.length > 10 && records.length >= 3, 'the logs were really collected');
  t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x9000, 'the card holds the PIN as verified');
  await world.close();
});

// ---- level 3: shortest paths, each run against the emulated CPS ----

const samples = (type: string): EventObject[] => {
  const on = (values: readonly unknown[], field: string) => values.map((v) => ({ type, [field]: v }));
  if (type === 'xstate.done.actor.status') return on([0x9000, 0x63c3, 0x6983, 0x6a88], 'output');
  if (type === 'xstate.error.actor.status') return on([new DriverError('card-removed', 'pulled')], 'error');
  if (type === 'pin.checked') return on([0x9000, 0x63c2, 0x6983, 0x6581], 'sw');
  if (type === 'pin.failed') return on([{ kind: 'card-removed' }], 'failure');
  if (type === 'key.digit') return [digit(1)];
  return [{ type }];
};
const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as { length: number; triesLeft?: number; wrongPin: boolean; result?: string; failure?: { kind: string } };
  return JSON.stringify([s.value, c.length, c.triesLeft, c.wrongPin, c.result, c.failure?.kind]);
};
const pinPaths = shortestPathsOf(pinMachine, { input: { channel: noChannel }, events: eventsOf(samples), serialize });

test('the PIN paths cover every state and transition', (t) => {
  t.deepEqual(pinPaths.uncoveredStates, []);
  t.deepEqual(pinPaths.uncoveredTransitions, []);
  t.log(`PIN machine: ${pinPaths.paths.length} shortest paths`);
});

type Outcome = 'right' | 'wrong' | 'refused' | 'hang';

/** What each submission of a path needs from the card, and how to prepare the card for the path. */
function planPin(events: readonly EventObject[]) {
  const outcomes: Outcome[] = [];
  for (const e of events) {
    if (e.type === 'pin.failed') outcomes.push('hang');
    if (e.type !== 'pin.checked') continue;
    const sw = (e as unknown as { sw: number }).sw;
    outcomes.push(sw === 0x9000 ? 'right' : (sw & 0xfff0) === 0x63c0 || sw === 0x6983 ? 'wrong' : 'refused');
  }
  const blockedAt = events.filter((e) => e.type === 'pin.checked').findIndex((e) => (e as unknown as { sw: number }).sw === 0x6983);
  const status = events.find((e) => e.type.startsWith('xstate.') && e.type.includes('actor.status')) as { type: string; output?: number } | undefined;
  return { outcomes, wrongBeforeStart: blockedAt < 0 ? 0 : 3 - (blockedAt + 1), status };
}

for (const [i, path] of pinPaths.paths.entries()) {
  const events = path.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init');
  test(`PIN path ${i + 1} on the emulated CPS: ${events.map(describeEvent).join(' > ') || '(initial)'}`, async (t) => {
    const plan = planPin(events);
    const statusHangs = plan.status?.type === 'xstate.error.actor.status';
    const script = (command: Uint8Array) => {
      if (statusHangs && isPinStatus(command)) return 'hang' as const;
      if (!isPinVerify(command)) return undefined;
      const outcome = plan.outcomes[submitted++];
      return outcome === 'refused' ? hex('6581') : outcome === 'hang' ? ('hang' as const) : undefined;
    };
    let submitted = 0;
    const world = cardWorld();
    const session = await world.connect(scripted(await cpsCard(doctor.id), script));
    const wrongPin = [...doctor.pin].map((c) => (Number(c) + 1) % 10).join('');
    const preset = async (pin: string) => (await session.transmit(hex(`00 20 00 01 04 ${Buffer.from(pin).toString('hex')}`))).sw;
    if (plan.status?.output === 0x9000) t.is(await preset(doctor.pin), 0x9000);
    if (plan.status?.output === 0x6983) for (let n = 0; n < 3; n++) await preset(wrongPin);
    for (let n = 0; n < plan.wrongBeforeStart; n++) await preset(wrongPin);
    submitted = 0;
    const clock = new SimulatedClock();
    const actor = createActor(pinMachine, { input: { channel: session, reference: plan.status?.output === 0x6a88 ? 5 : 1 }, clock }).start();
    let typed: number[] = [];
    let submission = 0;
    for (const [n, step] of path.steps.entries()) {
      const event = step.event;
      if (event.type === 'key.digit') typed.push(n);
      if (event.type === 'key.correction') typed.pop();
      if (event.type === 'key.validate' && JSON.stringify(step.state.value) === '"verifying"') {
        const outcome = plan.outcomes[submission++];
        const pin = outcome === 'right' ? doctor.pin : wrongPin.padEnd(typed.length, '9');
        if (outcome === 'right') t.is(typed.length, pin.length, 'a right PIN is typed with its own length');
        const digitAt = new Map(typed.map((stepIndex, k) => [stepIndex, Number(pin[k] ?? '9')]));
        typed = [];
        // Replay the digits of this submission with their real values: the path only counts them.
        path.steps.forEach((s, k) => {
          if (digitAt.has(k)) (s.event as unknown as { digit: number }).digit = digitAt.get(k) ?? 9;
        });
      }
    }
    for (const step of path.steps) {
      const event = step.event;
      if (event.type === 'xstate.init') {
        // the initial state
      } else if (event.type.startsWith('key.')) actor.send(event as never);
      else if (event.type.startsWith('xstate.after.')) clock.increment(30_000);
      else if (event.type === 'pin.failed' || event.type === 'xstate.error.actor.status') await world.transport.remove(world.reader);
      await reach(actor, step.state.value, `after ${event.type}`);
    }
    if (actor.getSnapshot().value === 'verified') t.is((await session.transmit(hex('00 20 00 01'))).sw, 0x9000);
    t.is(actor.getSnapshot().status, JSON.stringify(path.state.value).match(/verified|blocked|cancelled|timedOut|failed/) ? 'done' : 'active');
    await world.close();
  });
}
