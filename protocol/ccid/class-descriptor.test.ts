import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated } from '../test-support.js';
import { arbCcidClassDescriptor } from './arbitraries.js';
import { ccidVectors } from './ccid-vectors.js';
import {
  ccidCapabilities,
  ccidClassDescriptorCodec,
  ccidFeatures,
  encodeCcidClassDescriptor,
  exchangeLevel,
  parseCcidClassDescriptor,
} from './class-descriptor.js';

test('descriptor vectors (real readers), four directions', (t) => {
  checkVectors(t, ccidClassDescriptorCodec, ccidVectors.descriptors);
});

// The capabilities in the file are libccid's own decoding of each reader
// (the indented lines of readers/*.txt): a differential check.
test('decoded capabilities match libccid', (t) => {
  for (const row of ccidVectors.descriptors) {
    const parsed = parseCcidClassDescriptor(hex(row.hex));
    if (!parsed.ok) return t.fail(parsed.error.message);
    t.deepEqual(ccidCapabilities(parsed.value), row.capabilities, row.name);
  }
});

test('the KAP-GO figures of DOMAIN.md', (t) => {
  const kapGo = ccidVectors.descriptors[0]!.value;
  t.is(kapGo.defaultClock, 4000);
  t.is(kapGo.dataRate, 10_752);
  t.is(kapGo.maxDataRate, 344_064);
  t.is(kapGo.maxIfsd, 254);
  t.is(kapGo.maxCcidMessageLength, 271);
  t.is(exchangeLevel(kapGo.features), 'tpdu');
});

test('bad descriptors fail with their reason and offset', (t) => {
  checkBad(t, parseCcidClassDescriptor, ccidVectors.badDescriptors);
});

test('each exchange level and its feature bits', (t) => {
  t.is(exchangeLevel(0x000000ba), 'character');
  t.is(exchangeLevel(0x00010000), 'tpdu');
  t.is(exchangeLevel(0x00020000), 'short-apdu');
  t.is(exchangeLevel(0x00040000), 'extended-apdu');
  t.throws(() => exchangeLevel(0x00060000), { instanceOf: RangeError });
  const all = ccidFeatures(0x001007fe);
  t.true(Object.entries(all).every(([k, v]) => k === 'exchangeLevel' || v === true));
  const none = ccidFeatures(0);
  t.true(Object.entries(none).every(([k, v]) => k === 'exchangeLevel' || v === false));
});

test('encode refuses out-of-range fields and ambiguous exchange levels', (t) => {
  const d = ccidVectors.descriptors[0]!.value;
  t.throws(() => encodeCcidClassDescriptor({ ...d, maxSlotIndex: 256 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidClassDescriptor({ ...d, lcdLayout: 0x10000 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidClassDescriptor({ ...d, features: 0x30000 }), { instanceOf: RangeError });
});

testProp('round trip over arbitrary descriptors', [arbCcidClassDescriptor()], (t, d) => {
  const bytes = encodeCcidClassDescriptor(d);
  const back = parseCcidClassDescriptor(bytes);
  if (!back.ok) return t.fail(back.error.message);
  t.deepEqual(back.value, d);
  t.is(toHex(encodeCcidClassDescriptor(back.value)), toHex(bytes));
}, { numRuns: 200 });

testProp('every strict prefix of a descriptor is truncated', [arbCcidClassDescriptor()], (t, d) => {
  t.true(everyPrefixTruncated(parseCcidClassDescriptor, encodeCcidClassDescriptor(d)));
}, { numRuns: 20 });

testProp('parse never throws on random 54-byte input with a valid head', [fc.uint8Array({ minLength: 52, maxLength: 52 })], (t, tail) => {
  const bytes = Uint8Array.of(0x36, 0x21, ...tail);
  const r = parseCcidClassDescriptor(bytes);
  if (r.ok) t.is(toHex(encodeCcidClassDescriptor(r.value)), toHex(bytes));
  else t.is(r.error.reason, 'bad-features');
});

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 60 })], (t, bytes) => {
  const r = parseCcidClassDescriptor(bytes);
  t.true(r.ok || r.error.offset <= bytes.length);
});
