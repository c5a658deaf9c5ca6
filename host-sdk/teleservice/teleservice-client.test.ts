// The teleservice client and the card signer against the REAL emulated
// teleservice (fastify on a loopback port, real HTTP) and an emulated CPS in
// the in-process transport: authentication, token reuse and renewal, typed
// failures; the rights cache live, cached, then stale with the server gone.
import test from 'ava';
import { join } from 'node:path';
import { createInProcessTransport, createReaderManager, type CardSession } from '../../drivers/index.js';
import { createTeleservice, fromCard, loadDoctors, openCps, virtualClock } from '../../emulator/index.js';
import { HOST_NOW, hostDatabase, tempFolder } from '../test-support.js';
import { cardCpsSigner, connectTeleservice, isSignerError, isTeleserviceClientError, lookupRights, type HostCpsSigner } from '../index.js';

const folder = tempFolder();
test.after.always(() => folder.remove());

/** An emulated CPS of `doctorId` in a reader, PIN not verified; counts the VERIFYs sent. */
async function cpsInReader(doctorId: string): Promise<{ session: CardSession; pin: string; rpps: string; verifies: () => number; close(): Promise<void> }> {
  const transport = createInProcessTransport();
  transport.addReader('CPS');
  const manager = createReaderManager(transport, { timeoutMs: 5000 });
  await transport.insert('CPS', fromCard(await openCps(doctorId, { stateDir: join(folder.dir, `${doctorId}-${Math.random()}`) })));
  const session = await manager.reader('CPS').connect();
  let verifies = 0;
  session.onExchange((record) => {
    if (record.command.startsWith('0020')) verifies++;
  });
  const doctor = (await loadDoctors()).find((d) => d.id === doctorId)!;
  return { session, pin: doctor.pin, rpps: doctor.rpps, verifies: () => verifies, close: () => manager.close() };
}

async function service(options: Parameters<typeof createTeleservice>[0] = {}) {
  const clock = virtualClock(HOST_NOW);
  const teleservice = await createTeleservice({ database: ':memory:', clock, rateLimit: false, log: () => undefined, ...options });
  const url = await teleservice.listen();
  return { teleservice, url, clock };
}

const PERSON = { nir: '295076912350269', birthDate: '1995-07-12', birthRank: 1 };

test('the card signer authenticates: challenge signed by INTERNAL AUTHENTICATE, token reused, renewed once expired; the PIN verified once', async (t) => {
  const cps = await cpsInReader('dr-benali');
  const { teleservice, url, clock } = await service({ tokenLifetimeMs: 60_000 });
  t.teardown(async () => Promise.all([cps.close(), teleservice.close()]));
  let asked = 0;
  const signer = cardCpsSigner(cps.session, { pin: () => (asked++, cps.pin) });
  const client = await connectTeleservice(url, { signer, clock });
  t.is(client.session(), undefined, 'lazy: nothing sent before the first call');
  const first = await client.call<{ patient: { lastName: string } }>('POST', '/v1/rights', PERSON);
  t.truthy(first.patient.lastName);
  t.like(client.session(), { professional: { rpps: cps.rpps, name: 'AMINA BENALI' } });
  await client.call('POST', '/v1/rights', PERSON);
  t.is(asked, 1, 'the PIN is asked once');
  t.is(cps.verifies(), 1, 'one VERIFY');
  const before = client.session()!;
  clock.advance(45_000); // inside the 30 s renewal margin of a 60 s token
  t.is(client.session(), undefined);
  await client.call('POST', '/v1/rights', PERSON);
  t.true(client.session()!.expiresAt > before.expiresAt, 'a new token');
  t.is(cps.verifies(), 1, 'the card keeps the PIN verified: no second VERIFY');
});

test('a token the server forgot (401 invalid-token) is renewed once and the call goes through', async (t) => {
  const cps = await cpsInReader('dr-benali');
  const first = await service();
  const signer = cardCpsSigner(cps.session, { pin: () => cps.pin });
  let target = first.url;
  const client = await connectTeleservice(first.url, { signer, clock: first.clock, fetch: (input, init) => fetch(String(input).replace(first.url, target), init) });
  await client.authenticate();
  // Another server (a restart with an empty database) does not know the token.
  const second = await service();
  target = second.url;
  t.teardown(async () => Promise.all([cps.close(), first.teleservice.close(), second.teleservice.close()]));
  const answer = await client.call<{ queryDate: string }>('POST', '/v1/rights', PERSON);
  t.truthy(answer.queryDate);
});

test('refusals are typed: a revoked CPS is refused with the server code; three failures lock with Retry-After', async (t) => {
  const cps = await cpsInReader('dr-garnier');
  const { teleservice, url, clock } = await service();
  t.teardown(async () => Promise.all([cps.close(), teleservice.close()]));
  const client = await connectTeleservice(url, { signer: cardCpsSigner(cps.session, { pin: () => cps.pin }), clock });
  for (let i = 0; i < 2; i++) {
    const error = await t.throwsAsync(client.authenticate());
    t.true(isTeleserviceClientError(error, 'refused'));
    t.like(error, { serverCode: 'revoked-certificate', status: 401, retryable: false });
  }
  await t.throwsAsync(client.authenticate());
  const locked = await t.throwsAsync(client.authenticate());
  t.true(isTeleserviceClientError(locked, 'locked'));
  t.like(locked, { status: 423, retryable: true });
  t.true((locked as { retryAfterMs?: number }).retryAfterMs! > 0);
});

test('a wrong PIN is a signer failure with the tries left, and the PIN is in no message', async (t) => {
  const cps = await cpsInReader('dr-benali');
  const { teleservice, url, clock } = await service();
  t.teardown(async () => Promise.all([cps.close(), teleservice.close()]));
  const wrong = cps.pin === '0000' ? '1111' : '0000';
  const client = await connectTeleservice(url, { signer: cardCpsSigner(cps.session, { pin: () => wrong }), clock });
  const error = await t.throwsAsync(client.authenticate());
  t.true(isTeleserviceClientError(error, 'signer-failed'));
  t.true(isSignerError((error as Error).cause, 'pin-incorrect'));
  t.is(((error as Error).cause as { triesLeft?: number }).triesLeft, 2);
  t.false(JSON.stringify({ m: (error as Error).message, c: ((error as Error).cause as Error).message }).includes(wrong));
  t.false((error as Error).message.includes(cps.pin));
});

test('unreachable and timeouts: typed, retryable; the caller can cancel', async (t) => {
  const signer: HostCpsSigner = {
    kind: 'card',
    authenticationCertificate: async () => new Uint8Array(10),
    signatureCertificate: async () => new Uint8Array(10),
    authenticate: async () => new Uint8Array(64),
    sign: async () => new Uint8Array(64),
  };
  const { teleservice, url, clock } = await service();
  await teleservice.close();
  const closed = await connectTeleservice(url, { signer, clock });
  const down = await t.throwsAsync(closed.call('POST', '/v1/rights', PERSON));
  t.true(isTeleserviceClientError(down, 'unreachable'));
  t.true(isTeleserviceClientError(down) && down.retryable);
  const hanging = await connectTeleservice('http://127.0.0.1:9', { signer, clock, timeoutMs: 50, fetch: (_i, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))) });
  const slow = await t.throwsAsync(hanging.call('GET', '/x', undefined, { auth: false }));
  t.true(isTeleserviceClientError(slow, 'unreachable'));
  t.regex((slow as Error).message, /within 50 ms/);
  const controller = new AbortController();
  const pending = hanging.call('GET', '/x', undefined, { auth: false, signal: controller.signal });
  controller.abort();
  t.true(isTeleserviceClientError(await t.throwsAsync(pending), 'canceled'));
  await t.throwsAsync(connectTeleservice('ftp://x', { signer, clock }), { instanceOf: TypeError });
});

test('rights: live, then from the cache with its age, then stale (flagged) once the server is gone; a refusal is not hidden', async (t) => {
  const cps = await cpsInReader('dr-benali');
  const { teleservice, url, clock } = await service();
  t.teardown(() => cps.close());
  const db = await hostDatabase(folder.dir, 'rights.db');
  t.teardown(() => db.close());
  const client = await connectTeleservice(url, { signer: cardCpsSigner(cps.session, { pin: () => cps.pin }), clock });
  const live = await lookupRights(db, client, PERSON, { maxAgeMs: 60_000 });
  t.like(live, { source: 'live', ageMs: 0, stale: false });
  t.is(live.answer.patient.nir, PERSON.nir);
  clock.advance(30_000);
  const cached = await lookupRights(db, client, PERSON, { maxAgeMs: 60_000 });
  t.like(cached, { source: 'cache', ageMs: 30_000, stale: false });
  t.deepEqual(cached.answer, live.answer);
  const unknown = await t.throwsAsync(lookupRights(db, client, { ...PERSON, nir: '195076912350270' }));
  t.like(unknown, { code: 'refused', serverCode: 'unknown-person' });
  await teleservice.close();
  clock.advance(60_000);
  const stale = await lookupRights(db, client, PERSON, { maxAgeMs: 60_000 });
  t.like(stale, { source: 'cache', ageMs: 90_000, stale: true });
  t.true(isTeleserviceClientError(stale.error, 'unreachable'));
  await t.throwsAsync(lookupRights(db, client, { ...PERSON, birthRank: 2 }), { message: /cannot be reached/ });
  t.throws(() => lookupRights(db, client, { ...PERSON, birthRank: 0 }), { instanceOf: RangeError });
});
