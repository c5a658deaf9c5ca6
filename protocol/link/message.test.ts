import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex } from '../bytes.js';
import { checkBad, checkVectors, loadVectors } from '../test-support.js';
import type { LinkJson } from './frame.test.js';
import { encodeLinkMessage, isLinkRequest, linkMessageCodec, linkRequestIdOf, parseLinkMessage } from './message.js';
import { LINK_MAX_QUARANTINE_CHUNK, type LinkMessage } from './message-types.js';
import { linkMessageArb } from './test-support.js';

const vectors = loadVectors<LinkJson>('link');
const OPAQUE = new Set(['bytes', 'table']);

/** JSON form to value: opaque byte fields are hex in the file. */
function fromJson(m: Record<string, unknown>): LinkMessage {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, OPAQUE.has(k) ? hex(String(v)) : v])) as unknown as LinkMessage;
}

test('messages, four directions', (t) => {
  checkVectors(t, linkMessageCodec, vectors.messages.map((r) => ({ name: r.name, hex: r.hex, value: fromJson(r.message) })));
});

test('every message kind has a vector', (t) => {
  const kinds = new Set(vectors.messages.map((r) => r.message['kind']));
  t.is(kinds.size, 23);
});

test('bad messages fail with their reason and offset', (t) => {
  checkBad(t, parseLinkMessage, vectors.badMessages);
});

test('the encoder refuses values the layout cannot carry', (t) => {
  t.throws(() => encodeLinkMessage({ kind: 'identify', requestId: 65_536 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkMessage({ kind: 'set-clock', requestId: 1, epochMs: -1, utcOffsetMinutes: 0 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkMessage({ kind: 'set-clock', requestId: 1, epochMs: 0, utcOffsetMinutes: 841 }), { instanceOf: RangeError });
  t.throws(() => encodeLinkMessage({ kind: 'error', requestId: 1, code: 1, text: 'é'.repeat(128) }), { instanceOf: RangeError });
  t.throws(() => encodeLinkMessage({ kind: 'error', requestId: 1, code: 1, text: '\uD800' }), { instanceOf: RangeError });
  t.throws(() => encodeLinkMessage({ kind: 'acknowledge', requestId: 1, ids: new Array<number>(65_536).fill(0) }), { instanceOf: RangeError });
});

test('requests and answers are told apart; the request id is readable from a broken message', (t) => {
  t.true(isLinkRequest({ kind: 'fetch-lot', requestId: 1, id: 2 }));
  t.false(isLinkRequest({ kind: 'lot', requestId: 1, id: 2, bytes: new Uint8Array(0) }));
  t.is(linkRequestIdOf(hex('04 01 02 FF')), 0x102);
  t.is(linkRequestIdOf(hex('04 01')), null);
});

test('a byte-order mark in a string is kept, so the encoding round-trips', (t) => {
  const r = parseLinkMessage(hex('FF 00 01 00 06 04 EF BB BF 41'));
  t.true(r.ok && r.value.kind === 'error' && r.value.text === '\uFEFFA');
  if (r.ok) t.deepEqual(encodeLinkMessage(r.value), hex('FF 00 01 00 06 04 EF BB BF 41'));
});

testProp('round trip over arbitrary messages', [linkMessageArb], (t, message) => {
  const bytes = encodeLinkMessage(message);
  const r = parseLinkMessage(bytes);
  t.true(r.ok);
  if (r.ok) {
    t.deepEqual(r.value, message);
    t.deepEqual(encodeLinkMessage(r.value), bytes);
  }
});

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 60 })], (t, bytes) => {
  t.is(typeof parseLinkMessage(bytes).ok, 'boolean');
});

testProp('parse never throws on a known type byte and random fields', [fc.constantFrom(1, 2, 3, 4, 6, 8, 9, 0x0a, 0x0b, 0x81, 0x83, 0x86, 0x88, 0x89, 0x8a, 0x8b, 0xff), fc.uint8Array({ maxLength: 60 })], (t, type, rest) => {
  t.is(typeof parseLinkMessage(Uint8Array.of(type, ...rest)).ok, 'boolean');
});

/** The length of a message's fields before its opaque tail (FSE, lot, tariff, chunk bytes), or undefined when it has none. */
function headLength(message: LinkMessage): number | undefined {
  switch (message.kind) {
    case 'fse':
    case 'lot':
    case 'quarantined-chunk':
      return encodeLinkMessage({ ...message, bytes: new Uint8Array(0) }).length;
    case 'update-tariffs':
      return encodeLinkMessage({ ...message, table: new Uint8Array(0) }).length;
    default:
      return undefined;
  }
}

testProp('every strict prefix of a message fails (truncated where a field is cut)', [linkMessageArb], (t, message) => {
  const bytes = encodeLinkMessage(message);
  const head = headLength(message);
  for (let n = 0; n < bytes.length; n++) {
    const r = parseLinkMessage(bytes.subarray(0, n));
    // Opaque tails run to the end: a cut there is a shorter, valid body.
    if (r.ok) t.true(head !== undefined && n >= head, `prefix ${n} of ${message.kind} parsed`);
    else t.is(r.error.reason, 'truncated');
  }
});

test('the quarantine kinds: a released entry carries its time, a pending one a 0 byte; chunks are capped at 32 KiB', (t) => {
  const entry = { id: 1, reason: 'corrupt' as const, at: 5, detail: '', files: [] };
  const pending = encodeLinkMessage({ kind: 'quarantine-list', requestId: 1, quarantines: [entry] });
  const released = encodeLinkMessage({ kind: 'quarantine-list', requestId: 1, quarantines: [{ ...entry, releasedAt: 9 }] });
  t.is(released.length - pending.length, 8);
  const back = parseLinkMessage(pending);
  t.true(back.ok && back.value.kind === 'quarantine-list' && !('releasedAt' in back.value.quarantines[0]!));
  t.is(LINK_MAX_QUARANTINE_CHUNK, 32_768);
  t.throws(() => encodeLinkMessage({ kind: 'fetch-quarantined', requestId: 1, id: 1, name: 'x', offset: 0, length: 65_536 }), { instanceOf: RangeError });
});
