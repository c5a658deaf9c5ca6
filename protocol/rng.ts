/**
 * The project's one seeded pseudo-random generator, mulberry32 (Tommy
 * Ettinger's 32-bit-state generator: small, fast, the same sequence on every
 * platform), so that every seeded run replays: the emulator's GET CHALLENGE
 * and fault plans, the simulated link line, the store's test records, the
 * day's scenario. It lives in `protocol/` because `protocol/` imports nothing
 * of ours: every other folder can use it. Not for secrets.
 * @module
 */

/** A reproducible stream of numbers. */
export interface Prng {
  /** A float in [0, 1): the next {@link Prng.u32} divided by 2^32. */
  next(): number;
  /** An integer in [0, n): `floor(next() * n)`; RangeError unless n is a positive integer. */
  below(n: number): number;
  /** The next 32-bit unsigned integer. */
  u32(): number;
}

/**
 * A generator whose sequence depends only on `seed` (taken as a 32-bit
 * unsigned integer: -1 and 2^32 - 1 are the same seed).
 * @example mulberry32(42).u32() // 0x99e1ef7c
 */
export function mulberry32(seed: number): Prng {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
  return {
    u32,
    next: () => u32() / 0x1_0000_0000,
    below: (n) => {
      if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`below(${n}): n must be a positive integer`);
      return Math.floor((u32() / 0x1_0000_0000) * n);
    },
  };
}
