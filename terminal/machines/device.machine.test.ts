// The device machine: boot checks, menus, sleep, the battery model, and
// @xstate/graph coverage of every state and transition.
import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { renderView } from '../ui/index.js';
import { allowsCapture, BATTERY_COSTS, BATTERY_LOW_THRESHOLD, drain, FULL_BATTERY } from './battery.js';
import { deviceMachine, deviceView, MAIN_MENU } from './device.machine.js';
import { eventsOf, shortestPathsOf } from './test-support.js';

const firmware = { version: 'bifente 0.1.0', build: '2026-11-23', agreement: 'TLA-0000-BIF' };
const done = (id: string) => ({ type: `xstate.done.actor.${id}` }) as never;
const booted = () => {
  let [s] = initialTransition(deviceMachine, { firmware });
  for (const e of [{ type: 'power.on' } as never, done('selfTest'), done('storageCheck'), done('clockCheck')]) [s] = transition(deviceMachine, s, e);
  return s;
};

test('battery model: named costs, never below zero, no drain on the charger, captures refused below the threshold', (t) => {
  t.is(drain(FULL_BATTERY, 'capture').charge, 1000 - BATTERY_COSTS.capture);
  t.is(drain({ charge: 1, charging: false }, 'transfer').charge, 0);
  t.is(drain({ charge: 500, charging: true }, 'capture').charge, 500);
  t.true(allowsCapture({ charge: BATTERY_LOW_THRESHOLD, charging: false }));
  t.false(allowsCapture({ charge: BATTERY_LOW_THRESHOLD - 1, charging: false }));
  t.true(allowsCapture({ charge: 0, charging: true }));
});

test('boot: self-test, storage, clock, then idle; the boot drains its cost', (t) => {
  let [s] = initialTransition(deviceMachine, { firmware });
  t.is(s.value, 'off');
  [s] = transition(deviceMachine, s, { type: 'power.on' });
  t.deepEqual(s.value, { booting: 'selfTest' });
  t.is(s.context.battery.charge, 1000 - BATTERY_COSTS.boot);
  t.deepEqual(renderView(deviceView(s)).map((l) => l.trim()), ['', 'Demarrage...', 'Autotest', '']);
  const on = booted();
  t.deepEqual(on.value, { on: 'idle' });
  t.is(renderView(deviceView(on))[3], '        Batterie 99%');
});

test('a failed boot check stops in bootFailed with the step and its reason', (t) => {
  let [s] = initialTransition(deviceMachine, { firmware });
  [s] = transition(deviceMachine, s, { type: 'power.on' });
  [s] = transition(deviceMachine, s, done('selfTest'));
  [s] = transition(deviceMachine, s, { type: 'xstate.error.actor.storageCheck', error: new Error('database is corrupted') } as never);
  t.is(s.value, 'bootFailed');
  t.deepEqual(s.context.bootFailure, { step: 'storage', message: 'database is corrupted' });
  t.deepEqual(renderView(deviceView(s)).map((l) => l.trim()), ['Demarrage impossible', 'Echec Memoire', '', 'Contacter support']);
});

test('menu: capture with battery, low-battery notice without, transfer always; firmware information', (t) => {
  const menu = transition(deviceMachine, booted(), { type: 'key.validate' })[0];
  t.deepEqual(menu.value, { on: 'menu' });
  t.is(renderView(deviceView(menu))[1], '>Nouvelle visite    ');
  t.deepEqual(transition(deviceMachine, menu, { type: 'key.validate' })[0].value, { on: 'capturing' });
  const low = { ...menu, context: { ...menu.context, battery: { charge: 50, charging: false } } } as typeof menu;
  const refused = transition(deviceMachine, low, { type: 'key.validate' })[0];
  t.deepEqual(refused.value, { on: 'lowBattery' });
  t.is(renderView(deviceView(refused))[2].trim(), 'Transfert possible');
  const transfer = transition(deviceMachine, transition(deviceMachine, low, { type: 'key.down' })[0], { type: 'key.validate' })[0];
  t.deepEqual(transfer.value, { on: 'transfer' }, 'transfer to the host works on a low battery');
  const charging = transition(deviceMachine, low, { type: 'charger.connected' })[0];
  t.deepEqual(transition(deviceMachine, charging, { type: 'key.validate' })[0].value, { on: 'capturing' });
  let info = menu;
  for (let i = 0; i < MAIN_MENU.indexOf('Informations'); i++) [info] = transition(deviceMachine, info, { type: 'key.down' });
  [info] = transition(deviceMachine, info, { type: 'key.validate' });
  t.deepEqual(renderView(deviceView(info)).map((l) => l.trim()), ['Version logiciel', 'bifente 0.1.0', '2026-11-23', 'Agr. TLA-0000-BIF']);
});

test('the battery drains per operation; at zero the terminal switches off', (t) => {
  let s = booted();
  [s] = transition(deviceMachine, s, { type: 'operation.done', operation: 'signature' });
  t.is(s.context.battery.charge, 1000 - BATTERY_COSTS.boot - BATTERY_COSTS.signature);
  s = { ...s, context: { ...s.context, battery: { charge: 2, charging: false } } } as typeof s;
  [s] = transition(deviceMachine, s, { type: 'operation.done', operation: 'capture' });
  t.is(s.value, 'off');
});

test('60 s without a key: sleep (device.sleep emitted); any key wakes it (device.wake)', async (t) => {
  const clock = new SimulatedClock();
  const pass = fromPromise<void, void>(async () => undefined);
  const actor = createActor(deviceMachine.provide({ actors: { selfTest: pass, storageCheck: pass, clockCheck: pass } }), { input: { firmware }, clock });
  const heard: string[] = [];
  actor.on('*', (event) => heard.push(event.type));
  actor.start();
  actor.send({ type: 'power.on' });
  for (let i = 0; i < 5; i++) await Promise.resolve();
  t.deepEqual(actor.getSnapshot().value, { on: 'idle' });
  clock.increment(59_999);
  t.deepEqual(actor.getSnapshot().value, { on: 'idle' });
  clock.increment(1);
  t.deepEqual(actor.getSnapshot().value, { on: 'sleep' });
  actor.send({ type: 'key.down' });
  t.deepEqual(actor.getSnapshot().value, { on: 'idle' });
  t.deepEqual(heard, ['device.sleep', 'device.wake']);
});

const samples = (type: string): EventObject[] => {
  if (type.startsWith('xstate.error.actor.')) return [{ type, error: new Error('failed') } as EventObject];
  if (type === 'operation.done') return [{ type, operation: 'transfer' } as EventObject];
  return [{ type }];
};
const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as { cursor: number; battery: { charge: number; charging: boolean }; bootFailure?: { step: string } };
  return JSON.stringify([s.value, c.cursor, c.battery.charging, allowsCapture(c.battery), c.battery.charge === 0, c.bootFailure?.step]);
};

test('device paths cover every state and transition', (t) => {
  // Two batteries: one around the low threshold, one that the boot empties (→ off).
  const sets = [BATTERY_LOW_THRESHOLD + 4, BATTERY_COSTS.boot].map((charge) =>
    shortestPathsOf(deviceMachine, { input: { firmware, battery: { charge, charging: false } }, events: eventsOf(samples, { 'key.*': ['key.down'] }), serialize }),
  );
  const [normal, draining] = sets;
  if (normal === undefined || draining === undefined) return t.fail();
  t.deepEqual(normal.uncoveredStates, []);
  t.deepEqual(normal.uncoveredTransitions.filter((name) => draining.uncoveredTransitions.includes(name)), []);
  t.log(`device machine: ${normal.paths.length + draining.paths.length} shortest paths`);
});
