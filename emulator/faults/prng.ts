/**
 * Per-fault random streams over the emulator's one generator
 * (`card/rng.ts`), so that a fault plan and a seed replay the same faults.
 * @module
 */
import { mulberry32, type Prng } from '../card/rng.js';

export type { Prng };

/**
 * The independent stream of fault number `index` of a plan: adding or
 * removing one fault does not shift the draws of the others.
 */
export function faultStream(seed: number, index: number): Prng {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}
