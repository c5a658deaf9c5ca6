import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated } from '../test-support.js';
import { arbCcidResponse } from './arbitraries.js';
import { ccidVectors } from './ccid-vectors.js';
import { ccidResponseCodec, encodeCcidResponse, parseCcidResponse, parseCcidResponsePrefix, RDR_TO_PC, type CcidResponse } from './response.js';

test('response vectors, four directions', (t) => {
  checkVectors(t, ccidResponseCodec, ccidVectors.responses);
});

test('the response vectors cover every bulk-in message type and every status', (t) => {
  const rows = ccidVectors.responses.map((r) => r.value);
  t.deepEqual([...new Set(rows.map((r) => r.type))].sort(), Object.keys(RDR_TO_PC).sort());
  t.deepEqual([...new Set(rows.map((r) => r.iccStatus))].sort(), ['absent', 'present-active', 'present-inactive']);
  t.deepEqual([...new Set(rows.map((r) => r.commandStatus))].sort(), ['failed', 'ok', 'time-extension']);
});

test('bad responses fail with their reason and offset', (t) => {
  t.true(ccidVectors.badResponses.length >= 10);
  checkBad(t, parseCcidResponse, ccidVectors.badResponses);
});

test('the prefix parser reads back-to-back responses', (t) => {
  const stream = concatBytes(...ccidVectors.responses.map((r) => hex(r.hex)));
  const seen: CcidResponse[] = [];
  for (let at = 0; at < stream.length; ) {
    const r = parseCcidResponsePrefix(stream.subarray(at));
    if (!r.ok) return t.fail(`${r.error.reason} at ${at + r.error.offset}`);
    seen.push(r.value.value);
    at += r.value.bytesRead;
  }
  t.deepEqual(seen, ccidVectors.responses.map((r) => r.value));
});

test('encode refuses out-of-range values', (t) => {
  const base = { slot: 0, seq: 0, iccStatus: 'present-active', commandStatus: 'ok', error: 0 } as const;
  t.throws(() => encodeCcidResponse({ ...base, type: 'data-block', chainParameter: 256, data: new Uint8Array(0) }), { instanceOf: RangeError });
  t.throws(() => encodeCcidResponse({ ...base, error: 300, type: 'escape', data: new Uint8Array(0) }), { instanceOf: RangeError });
  t.throws(() => encodeCcidResponse({ ...base, type: 'data-rate-and-clock-frequency', clockFrequency: -1, dataRate: 0 }), { instanceOf: RangeError });
  t.throws(() => encodeCcidResponse({ ...base, type: 'parameters', parameters: { protocol: 'none', protocolNum: 256 } }), { instanceOf: RangeError });
});

testProp('round trip over arbitrary responses', [arbCcidResponse()], (t, response) => {
  const bytes = encodeCcidResponse(response);
  const back = parseCcidResponse(bytes);
  if (!back.ok) return t.fail(`${back.error.reason}: ${back.error.message}`);
  t.deepEqual(back.value, response);
  t.is(toHex(encodeCcidResponse(back.value)), toHex(bytes));
});

testProp('every strict prefix of a response is truncated', [arbCcidResponse()], (t, response) => {
  t.true(everyPrefixTruncated(parseCcidResponse, encodeCcidResponse(response)));
}, { numRuns: 60 });

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 80 })], (t, bytes) => {
  const r = parseCcidResponse(bytes);
  if (r.ok) t.is(toHex(encodeCcidResponse(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
}, { numRuns: 500 });

testProp(
  'parse never throws on a valid header followed by random bytes',
  [fc.constantFrom(...Object.values(RDR_TO_PC)), fc.uint8Array({ minLength: 3, maxLength: 3 }), fc.uint8Array({ maxLength: 60 })],
  (t, type, specific, data) => {
    const bytes = concatBytes(Uint8Array.of(type, data.length, 0, 0, 0, 0, 0), specific, data);
    const r = parseCcidResponse(bytes);
    if (r.ok) t.is(toHex(encodeCcidResponse(r.value)), toHex(bytes));
    else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
  },
  { numRuns: 1000 },
);
