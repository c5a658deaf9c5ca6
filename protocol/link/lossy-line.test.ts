// The link's promise, over a line that drops, duplicates, reorders, splits
// and corrupts: every message arrives exactly once, intact and in order,
// or the link reports failure; a corrupt or duplicated message is never
// delivered.
import { fc, testProp } from '@fast-check/ava';
import { equalBytes } from '../bytes.js';
import { runLink } from './simulated-line.js';
import { lineFaultsArb } from './test-support.js';

const messages = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

/** True when `got` is `sent` or a prefix of it, byte for byte. */
function isPrefix(got: readonly Uint8Array[], sent: readonly Uint8Array[]): boolean {
  return got.length <= sent.length && got.every((m, i) => equalBytes(m, sent[i]!));
}

testProp(
  'heavy faults: each side receives a prefix of what the other sent, and all of it unless a link failed',
  [messages, messages, lineFaultsArb(0.3), fc.integer()],
  (t, fromA, fromB, faults, seed) => {
    const run = runLink({ fromA, fromB, faults, seed, options: { retransmitMs: 100, maxRetries: 6 } });
    t.false(run.timedOut, 'the run ends');
    t.true(isPrefix(run.b.delivered, fromA), 'b got a prefix of a’s messages');
    t.true(isPrefix(run.a.delivered, fromB), 'a got a prefix of b’s messages');
    if (!run.a.failed && !run.b.failed) {
      t.is(run.b.delivered.length, fromA.length);
      t.is(run.a.delivered.length, fromB.length);
    }
  },
  { numRuns: 150 },
);

testProp(
  'light faults with patient retries: everything arrives, exactly once and in order',
  [messages, messages, lineFaultsArb(0.05), fc.integer()],
  (t, fromA, fromB, faults, seed) => {
    const run = runLink({ fromA, fromB, faults, seed, options: { retransmitMs: 100, maxRetries: 30 } });
    t.false(run.a.failed || run.b.failed);
    t.deepEqual(run.b.delivered, fromA);
    t.deepEqual(run.a.delivered, fromB);
  },
  { numRuns: 100 },
);
