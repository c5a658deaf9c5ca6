// Every malformed request gets a 4xx with the one error shape, and nothing
// is stored from it (issue 7); fastify's own failures are mapped to it.
// Every answer is checked against the served OpenAPI document by `call`/`raw`.
import test from 'ava';
import fc from 'fast-check';
import { TELESERVICE_ERRORS } from './errors.js';
import { bearer, startTeleservice } from './test-support.js';

const code = (body: unknown): string | undefined => (body as { error?: { code?: string } }).error?.code;
const JSON_TYPE = { 'content-type': 'application/json' };

test('fastify\'s failures in our shape: bad JSON, empty body, wrong content type, too large, unknown route, extra or mistyped fields', async (t) => {
  const running = await startTeleservice({ bodyLimit: 1024 });
  t.teardown(running.stop);
  const cases: [string, string, string | undefined, Record<string, string>, number, string][] = [
    ['POST', '/v1/auth/challenge', '{"rpps":', JSON_TYPE, 400, 'bad-json'],
    ['POST', '/v1/auth/challenge', '{"__proto__":{"x":1}}', JSON_TYPE, 400, 'bad-json'],
    ['POST', '/v1/auth/challenge', '', JSON_TYPE, 400, 'empty-body'],
    ['POST', '/v1/auth/challenge', 'rpps=99900000037', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported-media-type'],
    ['POST', '/v1/auth/challenge', '{"rpps":"99900000037"}', { 'content-type': 'text/plain' }, 415, 'unsupported-media-type'],
    ['POST', '/v1/auth/challenge', `{"rpps":"${'9'.repeat(2000)}"}`, JSON_TYPE, 413, 'body-too-large'],
    ['POST', '/v1/auth/challenge', '{}', JSON_TYPE, 400, 'invalid-request'],
    ['POST', '/v1/auth/challenge', '{"rpps":"99900000037","admin":true}', JSON_TYPE, 400, 'invalid-request'],
    ['POST', '/v1/auth/challenge', '{"rpps":99900000037}', JSON_TYPE, 400, 'invalid-request'],
    ['POST', '/v1/auth/challenge', '[]', JSON_TYPE, 400, 'invalid-request'],
    ['POST', '/v1/auth/token', '{"challengeId":"x"}', JSON_TYPE, 400, 'invalid-request'],
    ['POST', '/v1/rights', '{"nir":"1","birthDate":"x","birthRank":"1"}', JSON_TYPE, 400, 'invalid-request'],
    ['GET', '/v1/rights', undefined, {}, 404, 'unknown-route'],
    ['DELETE', '/v1/auth/token', undefined, {}, 404, 'unknown-route'],
    ['GET', '/nowhere?x=1', undefined, {}, 404, 'unknown-route'],
  ];
  for (const [method, path, body, headers, status, expected] of cases) {
    const answer = await running.raw(method, path, body, headers);
    t.is(answer.status, status, `${method} ${path} ${body ?? ''}`);
    t.is(code(answer.body), expected, `${method} ${path} ${body ?? ''}`);
    t.is<number, number>(TELESERVICE_ERRORS[expected as keyof typeof TELESERVICE_ERRORS].status, status, 'the table agrees');
  }
  t.deepEqual(running.service.store.counts(), { challenge: 0, token: 0, professional: 0, lot_reception: 0, lot_sequence: 0, lot_return: 0 });
});

test('over the rate limit: 429 rate-limited with Retry-After', async (t) => {
  const running = await startTeleservice({ rateLimit: { max: 3, windowMs: 60_000 } });
  t.teardown(running.stop);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await running.call('POST', '/v1/auth/challenge', { rpps: '99900000037' })).status);
  t.deepEqual(statuses, [200, 200, 200, 429]);
  const limited = await running.call('POST', '/v1/auth/challenge', { rpps: '99900000037' });
  t.is(code(limited.body), 'rate-limited');
  t.truthy(limited.headers.get('retry-after'));
  t.is(running.service.store.counts().challenge, 3);
});

const ROUTES = ['/v1/auth/challenge', '/v1/auth/token', '/v1/rights', '/openapi.json', '/v1', '/v1/rights/x'] as const;
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined] as const;

/** Request-shaped objects with wrong, missing and extra fields: closer to the schemas than random JSON. */
const nearMiss = fc.record(
  {
    rpps: fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{11}$/), fc.integer()),
    certificate: fc.oneof(fc.base64String(), fc.string(), fc.constant('AAAA')),
    challengeId: fc.oneof(fc.string(), fc.constant('')),
    signature: fc.oneof(fc.base64String({ maxLength: 400 }), fc.string()),
    nir: fc.oneof(fc.stringMatching(/^[0-9]{15}$/), fc.constant('290059934104582'), fc.string()),
    birthDate: fc.oneof(fc.constant('1990-05-05'), fc.string()),
    birthRank: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.string(), fc.double()),
    cardSerial: fc.string(),
    date: fc.string(),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.json().map((s) => s as string | Uint8Array),
  nearMiss.map((o) => JSON.stringify(o) as string | Uint8Array),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);

test('hostile requests to every route: never a 5xx, always the error shape (OpenAPI-checked), nothing stored from a 4xx', async (t) => {
  const running = await startTeleservice({ bodyLimit: 4096 });
  t.teardown(running.stop);
  const token = await bearer(running);
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
      fc.constantFrom(...ROUTES),
      fc.constantFrom(...CONTENT_TYPES),
      body,
      fc.boolean(),
      async (method, path, type, payload, authorised) => {
        const before = running.service.store.counts();
        const headers: Record<string, string> = { ...(type === undefined ? {} : { 'content-type': type }), ...(authorised ? token : {}) };
        const answer = await running.raw(method, path, payload, headers);
        if (answer.status >= 500) return false;
        if (answer.status >= 400) {
          refused++;
          if (code(answer.body) === undefined) return false;
          return JSON.stringify(running.service.store.counts()) === JSON.stringify(before);
        }
        return true;
      },
    ),
    { seed: 7, numRuns: 400 },
  );
  t.true(refused > 300, `${refused} refused`);
});
