// CPS authentication over real loopback HTTP and a real SQLite file: the
// challenge-token exchange, every refusal, the lock-out (DOMAIN.md
// "Teleservices": 3 failures lock, like amelipro) and token expiry.
import test from 'ava';
import { b64, bearer, doctorKeys, login, startTeleservice, type Running } from './test-support.js';

const code = (body: unknown): string | undefined => (body as { error?: { code?: string } }).error?.code;

async function challengeFor(running: Running, rpps: string): Promise<{ challengeId: string; bytes: Uint8Array }> {
  const answer = await running.call('POST', '/v1/auth/challenge', { rpps });
  const body = answer.body as { challengeId: string; challenge: string };
  return { challengeId: body.challengeId, bytes: new Uint8Array(Buffer.from(body.challenge, 'base64url')) };
}

test('a doctor signs the challenge with the CPS authentication key and gets a bearer token that opens /v1/rights', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const answer = await login(running, 'dr-benali');
  t.is(answer.status, 200);
  const body = answer.body as { token: string; tokenType: string; expiresAt: string; professional: { rpps: string; name: string } };
  t.deepEqual(body.professional, { rpps: '99900000037', name: 'AMINA BENALI' });
  t.is(body.tokenType, 'Bearer');
  t.is(body.expiresAt, '2026-11-23T12:10:00.000Z');
  const stored = running.service.store.db.prepare('SELECT hash FROM token').all() as { hash: string }[];
  t.is(stored.length, 1);
  t.false(JSON.stringify(stored).includes(body.token), 'only the hash is stored');
  const rights = await running.call('POST', '/v1/rights', { nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 }, { authorization: `Bearer ${body.token}` });
  t.is(rights.status, 200);
});

test('the challenge is 32 random bytes, bound to the RPPS, given by RPPS or read from the certificate', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const byRpps = await challengeFor(running, '99900000037');
  t.is(byRpps.bytes.length, 32);
  const second = await challengeFor(running, '99900000037');
  t.notDeepEqual(second.bytes, byRpps.bytes);
  const mismatch = await running.call('POST', '/v1/auth/challenge', { rpps: '99900000011', certificate: b64(doctorKeys('dr-benali').certificate) });
  t.is(code(mismatch.body), 'wrong-professional');
  const notACertificate = await running.call('POST', '/v1/auth/challenge', { certificate: 'AAAA' });
  t.is(code(notACertificate.body), 'bad-certificate');
  t.is(running.service.store.counts().challenge, 2, 'refused requests store nothing');
});

test('a token for another doctor\'s challenge is wrong-professional; a signature certificate is refused for authentication', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const keys = doctorKeys('dr-benali');
  const other = await challengeFor(running, '99900000011');
  const wrong = await running.call('POST', '/v1/auth/token', { challengeId: other.challengeId, signature: b64(keys.sign(other.bytes)), certificate: b64(keys.certificate) });
  t.is(wrong.status, 401);
  t.is(code(wrong.body), 'wrong-professional');
  const signing = doctorKeys('dr-benali', 'sign');
  const mine = await challengeFor(running, '99900000037');
  const usage = await running.call('POST', '/v1/auth/token', { challengeId: mine.challengeId, signature: b64(signing.sign(mine.bytes)), certificate: b64(signing.certificate) });
  t.is(code(usage.body), 'certificate-usage');
});

test('revoked (dr-garnier, in the CRL) and expired (dr-marchand) certificates are refused', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  t.is(code((await login(running, 'dr-garnier')).body), 'revoked-certificate');
  t.is(code((await login(running, 'dr-marchand')).body), 'expired-certificate');
  t.is(running.service.store.counts().token, 0);
});

test('a certificate from another CA is untrusted; a forged signature is bad-signature', async (t) => {
  const running = await startTeleservice({ trust: { ca: doctorKeysCa() } });
  t.teardown(running.stop);
  t.is(code((await login(running, 'dr-benali')).body), 'untrusted-certificate');
  const honest = await startTeleservice();
  t.teardown(honest.stop);
  const keys = doctorKeys('dr-benali');
  const forged = { certificate: keys.certificate, sign: doctorKeys('dr-lefebvre').sign };
  const answer = await login(honest, 'dr-benali', forged);
  t.is(answer.status, 401);
  t.is(code(answer.body), 'bad-signature');
});

/** Another self-consistent "CA": a doctor's own certificate, which issued nobody. */
function doctorKeysCa(): Uint8Array {
  return doctorKeys('dr-rousseau').certificate;
}

test('a challenge answers once, and not after it expires', async (t) => {
  const running = await startTeleservice();
  t.teardown(running.stop);
  const keys = doctorKeys('dr-benali');
  const c = await challengeFor(running, '99900000037');
  const body = { challengeId: c.challengeId, signature: b64(keys.sign(c.bytes)), certificate: b64(keys.certificate) };
  t.is((await running.call('POST', '/v1/auth/token', body)).status, 200);
  t.is(code((await running.call('POST', '/v1/auth/token', body)).body), 'challenge-used');
  const late = await challengeFor(running, '99900000037');
  running.clock.advance(2 * 60_000 + 1);
  t.is(code((await running.call('POST', '/v1/auth/token', { ...body, challengeId: late.challengeId, signature: b64(keys.sign(late.bytes)) })).body), 'challenge-expired');
  t.is(code((await running.call('POST', '/v1/auth/token', { ...body, challengeId: 'no-such-id' })).body), 'unknown-challenge');
});

test('three failed authentications lock the professional (423 with Retry-After); after the lock a success resets the count', async (t) => {
  const running = await startTeleservice({ lockout: { maxFailures: 3, lockMs: 60_000 } });
  t.teardown(running.stop);
  const keys = doctorKeys('dr-benali');
  const forged = { certificate: keys.certificate, sign: doctorKeys('dr-lefebvre').sign };
  for (const n of [1, 2, 3]) {
    const failed = await login(running, 'dr-benali', forged);
    t.is(code(failed.body), 'bad-signature', `failure ${n}`);
  }
  const locked = await login(running, 'dr-benali');
  t.is(locked.status, 423);
  t.is(code(locked.body), 'account-locked');
  t.is(locked.headers.get('retry-after'), '60');
  // Another professional is not affected.
  t.is((await login(running, 'dr-lefebvre')).status, 200);
  running.clock.advance(60_001);
  t.is((await login(running, 'dr-benali')).status, 200, 'the lock is over');
  // The count starts again from zero: two failures do not lock.
  for (const _ of [1, 2]) await login(running, 'dr-benali', forged);
  t.is((await login(running, 'dr-benali')).status, 200);
});

test('a challenge taken before the lock cannot be answered during it', async (t) => {
  const running = await startTeleservice({ lockout: { maxFailures: 1, lockMs: 1000 } });
  t.teardown(running.stop);
  const keys = doctorKeys('dr-benali');
  const early = await challengeFor(running, '99900000037');
  await login(running, 'dr-benali', { certificate: keys.certificate, sign: doctorKeys('dr-lefebvre').sign });
  const answer = await running.call('POST', '/v1/auth/token', { challengeId: early.challengeId, signature: b64(keys.sign(early.bytes)), certificate: b64(keys.certificate) });
  t.is(code(answer.body), 'account-locked');
  t.is(running.service.store.challenge(early.challengeId)?.usedAt, null, 'the refused answer did not use the challenge');
});

test('bearer tokens: missing, unknown, expired', async (t) => {
  const running = await startTeleservice({ tokenLifetimeMs: 1000 });
  t.teardown(running.stop);
  const query = { nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 };
  t.is(code((await running.call('POST', '/v1/rights', query)).body), 'missing-token');
  t.is(code((await running.call('POST', '/v1/rights', query, { authorization: 'Basic abc' })).body), 'missing-token');
  t.is(code((await running.call('POST', '/v1/rights', query, { authorization: 'Bearer nope' })).body), 'invalid-token');
  const headers = await bearer(running);
  t.is((await running.call('POST', '/v1/rights', query, headers)).status, 200);
  running.clock.advance(1001);
  const expired = await running.call('POST', '/v1/rights', query, headers);
  t.is(expired.status, 401);
  t.is(code(expired.body), 'expired-token');
});
