import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { mulberry32 } from './rng.js';

// First four u32 draws per seed, recorded from the implementation every copy in the project used
// before they were merged here (emulator/card/rng.ts, drivers/store/test-support.ts,
// protocol/link/simulated-line.ts): seeded runs recorded before the merge still replay.
const VECTORS: readonly (readonly [number, readonly number[]])[] = [
  [0, [0x4434b462, 0x00159c37, 0x39285b08, 0x256d8104]],
  [1, [0xa087eaf3, 0x00b349c9, 0x8706c4eb, 0xfb2627fd]],
  [42, [0x99e1ef7c, 0x72c32b8a, 0xda3b32c0, 0xab73b0ad]],
  [0xffffffff, [0xe57bf3d3, 0x3081a5a4, 0xb7350390, 0xf1ade904]],
  [2 ** 32 + 5, [0xb09516ac, 0xc5d280cf, 0x3842637e, 0x9f88a5b5]],
];

test('mulberry32: the recorded sequences, u32 and next', (t) => {
  for (const [seed, draws] of VECTORS) {
    const g = mulberry32(seed);
    t.deepEqual([0, 1, 2, 3].map(() => g.u32()), draws, `seed ${seed}`);
    const h = mulberry32(seed);
    t.deepEqual([0, 1, 2, 3].map(() => h.next()), draws.map((d) => d / 2 ** 32), `seed ${seed}, next`);
  }
});

test('mulberry32: the seed is taken modulo 2^32; below() refuses a bad bound', (t) => {
  t.is(mulberry32(-1).u32(), mulberry32(0xffffffff).u32());
  for (const n of [0, -3, 1.5, Number.NaN]) t.throws(() => mulberry32(1).below(n), { instanceOf: RangeError });
});

testProp('mulberry32: one seed, one sequence; next in [0, 1), below(n) in [0, n)', [fc.integer(), fc.integer({ min: 1, max: 2 ** 31 })], (t, seed, n) => {
  const a = mulberry32(seed);
  const b = mulberry32(seed);
  for (let i = 0; i < 16; i++) {
    const x = a.next();
    t.is(b.next(), x);
    t.true(x >= 0 && x < 1);
    const k = a.below(n);
    t.is(b.below(n), k);
    t.true(Number.isInteger(k) && k >= 0 && k < n);
  }
});
