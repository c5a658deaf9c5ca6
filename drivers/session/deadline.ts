/**
 * Bounding a wait: every exchange, connection and card wait of the
 * session layer ends by itself, with a `timeout` or `canceled`
 * {@link DriverError} that says what was waited for (issue 5: "every wait
 * has a timeout").
 * @module
 */
import { DriverError } from '../core/errors.js';

/** How long a wait may last, and the caller's way to end it early. */
export interface WaitLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** The plain words for a wait that ran out or was canceled. */
export interface WaitWords {
  /** Said when the time ran out, e.g. `no answer from the card in R within 30000 ms to SELECT`. */
  readonly timeout: (ms: number) => string;
  /** Said when the caller's signal fired, e.g. `canceled while waiting for R to answer SELECT`. */
  readonly canceled: string;
}

/** Throws a RangeError for a time limit that is not a positive finite number. */
export function checkTimeout(timeoutMs: number, name = 'timeoutMs'): number {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`${name} = ${timeoutMs} is not a positive number of milliseconds`);
  return timeoutMs;
}

/**
 * Run `work` under `limits`: it gets a signal that fires on timeout or
 * cancellation (so the transport can drop the call), and the returned
 * promise rejects at once with a `timeout` / `canceled` DriverError even
 * if `work` never settles. `onLate` gets a value `work` delivers after
 * that, so a lock or a port taken too late can be released.
 */
export function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  limits: WaitLimits,
  words: WaitWords,
  onLate?: (value: T) => void,
): Promise<T> {
  const { signal, timeoutMs } = limits;
  if (signal?.aborted === true) return Promise.reject(new DriverError('canceled', words.canceled, { cause: signal.reason }));
  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (error: DriverError): void => {
      if (!finish()) return;
      inner.abort(error);
      reject(error);
    };
    const onAbort = (): void => fail(new DriverError('canceled', words.canceled, { cause: signal?.reason }));
    const timer = setTimeout(() => fail(new DriverError('timeout', words.timeout(timeoutMs))), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    work(inner.signal).then(
      (value) => {
        if (finish()) resolve(value);
        else onLate?.(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
