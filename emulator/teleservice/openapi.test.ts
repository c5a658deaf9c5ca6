// The OpenAPI document served at /openapi.json: built from the route
// schemas, every route and error documented; the response check the other
// tests rely on really rejects what does not conform.
import test from 'ava';
import { TELESERVICE_ERRORS } from './errors.js';
import { openApiValidator, startTeleservice } from './test-support.js';
import { OPENAPI_PATH } from './teleservice.js';

test('served at /openapi.json: OpenAPI 3.1, the six routes, bearer security on rights and lots, the one error shape on every route', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const answer = await running.call('GET', OPENAPI_PATH);
  t.is(answer.status, 200);
  t.regex(answer.headers.get('content-type') ?? '', /application\/json/);
  const document = answer.body as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>;
    components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } };
  };
  t.is(document.openapi, '3.1.0');
  const responses = (path: string, method: string) => Object.keys(document.paths[path]![method]!.responses).sort();
  t.deepEqual(Object.keys(document.paths).sort(), ['/v1/auth/challenge', '/v1/auth/token', '/v1/lots', '/v1/lots/{receiptId}/arl', '/v1/returns', '/v1/rights']);
  for (const path of ['/v1/auth/challenge', '/v1/auth/token', '/v1/rights']) t.deepEqual(responses(path, 'post'), ['200', '4XX'], path);
  t.deepEqual(responses('/v1/lots', 'post'), ['200', '201', '4XX']);
  t.deepEqual(responses('/v1/lots/{receiptId}/arl', 'get'), ['200', '202', '4XX']);
  t.deepEqual(responses('/v1/returns', 'get'), ['200', '4XX']);
  for (const [path, method] of [['/v1/rights', 'post'], ['/v1/lots', 'post'], ['/v1/lots/{receiptId}/arl', 'get'], ['/v1/returns', 'get']] as const) {
    t.deepEqual(document.paths[path]![method]!.security, [{ bearer: [] }], path);
  }
  t.deepEqual(document.components.schemas.Error.properties.error.properties.code.enum, Object.keys(TELESERVICE_ERRORS));
});

test('the response check rejects answers that do not conform, and statuses a route does not document', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const check = openApiValidator((await running.call('GET', OPENAPI_PATH)).body as Record<string, unknown>);
  t.is(check('POST', '/v1/auth/challenge', 200, { challengeId: 'a', challenge: 'AAAA', expiresAt: '2026-11-23T12:00:00Z' }), undefined);
  t.regex(check('POST', '/v1/auth/challenge', 200, { challengeId: 'a' }) ?? '', /required/);
  t.regex(check('POST', '/v1/rights', 404, { error: { code: 'no-such-code', message: 'x' } }) ?? '', /allowed values/);
  t.regex(check('POST', '/v1/rights', 500, { error: { code: 'internal-error', message: 'x' } }) ?? '', /does not document status 500/);
  t.regex(check('GET', '/elsewhere', 404, { message: 'Not Found' }) ?? '', /required/);
});
