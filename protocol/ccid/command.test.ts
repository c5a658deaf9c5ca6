import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated } from '../test-support.js';
import { arbCcidCommand } from './arbitraries.js';
import { ccidVectors } from './ccid-vectors.js';
import { ccidCommandCodec, encodeCcidCommand, parseCcidCommand, parseCcidCommandPrefix, PC_TO_RDR, type CcidCommand } from './command.js';

test('command vectors, four directions', (t) => {
  checkVectors(t, ccidCommandCodec, ccidVectors.commands);
});

test('the command vectors cover every bulk-out message type', (t) => {
  const seen = new Set(ccidVectors.commands.map((r) => r.value.type));
  t.deepEqual([...seen].sort(), Object.keys(PC_TO_RDR).sort());
});

test('bad commands fail with their reason and offset', (t) => {
  t.true(ccidVectors.badCommands.length >= 20);
  checkBad(t, parseCcidCommand, ccidVectors.badCommands);
});

test('the prefix parser reads back-to-back messages of a bulk stream', (t) => {
  const stream = concatBytes(...ccidVectors.commands.map((r) => hex(r.hex)));
  const seen: CcidCommand[] = [];
  let at = 0;
  while (at < stream.length) {
    const r = parseCcidCommandPrefix(stream.subarray(at));
    if (!r.ok) return t.fail(`${r.error.reason} at ${at + r.error.offset}`);
    seen.push(r.value.value);
    at += r.value.bytesRead;
  }
  t.deepEqual(seen, ccidVectors.commands.map((r) => r.value));
});

test('an unknown message type fails on its first byte, without waiting for the header', (t) => {
  const r = parseCcidCommandPrefix(hex('99'));
  t.true(!r.ok && r.error.reason === 'bad-message-type' && r.error.offset === 0);
});

test('encode refuses out-of-range and inconsistent values', (t) => {
  const xfr: CcidCommand = { type: 'xfr-block', slot: 0, seq: 0, bwi: 0, levelParameter: 0, data: new Uint8Array(0) };
  t.throws(() => encodeCcidCommand({ ...xfr, slot: 256 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidCommand({ ...xfr, seq: -1 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidCommand({ ...xfr, levelParameter: 0x10000 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidCommand({ ...xfr, data: new Uint8Array(65_545) }), { instanceOf: RangeError });
  t.throws(
    () => encodeCcidCommand({ type: 'secure', slot: 0, seq: 0, bwi: 0, levelParameter: 0, pin: { operation: 'continuation', data: new Uint8Array(1) } }),
    { instanceOf: RangeError },
  );
  t.throws(
    () => encodeCcidCommand({ type: 'set-parameters', slot: 0, seq: 0, parameters: { protocol: 'T=0', fi: 16, di: 1, inverseConvention: false, guardTime: 0, wi: 10, clockStop: 'low' } }),
    { instanceOf: RangeError },
  );
});

testProp('round trip over arbitrary commands', [arbCcidCommand()], (t, command) => {
  const bytes = encodeCcidCommand(command);
  const back = parseCcidCommand(bytes);
  if (!back.ok) return t.fail(`${back.error.reason}: ${back.error.message}`);
  t.deepEqual(back.value, command);
  t.is(toHex(encodeCcidCommand(back.value)), toHex(bytes));
});

testProp('every strict prefix of a command is truncated', [arbCcidCommand()], (t, command) => {
  t.true(everyPrefixTruncated(parseCcidCommand, encodeCcidCommand(command)));
}, { numRuns: 60 });

testProp('parse never throws, and what it accepts re-encodes to the same bytes', [fc.uint8Array({ maxLength: 80 })], (t, bytes) => {
  const r = parseCcidCommand(bytes);
  if (r.ok) t.is(toHex(encodeCcidCommand(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
}, { numRuns: 500 });

// Random bytes rarely start with a valid header: this property builds one
// with a consistent dwLength, random message-specific bytes and random data.
testProp(
  'parse never throws on a valid header followed by random bytes',
  [fc.constantFrom(...Object.values(PC_TO_RDR)), fc.uint8Array({ minLength: 3, maxLength: 3 }), fc.uint8Array({ maxLength: 60 })],
  (t, type, specific, data) => {
    const bytes = concatBytes(Uint8Array.of(type, data.length, 0, 0, 0, 0, 0), specific, data);
    const r = parseCcidCommand(bytes);
    if (r.ok) t.is(toHex(encodeCcidCommand(r.value)), toHex(bytes));
    else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
  },
  { numRuns: 1000 },
);
