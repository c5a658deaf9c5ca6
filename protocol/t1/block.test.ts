import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import {
  encodeT1Block,
  nadOf,
  parseT1Block,
  parseT1BlockPrefix,
  replyNad,
  t1BlockCodec,
  T1_MAX_INF,
  type T1Block,
} from './block.js';
import type { T1Edc } from './edc.js';

type JsonBlock = Omit<T1Block, 'inf'> & { inf?: string };
interface Vectors {
  blocks: { name: string; edc: T1Edc; hex: string; block: JsonBlock }[];
  bad: (BadRow & { edc: T1Edc })[];
}
const vectors = loadVectors<Vectors>('t1');

const toBlock = (b: JsonBlock): T1Block => (b.kind === 'i' ? ({ ...b, inf: hex(b.inf ?? '') } as T1Block) : (b as T1Block));

for (const edc of ['lrc', 'crc'] as const) {
  test(`t1 block vectors (${edc}) hold in four directions`, (t) => {
    const rows: VectorRow<T1Block>[] = vectors.blocks.filter((r) => r.edc === edc).map((r) => ({ name: r.name, hex: r.hex, value: toBlock(r.block) }));
    t.true(rows.length >= 14);
    checkVectors(t, t1BlockCodec(edc), rows);
  });

  test(`t1 bad blocks (${edc}) fail with their reason and offset`, (t) => {
    const rows = vectors.bad.filter((r) => r.edc === edc);
    t.true(rows.length >= 4);
    checkBad(t, (b) => parseT1Block(b, { edc }), rows);
  });
}

test('the S(IFS request) of the brief is 00 C1 01 FE 3E', (t) => {
  const r = parseT1Block(hex('00 C1 01 FE 3E'), { edc: 'lrc' });
  t.deepEqual(r, { ok: true, value: { kind: 's', nad: 0, type: 'ifs', response: false, ifs: 254 } });
});

test('the prefix parser reads one block and reports its length', (t) => {
  const r = parseT1BlockPrefix(hex('00 E1 01 FE 1E 00 C1'), { edc: 'lrc' });
  t.true(r.ok);
  if (r.ok) {
    t.is(r.value.bytesRead, 5);
    t.deepEqual(r.value.value, { kind: 's', nad: 0, type: 'ifs', response: true, ifs: 254 });
  }
});

test('NAD helpers place DAD and SAD and swap them for the answer', (t) => {
  t.is(nadOf(1, 2), 0x12);
  t.is(replyNad(0x12), 0x21);
  t.is(replyNad(0x00), 0x00);
  t.is(replyNad(0x9a), 0xa9); // VPP bits b8 and b4 stay
  t.throws(() => nadOf(8, 0), { instanceOf: RangeError });
});

test('encode refuses values no block can carry', (t) => {
  const lrc = { edc: 'lrc' } as const;
  t.throws(() => encodeT1Block({ kind: 'i', nad: 0, ns: 0, more: false, inf: new Uint8Array(255) }, lrc), { instanceOf: RangeError });
  t.throws(() => encodeT1Block({ kind: 's', nad: 0, type: 'ifs', response: false, ifs: 255 }, lrc), { instanceOf: RangeError });
  t.throws(() => encodeT1Block({ kind: 's', nad: 0, type: 'wtx', response: false, multiplier: 0 }, lrc), { instanceOf: RangeError });
  t.throws(() => encodeT1Block({ kind: 'r', nad: 256, nr: 0, error: 'none' }, lrc), { instanceOf: RangeError });
});

const arbNad = fc.integer({ min: 0, max: 255 });
const arbBit = fc.constantFrom<0 | 1>(0, 1);
/** Any valid block. */
const arbT1Block: fc.Arbitrary<T1Block> = fc.oneof(
  fc.record({ kind: fc.constant('i' as const), nad: arbNad, ns: arbBit, more: fc.boolean(), inf: fc.uint8Array({ maxLength: T1_MAX_INF }) }),
  fc.record({ kind: fc.constant('r' as const), nad: arbNad, nr: arbBit, error: fc.constantFrom('none' as const, 'edc' as const, 'other' as const) }),
  fc.record({ kind: fc.constant('s' as const), nad: arbNad, type: fc.constantFrom('resynch' as const, 'abort' as const), response: fc.boolean() }),
  fc.record({ kind: fc.constant('s' as const), nad: arbNad, type: fc.constant('ifs' as const), response: fc.boolean(), ifs: fc.integer({ min: 1, max: 254 }) }),
  fc.record({ kind: fc.constant('s' as const), nad: arbNad, type: fc.constant('wtx' as const), response: fc.boolean(), multiplier: fc.integer({ min: 1, max: 255 }) }),
);
const arbEdc = fc.constantFrom<T1Edc>('lrc', 'crc');

testProp('parse(encode(block)) is the block, and encode(parse(bytes)) the bytes', [arbT1Block, arbEdc], (t, block, edc) => {
  const bytes = encodeT1Block(block, { edc });
  const r = parseT1Block(bytes, { edc });
  t.deepEqual(r, { ok: true, value: block });
  if (r.ok) t.is(toHex(encodeT1Block(r.value, { edc })), toHex(bytes));
});

testProp('parse never throws on random bytes', [fc.uint8Array({ maxLength: 300 }), arbEdc], (t, bytes, edc) => {
  const r = parseT1Block(bytes, { edc });
  t.is(typeof r.ok, 'boolean');
  if (r.ok) t.is(toHex(encodeT1Block(r.value, { edc })), toHex(bytes));
});

testProp('every strict prefix of a block is truncated', [arbT1Block, arbEdc], (t, block, edc) => {
  t.true(everyPrefixTruncated((b) => parseT1Block(b, { edc }), encodeT1Block(block, { edc })));
}, { numRuns: 200 });

testProp('one flipped bit is always caught by the EDC or the frame', [arbT1Block, arbEdc, fc.nat(), fc.integer({ min: 0, max: 7 })], (t, block, edc, at, bit) => {
  const bytes = encodeT1Block(block, { edc });
  bytes[at % bytes.length]! ^= 1 << bit;
  t.false(parseT1Block(bytes, { edc }).ok);
});
