// The key acceptance test of the T=1 machines: a reader and a card over a
// line that damages, truncates, pads, replaces and loses blocks. Every
// exchange ends with exactly the right APDU delivered or a clean error;
// a wrong APDU is never delivered and nothing is delivered twice.
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import type { T1Edc } from './edc.js';
import { SimulatedLine, type CardAnswer, type ExchangeReport, type LineFault } from './simulated-line.js';

const arbFault: fc.Arbitrary<LineFault> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ kind: 'pass' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'drop' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(300), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat(300) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 20 }) }) },
);

const arbSize = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(254));

interface Scenario {
  edc: T1Edc;
  ifsc: number;
  ifsd: number;
  maxCommandLength: number;
  maxResponseLength: number;
  exchanges: { command: Uint8Array; responseLength: number; wtx: number | null; ifsc: number | null }[];
  faults: LineFault[];
}

const arbScenario: fc.Arbitrary<Scenario> = fc.record({
  edc: fc.constantFrom<T1Edc>('lrc', 'crc'),
  ifsc: arbSize,
  ifsd: arbSize,
  maxCommandLength: fc.integer({ min: 20, max: 2000 }),
  maxResponseLength: fc.integer({ min: 20, max: 2000 }),
  exchanges: fc.array(
    fc.record({
      command: fc.uint8Array({ minLength: 1, maxLength: 400, size: 'max' }),
      responseLength: fc.integer({ min: 1, max: 600 }),
      wtx: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }) }),
      ifsc: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 254 }) }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  faults: fc.array(arbFault, { maxLength: 80, size: 'medium' }),
});

/** The card application's answer: a function of the command alone. */
function responseFor(command: Uint8Array, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (command[i % command.length]! + 31 * i + command.length) & 0xff);
}

function lineFor(s: Scenario): SimulatedLine {
  const plans = new Map<string, CardAnswer>();
  for (const e of s.exchanges) {
    const key = toHex(e.command);
    if (plans.has(key)) continue;
    const base = { response: responseFor(e.command, e.responseLength) };
    plans.set(key, e.wtx !== null ? { ...base, wtx: e.wtx } : e.ifsc !== null ? { ...base, ifsc: e.ifsc } : base);
  }
  const answer = (c: Uint8Array): CardAnswer => plans.get(toHex(c)) ?? { response: responseFor(c, 2) };
  const link = { edc: s.edc, ifsc: s.ifsc, ifsd: s.ifsd };
  return new SimulatedLine({ ...link, maxResponseLength: s.maxResponseLength }, { ...link, maxCommandLength: s.maxCommandLength }, answer, s.faults);
}

/**
 * The invariants of one exchange; returns a description of the first
 * broken one, or null. `afterAbort`: the previous exchange ended with the
 * card's abort, whose S(ABORT response) may have been lost: the card then
 * repeats its request when the new command's first block is damaged, and
 * the new command is aborted too (a clean error, see README).
 */
function broken(s: Scenario, command: Uint8Array, expected: Uint8Array, r: ExchangeReport, afterAbort: boolean): string | null {
  const terminal = r.readerOutputs.filter((o) => o.type === 'deliver' || o.type === 'error');
  if (r.outcome === null || terminal.length !== 1) return `${terminal.length} terminal outputs`;
  if (r.commands.some((c) => toHex(c) !== toHex(command))) return 'the card executed a wrong command';
  if (r.commands.length > 1) return 'the card executed the command twice';
  if ('deliver' in r.outcome) {
    if (toHex(r.outcome.deliver) !== toHex(expected)) return 'a wrong response was delivered';
    if (r.commands.length !== 1) return 'a response was delivered for a command the card never executed';
    return null;
  }
  if (!('error' in r.outcome)) return 'unexpected outcome';
  if (r.outcome.error === 'aborted' && command.length <= s.maxCommandLength && !afterAbort) return 'the card aborted a command within its limit';
  if (r.outcome.error === 'response-too-long' && expected.length <= s.maxResponseLength) return 'the reader aborted a response within its limit';
  return null;
}

testProp(
  'noisy line: every exchange delivers exactly the right APDU or fails cleanly, and a clean line recovers',
  [arbScenario],
  (t, s) => {
    const line = lineFor(s);
    let afterAbort = false;
    for (const e of s.exchanges) {
      const expected = responseFor(e.command, e.responseLength);
      const r = line.run({ type: 'send', apdu: e.command });
      if (line.reader.phase === 'dead') {
        t.deepEqual(r.outcome, { error: 'resynch-failed' });
        t.deepEqual(line.run({ type: 'send', apdu: e.command }).outcome, { error: 'dead' });
        return;
      }
      t.is(broken(s, e.command, expected, r, afterAbort), null);
      afterAbort = r.outcome !== null && 'error' in r.outcome && r.outcome.error === 'aborted';
      t.is(line.reader.phase, 'idle');
    }
    // Once the line is clean again, the link works: whatever happened, both ends agree.
    line.heal();
    const command = Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x10);
    const r = line.run({ type: 'send', apdu: command });
    t.is(r.commands.length, 1);
    t.is(toHex(r.commands[0] ?? new Uint8Array(0)), toHex(command));
    t.deepEqual(r.outcome, { deliver: responseFor(command, 2) });
  },
  // Shrinking these scenarios takes minutes; a failure prints its seed and path to replay it.
  { numRuns: 1000, endOnFailure: true },
);
