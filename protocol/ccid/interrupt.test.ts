import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import { checkBad, checkVectors } from '../test-support.js';
import { arbCcidInterrupt } from './arbitraries.js';
import { ccidVectors } from './ccid-vectors.js';
import { ccidInterruptCodec, encodeCcidInterrupt, parseCcidInterrupt } from './interrupt.js';

test('interrupt vectors, four directions', (t) => {
  checkVectors(t, ccidInterruptCodec, ccidVectors.interrupts);
});

test('bad interrupts fail with their reason and offset', (t) => {
  checkBad(t, parseCcidInterrupt, ccidVectors.badInterrupts);
});

test('encode wants whole bytes of slots', (t) => {
  const slot = { present: true, changed: false };
  t.throws(() => encodeCcidInterrupt({ type: 'notify-slot-change', slots: [slot, slot] }), { instanceOf: RangeError });
  t.throws(() => encodeCcidInterrupt({ type: 'notify-slot-change', slots: [] }), { instanceOf: RangeError });
  t.throws(() => encodeCcidInterrupt({ type: 'notify-slot-change', slots: Array<typeof slot>(260).fill(slot) }), { instanceOf: RangeError });
  t.is(toHex(encodeCcidInterrupt({ type: 'notify-slot-change', slots: Array<typeof slot>(4).fill(slot) })), '5055');
});

testProp('round trip over arbitrary interrupt messages', [arbCcidInterrupt()], (t, message) => {
  const bytes = encodeCcidInterrupt(message);
  const back = parseCcidInterrupt(bytes);
  if (!back.ok) return t.fail(back.error.message);
  t.deepEqual(back.value, message);
  t.is(toHex(encodeCcidInterrupt(back.value)), toHex(bytes));
}, { numRuns: 200 });

// NotifySlotChange has no length field (its size follows bMaxSlotIndex):
// a prefix of at least 2 bytes is a valid message for fewer slots. What
// holds is that no strict prefix decodes to the same message.
testProp('no strict prefix decodes to the same message', [arbCcidInterrupt()], (t, message) => {
  const bytes = encodeCcidInterrupt(message);
  for (let n = 0; n < bytes.length; n++) {
    const r = parseCcidInterrupt(bytes.subarray(0, n));
    if (r.ok) t.notDeepEqual(r.value, message);
    else t.is(r.error.reason, 'truncated');
  }
}, { numRuns: 50 });

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 80 })], (t, bytes) => {
  const r = parseCcidInterrupt(bytes);
  if (r.ok) t.is(toHex(encodeCcidInterrupt(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
}, { numRuns: 500 });
