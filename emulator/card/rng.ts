/**
 * The one seeded pseudo-random generator of the emulator (mulberry32: a
 * 32-bit state, small, fast, the same sequence on every platform), so that
 * GET CHALLENGE, fault plans and every card session replay from a seed.
 * Not for secrets: the cards are test doubles.
 * @module
 */

/** A reproducible stream of numbers. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  /** The next 32-bit unsigned integer. */
  u32(): number;
}

/** A generator whose sequence depends only on `seed` (taken as a 32-bit unsigned integer). */
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

/** A reproducible byte source. */
export interface SeededRng {
  /** The next `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array;
}

/** Bytes whose sequence depends only on `seed` (a 32-bit integer). */
export function seededRng(seed: number): SeededRng {
  const prng = mulberry32(seed);
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = prng.u32();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
      }
      return out;
    },
  };
}
