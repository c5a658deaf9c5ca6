/**
 * The emulator's seeded randomness, so that GET CHALLENGE, fault plans and
 * every card session replay from a seed: the project's one generator,
 * protocol's `mulberry32` (re-exported here for the emulator's modules), and
 * a byte source over it. Not for secrets: the cards are test doubles.
 * @module
 */

import { mulberry32 } from '../../protocol/index.js';

export { mulberry32, type Prng } from '../../protocol/index.js';

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
