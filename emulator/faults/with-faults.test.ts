import test from 'ava';
import { CardGoneError, fromCard } from '../card/virtual-card.js';
import { virtualClock } from '../timing/clock.js';
import type { Fault, FaultPlan } from './fault-plan.js';
import { FaultPlanError } from './plan-loader.js';
import { pinCard, TEST_FILE, TEST_PIN, verify } from './test-support.js';
import { withFaults, type FaultEvent, type WaitExtensionRequest } from './with-faults.js';

const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00);
const READ = Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x10);
const OK = Uint8Array.of(0x90, 0x00);
const plan = (...faults: Fault[]): FaultPlan => ({ faults });

/** A settled-state probe: 'pending' when the promise has not settled after the microtasks ran. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const marker = Symbol('pending');
  const r = await Promise.race([p.then(() => 'resolved' as const, () => 'rejected' as const), new Promise((res) => setImmediate(() => res(marker)))]);
  return r === marker ? 'pending' : (r as 'resolved' | 'rejected');
}

function setup(p: FaultPlan, seed = 0) {
  const inner = pinCard();
  const clock = virtualClock();
  const card = withFaults(fromCard(inner), p, { seed, clock, tearing: inner });
  const events: FaultEvent[] = [];
  card.onFault((e) => events.push(e));
  return { inner, clock, card, events };
}

test('without a firing fault, commands pass through unchanged', async (t) => {
  const { card, inner } = setup(plan({ trigger: { ins: 'CA' }, action: { kind: 'mute' } }));
  await card.powerOn();
  t.deepEqual(await card.transmit(READ), Uint8Array.of(...TEST_FILE, 0x90, 0x00));
  t.is(inner.executed.length, 1);
});

test('mute after N APDUs: the call stays pending until power off, then rejects powered-off; the card answers again after', async (t) => {
  const { card, inner, events } = setup(plan({ trigger: { afterApdus: 2 }, action: { kind: 'mute' } }));
  await card.powerOn();
  t.deepEqual(await card.transmit(SELECT_MF), OK);
  t.deepEqual(await card.transmit(SELECT_MF), OK);
  const third = card.transmit(SELECT_MF);
  t.is(await state(third), 'pending');
  const fourth = card.transmit(SELECT_MF);
  t.is(await state(fourth), 'pending');
  t.is(inner.executed.length, 2, 'a mute card runs nothing');
  await card.powerOff();
  const gone = await t.throwsAsync(third, { instanceOf: CardGoneError });
  t.is(gone.code, 'powered-off');
  await t.throwsAsync(fourth, { instanceOf: CardGoneError });
  t.deepEqual(events.map((e) => [e.kind, e.apdu]), [['mute', 3]]);
  await card.powerOn();
  t.deepEqual(await card.transmit(SELECT_MF), OK, 'fired once (times defaults to 1)');
});

test('mute ends with a reset too', async (t) => {
  const { card } = setup(plan({ trigger: {}, action: { kind: 'mute' } }));
  await card.powerOn();
  const call = card.transmit(SELECT_MF);
  await card.reset();
  await t.throwsAsync(call, { instanceOf: CardGoneError });
});

test('status: answers the SW without running the command, or after running it with execute', async (t) => {
  const { card, inner } = setup(
    plan(
      { trigger: { prefix: '00 A4 00', occurrence: 2 }, action: { kind: 'status', sw: '6A82' } },
      { trigger: { ins: 'B0' }, times: 'unlimited', action: { kind: 'status', sw: '6581', execute: true } },
    ),
  );
  await card.powerOn();
  t.deepEqual(await card.transmit(SELECT_MF), OK, 'first occurrence passes');
  t.deepEqual(await card.transmit(SELECT_MF), Uint8Array.of(0x6a, 0x82));
  t.is(inner.executed.length, 1, 'the second SELECT never reached the card');
  t.deepEqual(await card.transmit(READ), Uint8Array.of(0x65, 0x81));
  t.deepEqual(await card.transmit(READ), Uint8Array.of(0x65, 0x81), 'unlimited');
  t.is(inner.executed.length, 3);
});

test('delay: answers ms late on the clock and reports the wait extensions in between', async (t) => {
  const { card, clock } = setup(plan({ trigger: { ins: '2A' }, action: { kind: 'delay', ms: 3000, waitExtensions: 2 } }));
  const waits: [WaitExtensionRequest, number][] = [];
  card.onWaitExtension((w) => waits.push([w, clock.now()]));
  await card.powerOn();
  t.deepEqual(await card.transmit(Uint8Array.of(0x00, 0x2a, 0x9e, 0x9a, 0x00)), OK);
  t.is(clock.now(), 3000);
  t.deepEqual(waits, [
    [{ sequence: 1, elapsedMs: 1000, remainingMs: 2000 }, 1000],
    [{ sequence: 2, elapsedMs: 2000, remainingMs: 1000 }, 2000],
  ]);
});

test('delay: a power off during the wait rejects the call at once', async (t) => {
  const inner = pinCard();
  const card = withFaults(fromCard(inner), plan({ trigger: {}, action: { kind: 'delay', ms: 10_000 } }), {
    clock: { now: () => 0, sleep: () => new Promise(() => undefined) },
  });
  const call = card.transmit(SELECT_MF);
  t.is(await state(call), 'pending');
  await card.powerOff();
  await t.throwsAsync(call, { instanceOf: CardGoneError });
});

test('corrupt: flips exactly the asked number of bits in the data, the same ones for the same seed', async (t) => {
  const run = async (seed: number) => {
    const { card } = setup(plan({ trigger: { ins: 'B0' }, action: { kind: 'corrupt', bits: 3, region: 'data' } }), seed);
    await card.powerOn();
    return card.transmit(READ);
  };
  const a = await run(7);
  const expected = Uint8Array.of(...TEST_FILE, 0x90, 0x00);
  const flipped = [...a].reduce((n, b, i) => n + popcount(b ^ expected[i]!), 0);
  t.is(flipped, 3);
  t.deepEqual(a.subarray(16), OK, 'the SW is outside the data region');
  t.deepEqual(await run(7), a, 'same seed, same bits');
  const others = await Promise.all([1, 2, 3, 4].map(run));
  t.true(others.some((o) => !o.every((b, i) => b === a[i])), 'other seeds flip other bits');
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

test('probability: which commands fault depends only on the seed', async (t) => {
  const pattern = async (seed: number) => {
    const { card } = setup(plan({ trigger: { probability: 0.5 }, times: 'unlimited', action: { kind: 'status', sw: '6F00' } }), seed);
    const out: number[] = [];
    for (let i = 0; i < 64; i++) out.push((await card.transmit(SELECT_MF))[0]!);
    return out.map((b) => (b === 0x6f ? 1 : 0)).join('');
  };
  const a = await pattern(42);
  t.is(await pattern(42), a);
  t.not(await pattern(43), a);
  const ones = [...a].filter((c) => c === '1').length;
  t.true(ones > 16 && ones < 48, `about half fire (${ones}/64)`);
});

test('the plan seed is used when the option is absent, and the option overrides it', async (t) => {
  const run = async (p: FaultPlan, seed?: number) => {
    const card = withFaults(fromCard(pinCard()), p, seed === undefined ? {} : { seed });
    const out: number[] = [];
    for (let i = 0; i < 32; i++) out.push((await card.transmit(SELECT_MF))[0]!);
    return out.join(',');
  };
  const faults: Fault[] = [{ trigger: { probability: 0.5 }, times: 'unlimited', action: { kind: 'status', sw: '6F00' } }];
  t.is(await run({ seed: 9, faults }), await run({ faults }, 9));
  t.is(await run({ seed: 1, faults }, 9), await run({ faults }, 9));
});

test('remove before: presence removed, the call rejects removed, the card never ran it, and insert() brings it back', async (t) => {
  const { card, inner } = setup(plan({ trigger: { ins: 'B0' }, action: { kind: 'remove' } }));
  const presence: string[] = [];
  card.onPresence((p) => presence.push(p));
  await card.powerOn();
  const gone = await t.throwsAsync(card.transmit(READ), { instanceOf: CardGoneError });
  t.is(gone.code, 'removed');
  t.deepEqual(presence, ['removed']);
  t.is(inner.executed.length, 0);
  t.false(inner.powered, 'a pulled card loses power');
  t.false(card.present);
  await t.throwsAsync(card.transmit(SELECT_MF), { instanceOf: CardGoneError });
  await t.throwsAsync(card.powerOn(), { instanceOf: CardGoneError });
  card.insert();
  t.deepEqual(presence, ['removed', 'inserted']);
  await card.powerOn();
  t.deepEqual(await card.transmit(READ), Uint8Array.of(...TEST_FILE, 0x90, 0x00));
});

test('remove after with reinsertAfterMs: the card ran the command, and comes back after the time on the clock', async (t) => {
  const { card, inner, clock } = setup(plan({ trigger: { occurrence: 2 }, action: { kind: 'remove', when: 'after', reinsertAfterMs: 2000 } }));
  const presence: [string, number][] = [];
  card.onPresence((p) => presence.push([p, clock.now()]));
  await card.powerOn();
  await card.transmit(SELECT_MF);
  await t.throwsAsync(card.transmit(verify(TEST_PIN)), { instanceOf: CardGoneError });
  t.is(inner.executed.length, 2);
  t.is(inner.triesLeft, 3, 'the VERIFY ran');
  await new Promise((r) => setImmediate(r));
  t.deepEqual(presence, [['removed', 0], ['inserted', 2000]]);
  t.true(card.present);
});

test('tear before, after, inside: the card loses power; the command ran not, fully, or torn by the hook', async (t) => {
  const change = Uint8Array.of(0x00, 0x24, 0x00, 0x01, 0x08, ...TEST_PIN, 0x35, 0x36, 0x37, 0x38);
  for (const when of ['before', 'after', 'inside'] as const) {
    const { card, inner } = setup(plan({ trigger: { ins: '24' }, action: { kind: 'tear', when } }));
    await card.powerOn();
    const gone = await t.throwsAsync(card.transmit(change), { instanceOf: CardGoneError });
    t.is(gone.code, 'powered-off');
    t.false(inner.powered, when);
    t.is(inner.executed.length, when === 'before' ? 0 : 1, when);
    t.deepEqual([...inner.pin], when === 'after' ? [0x35, 0x36, 0x37, 0x38] : [...TEST_PIN], when);
    t.is(inner.tornWrites, when === 'inside' ? 1 : 0, when);
    await card.powerOn();
    t.deepEqual(await card.transmit(READ), Uint8Array.of(...TEST_FILE, 0x90, 0x00), 'works again after power on');
  }
});

test('tear inside without a tearing hook is refused when the decorator is built', (t) => {
  t.throws(() => withFaults(fromCard(pinCard()), plan({ trigger: {}, action: { kind: 'tear', when: 'inside' } })), { instanceOf: RangeError });
});

test('block-pin: wrong values reach the card until it blocks; the VERIFY then gets 6983 from the card itself', async (t) => {
  const { card, inner } = setup(plan({ trigger: { ins: '20' }, action: { kind: 'block-pin' } }));
  await card.powerOn();
  t.deepEqual(await card.transmit(verify(Uint8Array.of())), Uint8Array.of(0x63, 0xc3), 'an empty VERIFY is not a candidate');
  t.deepEqual(await card.transmit(verify(TEST_PIN)), Uint8Array.of(0x69, 0x83));
  t.is(inner.triesLeft, 0);
  const sent = inner.executed.slice(1, -1);
  t.is(sent.length, 3, 'three wrong values for three tries');
  t.true(sent.every((c) => c[1] === 0x20 && c[4] === 4 && c.subarray(5).every((b) => b >= 0x30 && b <= 0x39)), 'same length, still digits');
  t.false(sent.some((c) => c.subarray(5).every((b, i) => b === TEST_PIN[i])), 'never the right PIN');
});

test('block-pin copes with the wrong value that happens to be the PIN', async (t) => {
  // The submitted value is wrong ("0234"); its first alternative is "1234", the PIN.
  const { card, inner } = setup(plan({ trigger: { ins: '20' }, action: { kind: 'block-pin' } }));
  t.deepEqual(await card.transmit(verify(Uint8Array.of(0x30, 0x32, 0x33, 0x34))), Uint8Array.of(0x69, 0x83));
  t.is(inner.triesLeft, 0);
});

test('occurrence counts candidates even while an earlier fault fires', async (t) => {
  const { card, events } = setup(
    plan(
      { trigger: { occurrence: 1 }, action: { kind: 'status', sw: '6F00' } },
      { trigger: { occurrence: 2 }, action: { kind: 'status', sw: '6F01' } },
    ),
  );
  t.deepEqual(await card.transmit(SELECT_MF), Uint8Array.of(0x6f, 0x00));
  t.deepEqual(await card.transmit(SELECT_MF), Uint8Array.of(0x6f, 0x01));
  t.deepEqual(events.map((e) => [e.index, e.apdu]), [[0, 1], [1, 2]]);
});

test('a bad plan through the API throws FaultPlanError with the path; a bad seed throws RangeError', (t) => {
  const bad = { faults: [{ trigger: { ins: '2' }, action: { kind: 'mute' } }] } as unknown as FaultPlan;
  const error = t.throws(() => withFaults(fromCard(pinCard()), bad), { instanceOf: FaultPlanError });
  t.is(error.path, '/faults/0/trigger/ins');
  t.throws(() => withFaults(fromCard(pinCard()), plan(), { seed: -1 }), { instanceOf: RangeError });
});
