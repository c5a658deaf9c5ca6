import test from 'ava';
import { mulberry32 } from '../card/rng.js';
import { faultStream } from './prng.js';

test('the same seed gives the same sequence, another seed another one', (t) => {
  const draw = (seed: number) => Array.from({ length: 8 }, mulberry32(seed).next);
  t.deepEqual(draw(1), draw(1));
  t.notDeepEqual(draw(1), draw(2));
});

test('the sequence is pinned: a change of generator would silently change every replayed plan', (t) => {
  const g = mulberry32(42);
  t.deepEqual(Array.from({ length: 4 }, () => g.below(1000)), PINNED_42);
});
// First four below(1000) draws of mulberry32(42), recorded from this implementation.
const PINNED_42 = [601, 448, 852, 669];

test('draws stay in range and spread over it', (t) => {
  const g = mulberry32(7);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const x = g.next();
    t.true(x >= 0 && x < 1);
    counts[g.below(10)]! += 1;
  }
  t.true(counts.every((c) => c > 850 && c < 1150), counts.join(','));
  t.throws(() => g.below(0), { instanceOf: RangeError });
});

test('each fault of a plan has its own stream', (t) => {
  const first = (index: number) => faultStream(5, index).next();
  t.not(first(0), first(1));
  t.is(first(1), faultStream(5, 1).next());
});
