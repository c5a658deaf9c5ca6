// The PKCS#11 driver against a real SoftHSM2 token (Debian softhsm2), set up
// by scripts/softhsm/init-token.ts in a temporary folder. Skips, with the
// reason in every title, where SoftHSM2 is missing.
import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isDriverError } from '../core/errors.js';
import { openPkcs11, Pkcs11Error, type Pkcs11Module, type Pkcs11Session } from './index.js';
import { initTestToken, missingSoftHsm, openFds, SOFTHSM_MODULE, TEST_PIN, type TestToken } from './test-support.js';

const run = promisify(execFile);
const missing = missingSoftHsm();
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);
const SHA256_DIGEST_INFO = Uint8Array.from(Buffer.from('3031300d060960864801650304020105000420', 'hex'));
const message = new TextEncoder().encode('bifente: lot 001 of the host');

let token: TestToken & { dir: string };
let certificate: X509Certificate;

if (missing.length === 0) {
  test.before(async () => {
    token = await initTestToken();
    certificate = new X509Certificate(readFileSync(token.certificate));
  });
  test.after.always(() => {
    if (token !== undefined) rmSync(token.dir, { recursive: true, force: true });
  });
}

/** Open the module and a session on the test token; both closed afterwards. */
async function withSession<T>(use: (session: Pkcs11Session, module: Pkcs11Module) => Promise<T>): Promise<T> {
  const module = await openPkcs11(SOFTHSM_MODULE);
  try {
    const slot = (await module.tokens()).find((t) => t.label === token.label);
    if (slot === undefined) throw new Error(`no token ${token.label}`);
    return await use(await module.openSession(slot.slotId), module);
  } finally {
    await module.close();
  }
}

real(title('the init script is idempotent: a second run keeps the token, the key and the certificate'), async (t) => {
  t.deepEqual(token.steps, { token: 'created', key: 'created', certificate: 'created' });
  const again = await initTestToken(token.dir);
  t.deepEqual(again.steps, { token: 'kept', key: 'kept', certificate: 'kept' });
});

real(title('info, slots and tokens: SoftHSM2 with the bifente-host token, login required'), async (t) => {
  const module = await openPkcs11(SOFTHSM_MODULE);
  try {
    const info = await module.info();
    t.is(info.manufacturerId, 'SoftHSM');
    t.is(info.cryptokiVersion, '2.40');
    const slots = await module.slots({ tokenPresent: true });
    const hostToken = (await module.tokens()).find((x) => x.label === token.label);
    t.truthy(hostToken);
    t.true(slots.some((s) => s.id === hostToken?.slotId && s.tokenPresent));
    t.like(hostToken, { initialized: true, loginRequired: true, pinLocked: false, model: 'SoftHSM v2' });
  } finally {
    await module.close();
  }
});

real(title('findCertificates gives the DER and the parsed subject; private keys show only after login'), async (t) => {
  await withSession(async (session) => {
    const [cert, ...more] = await session.findCertificates({ id: Uint8Array.of(2) });
    t.is(more.length, 0);
    t.deepEqual(Buffer.from(cert?.der ?? []), certificate.raw);
    t.regex(cert?.subject ?? '', /CN=AMINA BENALI/);
    t.is(cert?.label, token.keyLabel);
    t.deepEqual(await session.findCertificates({ label: 'no such label' }), []);
    t.deepEqual(await session.findKeys({ class: 'private' }), [], 'private keys are hidden before login');
    const [pub] = await session.findKeys({ class: 'public', id: Uint8Array.of(2) });
    t.like(pub, { class: 'public', keyType: 'RSA', label: token.keyLabel });
    await session.login(TEST_PIN);
    const [key] = await session.findKeys({ class: 'private', label: token.keyLabel });
    t.like(key, { class: 'private', keyType: 'RSA' });
    t.deepEqual(key?.id, Uint8Array.of(2));
  });
});

real(title('a wrong PIN rejects with CKR_PIN_INCORRECT, and the PIN is nowhere in the error'), async (t) => {
  await withSession(async (session) => {
    const wrong = '975318642';
    const error = await t.throwsAsync(session.login(wrong), { instanceOf: Pkcs11Error });
    t.is(error?.ckr, 'CKR_PIN_INCORRECT');
    t.true(isDriverError(error, 'pin-incorrect'));
    t.regex(error?.message ?? '', /refused the PIN \(CKR_PIN_INCORRECT\)/);
    const everything = [error?.message, error?.stack, String(error?.cause), (error?.cause as Error | undefined)?.stack, JSON.stringify(error)].join('\n');
    t.false(everything.includes(wrong));
    await session.login(TEST_PIN);
    t.is((await session.findKeys({ class: 'private' })).length, 1, 'the right PIN still works');
  });
});

real(title('RSA-PKCS over a SHA-256 DigestInfo: node:crypto and the driver verify it with the certificate\'s key'), async (t) => {
  await withSession(async (session) => {
    await session.login(TEST_PIN);
    const [key] = await session.findKeys({ class: 'private', id: Uint8Array.of(2) });
    const [pub] = await session.findKeys({ class: 'public', id: Uint8Array.of(2) });
    if (key === undefined || pub === undefined) return t.fail('no key pair 02');
    const digestInfo = new Uint8Array([...SHA256_DIGEST_INFO, ...createHash('sha256').update(message).digest()]);
    const signature = await session.sign(key, 'RSA-PKCS', digestInfo);
    t.is(signature.length, 256);
    t.true(verify('sha256', message, certificate.publicKey, signature));
    t.true(await session.verify(pub, 'RSA-PKCS', digestInfo, signature));
  });
});

real(title('SHA256-RSA-PKCS: node:crypto verifies it; the driver\'s verify accepts it and refuses a changed message'), async (t) => {
  await withSession(async (session) => {
    await session.login(TEST_PIN);
    const [key] = await session.findKeys({ class: 'private', id: Uint8Array.of(2) });
    const [pub] = await session.findKeys({ class: 'public', id: Uint8Array.of(2) });
    if (key === undefined || pub === undefined) return t.fail('no key pair 02');
    const signatures = await Promise.all([session.sign(key, 'SHA256-RSA-PKCS', message), session.sign(key, 'SHA256-RSA-PKCS', message)]);
    t.deepEqual(signatures[0], signatures[1], 'queued calls in one session both succeed (PKCS#1 v1.5 is deterministic)');
    const signature = signatures[0] ?? new Uint8Array();
    t.true(verify('sha256', message, certificate.publicKey, signature));
    t.true(await session.verify(pub, 'SHA256-RSA-PKCS', message, signature));
    t.false(await session.verify(pub, 'SHA256-RSA-PKCS', new TextEncoder().encode('bifente: lot 002'), signature));
    t.false(await session.verify(pub, 'SHA256-RSA-PKCS', message, signature.subarray(1)));
  });
});

real(title('ECDSA over a SHA-256 hash with a P-256 key imported into the token: node:crypto verifies the raw r||s'), async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = join(token.dir, 'ec.key.pem');
  writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await run('softhsm2-util', ['--import', pem, '--token', token.label, '--id', '0e', '--label', 'ec test', '--pin', TEST_PIN], { env: { ...process.env, SOFTHSM2_CONF: token.conf } });
  await withSession(async (session) => {
    await session.login(TEST_PIN);
    const [key] = await session.findKeys({ class: 'private', label: 'ec test' });
    t.is(key?.keyType, 'EC');
    if (key === undefined) return;
    const signature = await session.sign(key, 'ECDSA', createHash('sha256').update(message).digest());
    t.is(signature.length, 64);
    t.true(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature));
    const error = await t.throwsAsync(session.sign(key, 'SHA256-RSA-PKCS', message), { instanceOf: Pkcs11Error });
    // SoftHSM 2.6 lets C_SignInit pass and fails C_Sign with CKR_GENERAL_ERROR (a module's choice):
    // the CKR name reaches the caller either way.
    t.is(error?.ckr, 'CKR_GENERAL_ERROR');
    t.regex(error?.message ?? '', /C_Sign \(SHA256-RSA-PKCS signature with key "ec test".*\(CKR_GENERAL_ERROR\)/);
  });
});

real(title('bad arguments throw at once: a key of another session, an unknown mechanism, an empty PIN'), async (t) => {
  await withSession(async (session, module) => {
    await session.login(TEST_PIN);
    const [key] = await session.findKeys({ class: 'private' });
    const other = await module.openSession(session.slotId);
    if (key === undefined) return t.fail('no key');
    t.throws(() => other.sign(key, 'SHA256-RSA-PKCS', message), { instanceOf: TypeError, message: /not found in this session/ });
    t.throws(() => session.sign(key, 'MD5-RSA-PKCS' as 'RSA-PKCS', message), { instanceOf: RangeError });
    t.throws(() => session.login(''), { instanceOf: TypeError });
    t.throws(() => session.findKeys({ class: 'secretive' as 'secret' }), { instanceOf: RangeError });
  });
});

real(title('closed objects reject with closed; a second open of the same module with sharing-violation; an unknown slot with not-found'), async (t) => {
  const module = await openPkcs11(SOFTHSM_MODULE);
  try {
    await t.throwsAsync(openPkcs11(SOFTHSM_MODULE), { message: /open in this process already/ }).then((e) => t.true(isDriverError(e, 'sharing-violation')));
    await t.throwsAsync(module.openSession(987654321n)).then((e) => t.true(isDriverError(e, 'not-found')));
    const [first] = await module.tokens();
    const session = await module.openSession(first?.slotId ?? 0n);
    await session.close();
    await session.close();
    await t.throwsAsync(session.findCertificates()).then((e) => t.true(isDriverError(e, 'closed')));
  } finally {
    await module.close();
    await module.close();
  }
  await t.throwsAsync(module.tokens()).then((e) => t.true(isDriverError(e, 'closed')));
  const reopened = await openPkcs11(SOFTHSM_MODULE);
  t.true((await reopened.tokens()).length > 0, 'the module opens again once closed');
  await reopened.close();
});

test(title('a missing module rejects with not-found naming the file and the Debian package; a file that is no library, with not-installed'), async (t) => {
  const absent = await t.throwsAsync(openPkcs11('/usr/lib/softhsm/no-such-libsofthsm2.so'));
  t.true(isDriverError(absent, 'not-found'));
  t.regex(absent?.message ?? '', /no-such-libsofthsm2\.so/);
  const opensc = await t.throwsAsync(openPkcs11('/nowhere/opensc-pkcs11.so'));
  t.regex(opensc?.message ?? '', /Debian package opensc-pkcs11/);
  const notLibrary = join(import.meta.dirname, 'README.md');
  const bad = await t.throwsAsync(openPkcs11(notLibrary));
  t.true(isDriverError(bad, 'not-installed'), bad?.message);
  t.regex(bad?.message ?? '', /is not a loadable PKCS#11 module/);
});

real(title('2,000 open/session/close cycles leave the file descriptors where they started'), async (t) => {
  const warm = await openPkcs11(SOFTHSM_MODULE);
  await warm.close();
  const before = openFds();
  for (let i = 0; i < 2000; i++) {
    const module = await openPkcs11(SOFTHSM_MODULE);
    const [first] = await module.tokens();
    await module.openSession(first?.slotId ?? 0n);
    await module.close(); // closes the session too
  }
  t.is(openFds(), before);
});
