// The device's idle timer counts the keys other machines take
// (`user.activity`), on a SimulatedClock.
import test from 'ava';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { deviceMachine } from './device.machine.js';

const FIRMWARE = { version: '0.6.0', build: 'test', agreement: 'BF-TLA-0001' };

async function onIdle() {
  const clock = new SimulatedClock();
  const actor = createActor(deviceMachine, { clock, input: { firmware: FIRMWARE } });
  actor.start();
  actor.send({ type: 'power.on' });
  await waitFor(actor, (s) => s.matches({ on: 'idle' }), { timeout: 1000 });
  return { actor, clock };
}

test('user.activity restarts the idle timer on the idle screen and in the menu', async (t) => {
  const { actor, clock } = await onIdle();
  clock.increment(50_000);
  actor.send({ type: 'user.activity' });
  clock.increment(50_000);
  t.true(actor.getSnapshot().matches({ on: 'idle' }), '100 s, never 60 s without activity');
  clock.increment(10_000);
  t.true(actor.getSnapshot().matches({ on: 'sleep' }));
  actor.send({ type: 'key.validate' });
  actor.send({ type: 'key.validate' });
  t.true(actor.getSnapshot().matches({ on: 'menu' }));
  actor.send({ type: 'key.down' });
  clock.increment(59_000);
  actor.send({ type: 'user.activity' });
  clock.increment(59_000);
  t.true(actor.getSnapshot().matches({ on: 'menu' }));
  t.is(actor.getSnapshot().context.cursor, 1, 'the menu cursor stays');
  clock.increment(1_000);
  t.true(actor.getSnapshot().matches({ on: 'sleep' }));
});

test('user.activity changes nothing while asleep: only a key wakes the terminal', async (t) => {
  const { actor, clock } = await onIdle();
  clock.increment(60_000);
  t.true(actor.getSnapshot().matches({ on: 'sleep' }));
  actor.send({ type: 'user.activity' });
  t.true(actor.getSnapshot().matches({ on: 'sleep' }));
});
