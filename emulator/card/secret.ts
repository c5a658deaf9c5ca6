/**
 * Reference data (PINs and unblocking codes): salted hashing, the length
 * and padding rules, and the anti-tearing comparison of issue 4: the retry
 * counter is decremented and persisted BEFORE the value is compared, and
 * restored (persisted again) only on success, so a power cut at any point
 * never gives a free try.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secret } from './card-model.js';

/** SHA-256 over salt || value: how a card image stores reference data (OURS). */
export function secretDigest(salt: Uint8Array, value: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(salt).update(value).digest());
}

/** A new salt and digest for `value` (a fresh 16-byte salt from node:crypto). */
export function hashSecret(value: Uint8Array): { salt: Uint8Array; digest: Uint8Array } {
  const salt = new Uint8Array(randomBytes(16));
  return { salt, digest: secretDigest(salt, value) };
}

/**
 * The value carried by VERIFY data: trailing pad bytes removed when the
 * secret allows padding (OpenSC pads a PIN with FF, DOMAIN.md). Undefined
 * when the length is outside min..max: the card answers 6A80 without
 * counting a try (OURS).
 */
export function candidateValue(secret: Secret, data: Uint8Array): Uint8Array | undefined {
  let end = data.length;
  if (secret.padByte !== undefined) while (end > 0 && data[end - 1] === secret.padByte) end--;
  if (end < secret.minLength || end > secret.maxLength) return undefined;
  return data.subarray(0, end);
}

/** Whether `value` matches, in constant time. Never call without {@link checkWithAntiTearing}. */
function matches(secret: Secret, value: Uint8Array): boolean {
  return timingSafeEqual(secretDigest(secret.salt, value), secret.digest);
}

/**
 * The anti-tearing comparison. `persist` writes the whole card image; it
 * may throw (a power cut), in which case the try is already counted.
 * Returns true on a match (counter back to its maximum), false otherwise
 * (counter one lower). The caller checks `triesLeft > 0` first.
 * `candidates` are the possible values (CHANGE REFERENCE DATA splits its
 * data in several ways); the first that matches wins.
 */
export function checkWithAntiTearing(secret: Secret, candidates: readonly Uint8Array[], persist: () => void): Uint8Array | undefined {
  secret.triesLeft -= 1;
  persist();
  const hit = candidates.find((c) => matches(secret, c));
  if (hit === undefined) return undefined;
  secret.triesLeft = secret.triesMax;
  persist();
  return hit;
}

/** Give the secret a new value (fresh salt) and a full counter. */
export function setSecret(secret: Secret, value: Uint8Array): void {
  const { salt, digest } = hashSecret(value);
  secret.salt = salt;
  secret.digest = digest;
  secret.triesLeft = secret.triesMax;
}
