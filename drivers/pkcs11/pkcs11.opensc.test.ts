// The PKCS#11 driver on OpenSC's module (opensc-pkcs11.so), reading the emulated
// CPS3 of dr-benali through real pcscd + vpcd. The card is served by
// `bifente card serve` in a child process: pkcs11js runs C_Login, C_FindObjects...
// on the main thread, so a card served by this process's event loop would never
// answer. Holds lockVpcdReaders() (one card a vpcd port, machine-wide).
// Skips, with the reason in every title, where the system packages are missing.
import test from 'ava';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePcscd, loadPersona, lockVpcdReaders, missingPcscPrerequisites, releasePcscd, type Doctor } from '../../emulator/index.js';
import { isDriverError } from '../core/errors.js';
import { openPkcs11, Pkcs11Error, type Pkcs11Module, type Pkcs11Session } from './index.js';

const run = promisify(execFile);
const MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const READER0 = 'Virtual PCD 00 00';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const missing = [...missingPcscPrerequisites(['pcscd', 'opensc-tool', 'gcc']), ...(existsSync(MODULE) ? [] : [`${MODULE} (Debian: opensc-pkcs11)`])];
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const doctor = (await loadPersona('dr-benali')) as Doctor;
const LABEL = `CPS ${doctor.firstName} ${doctor.lastName}`;
const certificate = (use: 'auth' | 'sign') => new X509Certificate(readFileSync(join(ROOT, 'test-vectors/pki/doctors', `${doctor.id}-${use}.cert.pem`)));
const work = mkdtempSync(join(tmpdir(), 'bifente-pkcs11-opensc-'));
let serve: ChildProcess | undefined;
let serveLog = '';
let unlockReaders: () => void = () => undefined;
let module: Pkcs11Module | undefined;
let session: Pkcs11Session | undefined;

/** Poll opensc-tool until the CPS's ATR shows in the reader (pcscd polls every 400 ms). */
async function waitForCard(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const atr = await run('opensc-tool', ['-r', READER0, '-a'], { timeout: 5000 }).then((r) => r.stdout, () => '');
    if (atr.includes('3b:ac:00:40')) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the CPS did not show in ${READER0}: ${serveLog}`);
}

if (missing.length === 0) {
  test.before(async () => {
    unlockReaders = await lockVpcdReaders({ timeoutMs: 120_000 });
    await ensurePcscd();
    serve = spawn(process.execPath, ['--import=tsx', join(ROOT, 'cli/bin.ts'), 'card', 'serve', '--persona', doctor.id, '--state', join(work, 'state')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    serve.stderr?.on('data', (d: Buffer) => (serveLog += d.toString()));
    await waitForCard(20_000);
    module = await openPkcs11(MODULE);
    const token = (await module.tokens()).find((t) => t.label.startsWith(LABEL));
    if (token === undefined) throw new Error(`OpenSC lists no CPS token: ${serveLog}`);
    session = await module.openSession(token.slotId);
  });
  test.after.always(async () => {
    await module?.close();
    if (serve !== undefined && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve?.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    await releasePcscd();
    unlockReaders();
    rmSync(work, { recursive: true, force: true });
  });
}

const open = (): Pkcs11Session => {
  if (session === undefined) throw new Error('no session');
  return session;
};

real(title('OpenSC lists the emulated CPS as a token with the card serial, in a removable slot'), async (t) => {
  const tokens = (await module?.tokens()) ?? [];
  const cps = tokens.find((x) => x.label.startsWith(LABEL));
  // OpenSC names the token after the PKCS#15 label and the PIN's label (AODF): "CPS FIRST LAST (Code porteur)".
  t.regex(cps?.label ?? '', /\(Code porteur\)$/);
  t.like(cps, { serialNumber: doctor.cardSerial, loginRequired: true, minPinLength: 4, maxPinLength: 8 });
  const slots = (await module?.slots({ tokenPresent: true })) ?? [];
  t.true(slots.some((s) => s.id === cps?.slotId && s.removable && s.description.includes(READER0)));
});

real(title('findCertificates gives both CPS certificates byte for byte, with their subjects'), async (t) => {
  const certificates = await open().findCertificates();
  const byId = (id: number) => certificates.find((c) => c.id.length === 1 && c.id[0] === id);
  t.deepEqual(Buffer.from(byId(1)?.der ?? []), certificate('auth').raw);
  t.deepEqual(Buffer.from(byId(2)?.der ?? []), certificate('sign').raw);
  t.regex(byId(2)?.subject ?? '', new RegExp(`CN=${doctor.firstName} ${doctor.lastName}`));
});

real(title('a wrong PIN rejects with CKR_PIN_INCORRECT (the card counts it), then the doctor\'s PIN logs in'), async (t) => {
  const wrong = doctor.pin === '0000' ? '1111' : '0000';
  const error = await t.throwsAsync(open().login(wrong), { instanceOf: Pkcs11Error });
  t.is(error?.ckr, 'CKR_PIN_INCORRECT');
  t.false(`${error?.message}${error?.stack}`.includes(wrong));
  await open().login(doctor.pin);
  const keys = await open().findKeys({ class: 'private' });
  t.deepEqual(keys.map((k) => Buffer.from(k.id).toString('hex')).sort(), ['01', '02']);
});

real(title('RSA-PKCS over a SHA-256 DigestInfo with key 01 (MSE SET AT + INTERNAL AUTHENTICATE): verifies with the authentication certificate'), async (t) => {
  await open().login(doctor.pin);
  const [key] = await open().findKeys({ class: 'private', id: Uint8Array.of(1) });
  if (key === undefined) return t.fail('no private key 01');
  const message = new TextEncoder().encode('bifente: lot 001 through OpenSC');
  const digestInfo = new Uint8Array(Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(message).digest()]));
  const signature = await open().sign(key, 'RSA-PKCS', digestInfo);
  t.is(signature.length, 256);
  t.true(verify('sha256', message, certificate('auth').publicKey, signature));
});

// emulator/profiles/README.md "What unmodified OpenSC 0.23 does": OpenSC's iasecc driver needs the
// intermediate SHA-256 state, which it only computes with OpenSSL < 3, so Debian 12's build stops
// before any APDU. The day this fails, OpenSC signs, and it becomes a signing test.
real(title('SHA256-RSA-PKCS with key 02 stops inside OpenSC: Pkcs11Error CKR_FUNCTION_NOT_SUPPORTED, code not-supported'), async (t) => {
  await open().login(doctor.pin);
  const [key] = await open().findKeys({ class: 'private', id: Uint8Array.of(2) });
  if (key === undefined) return t.fail('no private key 02');
  const error = await t.throwsAsync(open().sign(key, 'SHA256-RSA-PKCS', new TextEncoder().encode('bifente: lot 002')), { instanceOf: Pkcs11Error });
  t.is(error?.ckr, 'CKR_FUNCTION_NOT_SUPPORTED');
  t.true(isDriverError(error, 'not-supported'));
});
