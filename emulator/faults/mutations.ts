/**
 * The byte-level parts of faults, pure: flipping response bits at seeded
 * positions, and the wrong values block-pin sends.
 * @module
 */
import type { CorruptAction } from './fault-plan.js';
import type { Prng } from './prng.js';

/**
 * A copy of `response` with `bits` distinct bits flipped at positions
 * drawn from `prng`, inside `region`: 'data' (everything before SW1 SW2),
 * 'status' (SW1 SW2) or 'any'. A 'data' region that is empty falls back
 * to the whole response (ours). At most every bit of the region flips.
 */
export function flipBits(response: Uint8Array, bits: number, region: NonNullable<CorruptAction['region']>, prng: Prng): Uint8Array {
  const out = response.slice();
  const dataEnd = Math.max(0, response.length - 2);
  let [start, end] = region === 'data' ? [0, dataEnd] : region === 'status' ? [dataEnd, response.length] : [0, response.length];
  if (end <= start) [start, end] = [0, response.length];
  const span = (end - start) * 8;
  if (span === 0) return out;
  const chosen = new Set<number>();
  while (chosen.size < Math.min(bits, span)) chosen.add(prng.below(span));
  for (const bit of chosen) {
    const i = start + (bit >> 3);
    out[i] = out[i]! ^ (1 << (bit & 7));
  }
  return out;
}

/**
 * The `k`-th wrong value (k >= 1) derived from a VERIFY's data: same
 * length, the first byte changed, staying a decimal digit when it is one
 * (a card may refuse a non-digit without counting a try, and a trailing
 * FF pad would change the length it sees). Nine digit alternatives cycle;
 * at most one of them can be the card's PIN.
 */
export function wrongValue(data: Uint8Array, k: number): Uint8Array {
  const out = data.slice();
  const first = out[0]!;
  out[0] = first >= 0x30 && first <= 0x39 ? 0x30 + ((first - 0x30 + 1 + ((k - 1) % 9)) % 10) : first ^ (((k - 1) % 255) + 1);
  return out;
}
