/**
 * Retries with exponential backoff and full jitter (OURS): attempt `k`
 * (0-based) waits a uniformly drawn time in [0, min(maxDelayMs, baseDelayMs
 * × 2^k)], or the server's `Retry-After` when it asked for longer. The
 * jitter comes from a SEEDED generator (protocol's `mulberry32`) and the
 * wait from an injected `sleep`, so a test replays the same delays without
 * sleeping.
 * @module
 */
import { mulberry32, type Prng } from '../../protocol/index.js';
import { TeleserviceClientError } from './teleservice-error.js';

/** Waits `ms`, or rejects when `signal` fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How many times, and how long between. */
export interface RetryPolicy {
  /** Attempts in all (1: no retry); default 5. */
  readonly attempts?: number;
  /** First backoff ceiling; default 200 ms. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling; default 10 s. */
  readonly maxDelayMs?: number;
  /** Seed of the jitter; default 1. */
  readonly seed?: number;
  /** The wait; default a timer (tests inject one that records and returns at once). */
  readonly sleep?: Sleep;
}

/** A timer that rejects with the signal's reason when aborted. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * The wait before retry `attempt` (0-based): full jitter under the
 * exponential ceiling, at least `retryAfterMs`.
 * @example backoffDelay(0, { baseDelayMs: 200 }, mulberry32(1)) // a value in [0, 200]
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, rng: Prng, retryAfterMs = 0): number {
  const ceiling = Math.min(policy.maxDelayMs ?? 10_000, (policy.baseDelayMs ?? 200) * 2 ** attempt);
  return Math.max(retryAfterMs, Math.round(rng.next() * ceiling));
}

/** A retrying runner: `run(op)` tries `op` until it succeeds, fails for good, or the attempts are spent. */
export interface Retrier {
  /** Run `op`; `onRetry` hears each failure that will be retried and the wait before the next try. */
  run<T>(op: (attempt: number) => Promise<T>, options?: { readonly signal?: AbortSignal; readonly onRetry?: (error: TeleserviceClientError, delayMs: number, attempt: number) => void }): Promise<T>;
}

/**
 * A {@link Retrier} for `policy`: retries a {@link TeleserviceClientError} that is
 * `retryable`; anything else (and the last failure) is thrown as it is. The
 * generator is created once, so consecutive runs draw different jitter,
 * all replayed by the seed.
 */
export function createRetrier(policy: RetryPolicy = {}): Retrier {
  const attempts = policy.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, not ${attempts}`);
  const rng = mulberry32(policy.seed ?? 1);
  const sleep = policy.sleep ?? timerSleep;
  return {
    async run(op, options = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await op(attempt);
        } catch (error) {
          if (!(error instanceof TeleserviceClientError) || !error.retryable || attempt + 1 >= attempts) throw error;
          const delay = backoffDelay(attempt, policy, rng, error.retryAfterMs);
          options.onRetry?.(error, delay, attempt);
          try {
            await sleep(delay, options.signal);
          } catch (cause) {
            throw new TeleserviceClientError('canceled', 'canceled while waiting to try again', { cause });
          }
        }
      }
    },
  };
}
