import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { mulberry32 } from '../../protocol/index.js';
import { backoffDelay, createRetrier, TeleserviceClientError } from '../index.js';

const failing = (code: 'unreachable' | 'refused' | 'http', status?: number, retryAfterMs?: number) =>
  new TeleserviceClientError(code, code, { ...(status === undefined ? {} : { status }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

test('retryable failures are retried with seeded backoff; the same seed replays the same waits; no real sleep', async (t) => {
  const run = async (seed: number) => {
    const waits: number[] = [];
    const retrier = createRetrier({ attempts: 4, baseDelayMs: 100, seed, sleep: async (ms) => void waits.push(ms) });
    let calls = 0;
    const value = await retrier.run(async () => {
      calls++;
      if (calls < 4) throw failing(calls === 2 ? 'http' : 'unreachable', calls === 2 ? 503 : undefined);
      return 'ok';
    });
    return { value, calls, waits };
  };
  const a = await run(7);
  t.like(a, { value: 'ok', calls: 4 });
  t.is(a.waits.length, 3);
  a.waits.forEach((w, k) => t.true(w >= 0 && w <= 100 * 2 ** k));
  t.deepEqual((await run(7)).waits, a.waits);
  t.notDeepEqual((await run(8)).waits, a.waits);
});

test('a refusal or a 4xx is not retried; the attempts end with the last error; Retry-After is honoured', async (t) => {
  const waits: number[] = [];
  const retrier = createRetrier({ attempts: 3, sleep: async (ms) => void waits.push(ms) });
  let calls = 0;
  await t.throwsAsync(retrier.run(async () => (calls++, Promise.reject(failing('refused', 401)))), { message: 'refused' });
  t.is(calls, 1);
  calls = 0;
  await t.throwsAsync(retrier.run(async () => (calls++, Promise.reject(failing('http', 429, 5000)))));
  t.is(calls, 3);
  t.deepEqual(waits, [5000, 5000]);
  t.throws(() => createRetrier({ attempts: 0 }), { instanceOf: RangeError });
});

test('an aborted wait is canceled', async (t) => {
  const controller = new AbortController();
  controller.abort();
  const retrier = createRetrier({ attempts: 2, baseDelayMs: 1 });
  const error = await t.throwsAsync(retrier.run(async () => Promise.reject(failing('unreachable')), { signal: controller.signal }));
  t.is((error as TeleserviceClientError).code, 'canceled');
});

testProp('backoff stays within [retryAfter, max(retryAfter, min(max, base·2^k))]', [fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 60_000 }), fc.integer()], (t, k, base, after, seed) => {
  const d = backoffDelay(k, { baseDelayMs: base, maxDelayMs: 20_000 }, mulberry32(seed), after);
  t.true(d >= after && d <= Math.max(after, Math.min(20_000, base * 2 ** k)));
});
