import test from 'ava';
import { hex } from '../../protocol/index.js';
import { CardGoneError, fromCard } from '../card/virtual-card.js';
import { pinCard, TEST_PIN, verify } from '../faults/test-support.js';
import { withFaults } from '../faults/with-faults.js';
import { virtualClock, type Clock } from './clock.js';
import { exchangeMs, lineMs, type ProfileTiming } from './profile-timing.js';
import { withTiming } from './with-timing.js';

const timing: ProfileTiming = { baud: 9600, protocol: 'T=0', perCommand: { '20': 30 }, default: 3 };

test('each answer comes after the modelled time on the clock, never sooner', async (t) => {
  const clock = virtualClock();
  const card = withTiming(fromCard(pinCard()), timing, clock);
  await card.powerOn();
  t.is(clock.now(), lineMs(2, 9600, 'T=0'), 'the ATR bytes');
  const before = clock.now();
  const command = verify(TEST_PIN);
  const response = await card.transmit(command);
  t.deepEqual(response, hex('90 00'));
  t.is(clock.now() - before, exchangeMs(timing, command, response));
  t.true(clock.now() - before >= 30);
});

test('a power off during the wait rejects the pending call at once', async (t) => {
  const clock: Clock = { now: () => 0, sleep: () => new Promise(() => undefined) };
  const card = withTiming(fromCard(pinCard()), timing, clock);
  const call = card.transmit(verify(TEST_PIN));
  await new Promise((r) => setImmediate(r));
  await card.powerOff();
  const gone = await t.throwsAsync(call, { instanceOf: CardGoneError });
  t.is(gone.code, 'powered-off');
});

test('timing over faults keeps the fault hooks reachable and adds its time to the delay', async (t) => {
  const clock = virtualClock();
  const faulty = withFaults(fromCard(pinCard()), { faults: [{ trigger: {}, action: { kind: 'delay', ms: 500 } }] }, { clock });
  const card = withTiming(faulty, timing, clock);
  t.is(typeof card.onWaitExtension, 'function');
  t.true(card.present);
  const command = hex('00 A4 00 0C 02 3F 00');
  const response = await card.transmit(command);
  t.is(clock.now(), 500 + exchangeMs(timing, command, response));
});

test('the virtual clock never goes back', (t) => {
  const clock = virtualClock(5);
  clock.advance(10);
  t.is(clock.now(), 15);
  t.throws(() => clock.advance(-1), { instanceOf: RangeError });
});
