/**
 * SHA-256 of the bytes the cards sign (README "Hashing and verifying"):
 * node:crypto's `createHash`, a deterministic computation; the Buffer it
 * returns is copied into a Uint8Array at once.
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * SHA-256 (FIPS 180-4) of `bytes`, 32 bytes.
 * @example sha256(new Uint8Array()) // e3 b0 c4 42 ...
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
