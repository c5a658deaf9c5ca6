import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated } from '../test-support.js';
import { arbTlv } from './arbitraries.js';
import {
  encodeTlv,
  encodeTlvNode,
  MAX_TLV_DEPTH,
  parseTlv,
  parseTlvNode,
  parseTlvPrefix,
  tlvCodec,
  tlvNodeCodec,
  type TlvItem,
  type TlvNode,
} from './ber-tlv.js';
import { tlv, tlvConstructed } from './builders.js';
import { berRows, tlvVectors, type TlvBadRow } from './vectors.js';

function checkPaths(t: import('ava').ExecutionContext, parse: (b: Uint8Array) => ReturnType<typeof parseTlv>, rows: readonly TlvBadRow[]): void {
  for (const row of rows) {
    if (row.path === undefined) continue;
    const r = parse(hex(row.hex));
    t.is(r.ok ? 'ok' : r.error.path, row.path, `path: ${row.name ?? row.hex}`);
  }
}

/** An `A0` header with the minimal length field for `length` (X.690 §8.1.3), written independently of the encoder. */
function a0Header(length: number): number[] {
  if (length < 0x80) return [0xa0, length];
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return [0xa0, 0x80 | bytes.length, ...bytes];
}

/** `count` nested `A0` templates, innermost `A0 00`, built flat (the builders would take quadratic time). */
function nested(count: number): Uint8Array {
  const headers: number[][] = [];
  let length = 0;
  for (let i = 0; i < count; i++) {
    const header = a0Header(length);
    headers.push(header);
    length += header.length;
  }
  return Uint8Array.from(headers.reverse().flat());
}

test('BER-TLV vectors, four directions', (t) => {
  t.true(berRows.length >= 20);
  checkVectors(t, tlvCodec, berRows);
});

test('every single-object vector also goes through the node codec', (t) => {
  const single = berRows.filter((r) => r.value.length === 1 && !('padding' in r.value[0]!));
  t.true(single.length >= 8);
  checkVectors(
    t,
    tlvNodeCodec,
    single.map((r) => ({ name: r.name ?? r.hex, hex: r.hex, value: r.value[0] as TlvNode })),
  );
});

test('bad BER-TLV fails with its reason, offset and path', (t) => {
  checkBad(t, parseTlv, tlvVectors.badBerTlv);
  checkPaths(t, parseTlv, tlvVectors.badBerTlv);
});

test('a single data object refuses padding and what follows it', (t) => {
  checkBad(t, parseTlvNode, tlvVectors.badTlvNode);
});

test('the prefix parser stops after the first object', (t) => {
  const r = parseTlvPrefix(hex('80 01 41 90 00'));
  t.true(r.ok);
  if (r.ok) {
    t.is(r.value.bytesRead, 3);
    t.is(toHex(r.value.value.value), '41');
  }
  const long = parseTlvPrefix(hex('5F 37 81 80'));
  t.false(long.ok);
});

test('parsed values are views into the input, not copies', (t) => {
  const bytes = hex('65 05 80 03 44 55 50');
  const r = parseTlv(bytes);
  if (!r.ok) return t.fail(r.error.message);
  const node = r.value[0] as TlvNode;
  t.is(node.value.buffer, bytes.buffer);
  t.is(node.value.byteOffset, 2);
  t.true(node.constructed);
  if (node.constructed) t.is((node.children[0] as TlvNode).value.byteOffset, 4);
});

test('10,000 nested templates fail with too-deep quickly, at the 17th level', (t) => {
  const bytes = nested(10_000);
  const began = performance.now();
  const r = parseTlv(bytes);
  t.true(performance.now() - began < 500);
  t.false(r.ok);
  if (!r.ok) {
    t.is(r.error.reason, 'too-deep');
    t.is(r.error.offset, countHeaderBytes(bytes, 16));
  }
  t.true(parseTlv(nested(16)).ok, '16 levels are within the default');
  const deeper = parseTlv(nested(17), { maxDepth: 17 });
  t.true(deeper.ok, 'maxDepth is configurable');
  t.false(parseTlv(nested(3), { maxDepth: 2 }).ok);
});

/** Bytes taken by the first `levels` headers of a nesting made by `nested`. */
function countHeaderBytes(bytes: Uint8Array, levels: number): number {
  let at = 0;
  for (let i = 0; i < levels; i++) {
    const l = bytes[at + 1]!;
    at += 2 + (l >= 0x80 ? l & 0x7f : 0);
  }
  return at;
}

test('10,000 nested headers whose lengths lie fail with truncated at once', (t) => {
  const header = hex('A0 84 7F FF FF FF');
  const bytes = new Uint8Array(header.length * 10_000);
  for (let i = 0; i < 10_000; i++) bytes.set(header, i * header.length);
  const r = parseTlv(bytes);
  t.true(!r.ok && r.error.reason === 'truncated' && r.error.offset === 1 && r.error.path === 'tlv/A0/value');
});

test('node and size limits give too-large', (t) => {
  const four = hex('80 00 80 00 80 00 80 00');
  t.true(parseTlv(four, { maxNodes: 4 }).ok);
  const r = parseTlv(four, { maxNodes: 3 });
  t.true(!r.ok && r.error.reason === 'too-large' && r.error.offset === 6);
  const padded = parseTlv(hex('80 00 00 80 00'), { maxNodes: 2 });
  t.true(!padded.ok && padded.error.reason === 'too-large', 'padding runs count');
  const big = parseTlv(new Uint8Array(100), { maxBytes: 99 });
  t.true(!big.ok && big.error.reason === 'too-large');
  t.true(parseTlv(new Uint8Array(100), { maxBytes: 100 }).ok);
});

test('maxTagBytes reaches 4-byte tags, which the builders and encoder accept', (t) => {
  const bytes = hex('DF 81 82 03 01 41');
  t.is(parseTlv(bytes).ok ? 'ok' : 'bad', 'bad');
  const r = parseTlv(bytes, { maxTagBytes: 4 });
  t.true(r.ok && (r.value[0] as TlvNode).tag === 0xdf818203);
  t.is(toHex(encodeTlvNode(tlv(0xdf818203, hex('41')))), 'DF81820301' + '41');
  const one = parseTlv(hex('5F 20 00'), { maxTagBytes: 1 });
  t.true(!one.ok && one.error.reason === 'bad-tag');
});

test('options out of range are programmer errors', (t) => {
  const empty = new Uint8Array(0);
  t.throws(() => parseTlv(empty, { maxDepth: 0 }), { instanceOf: RangeError });
  t.throws(() => parseTlv(empty, { maxDepth: 100_000 }), { instanceOf: RangeError });
  t.throws(() => parseTlv(empty, { maxTagBytes: 5 }), { instanceOf: RangeError });
  t.throws(() => parseTlv(empty, { maxNodes: 0 }), { instanceOf: RangeError });
  t.throws(() => parseTlv(empty, { maxBytes: -1 }), { instanceOf: RangeError });
});

test('encode refuses hand-made values no parse can give', (t) => {
  const a = hex('41');
  const bad: TlvItem[][] = [
    [{ tag: 0x1f, lengthSize: 1, value: a, constructed: false }],
    [{ tag: 0x5f80, lengthSize: 1, value: a, constructed: false }],
    [{ tag: 0x65, lengthSize: 1, value: a, constructed: false }],
    [{ tag: 0x80, lengthSize: 1, value: a, constructed: true, children: [] }],
    [{ tag: 0x80, lengthSize: 1, value: new Uint8Array(128), constructed: false }],
    [{ tag: 0x80, lengthSize: 6, value: a, constructed: false }],
    [{ tag: 0x80, lengthSize: 1.5, value: a, constructed: false }],
    [{ padding: new Uint8Array(0) }],
    [{ padding: hex('00 01') }],
    [{ padding: hex('00') }, { padding: hex('FF') }],
  ];
  for (const items of bad) t.throws(() => encodeTlv(items), { instanceOf: RangeError }, JSON.stringify(items, (_, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
});

test('encode refuses nesting deeper than MAX_TLV_DEPTH instead of overflowing the stack', (t) => {
  let node: TlvNode = tlv(0x80, new Uint8Array(0));
  for (let i = 0; i < MAX_TLV_DEPTH; i++) node = { tag: 0xa0, lengthSize: 1, value: new Uint8Array(0), constructed: true, children: [node] };
  t.throws(() => encodeTlvNode(node), { instanceOf: RangeError, message: /deeper/ });
});

test('a constructed node is encoded from its children, not its value', (t) => {
  const node = { ...tlvConstructed(0x65, [tlv(0x80, hex('41'))]), value: hex('99') };
  t.is(toHex(encodeTlvNode(node)), '6503800141');
});

testProp('round trip over arbitrary trees', [arbTlv.items], (t, items) => {
  const bytes = encodeTlv(items);
  const back = parseTlv(bytes);
  if (!back.ok) return t.fail(`${back.error.reason} at ${back.error.offset} (${back.error.path})`);
  t.deepEqual(back.value, items);
  t.is(toHex(encodeTlv(back.value)), toHex(bytes));
}, { numRuns: 300 });

testProp('every strict prefix of a data object is truncated', [arbTlv.node], (t, node) => {
  t.true(everyPrefixTruncated(parseTlvNode, encodeTlvNode(node)));
}, { numRuns: 150 });

testProp('parse never throws on random bytes, and what it accepts re-encodes exactly', [fc.uint8Array({ maxLength: 400 })], (t, bytes) => {
  const r = parseTlv(bytes, { maxTagBytes: 4 });
  if (r.ok) t.is(toHex(encodeTlv(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length && r.error.path.startsWith('tlv'));
}, { numRuns: 1000 });

testProp(
  'parse never throws on corrupted encodings, and what it accepts re-encodes exactly',
  [arbTlv.items, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })],
  (t, items, flips) => {
    const bytes = concatBytes(encodeTlv(items));
    for (const [at, b] of flips) if (bytes.length > 0) bytes[at % bytes.length] = b;
    const r = parseTlv(bytes);
    if (r.ok) t.is(toHex(encodeTlv(r.value)), toHex(bytes));
    else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
  },
  { numRuns: 300 },
);
