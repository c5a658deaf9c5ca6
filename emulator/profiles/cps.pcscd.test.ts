// The headline of issue 4: unmodified OpenSC (opensc-tool, pkcs11-tool with
// opensc-pkcs11.so) against the emulated CPS3 through real pcscd + vpcd.
// Skips, with the reason in every title, where the system packages are missing.
import test from 'ava';
import { createHash, X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hex, toHex } from '../../protocol/index.js';
import { SHA256_BLOCK_BYTES, SHA256_INITIAL_STATE, sha256Blocks } from '../card/sha256-resume.js';
import { lc, pinHex } from '../card/test-support.js';
import { fromCard } from '../card/virtual-card.js';
import { loadPersona, type Doctor } from '../personas/index.js';
import { createVpcdClient, VPCD_PORT_SLOT0, type VpcdClient } from '../vpcd/client.js';
import { ensurePcscd, missingPcscPrerequisites, releasePcscd } from '../vpcd/pcscd.js';
import { lockVpcdReaders } from '../vpcd/readers-lock.js';
import { readerAtr, until } from '../vpcd/test-support.js';
import { openCps } from './cps.js';

const execFileAsync = promisify(execFile);
const MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const READER0 = 'Virtual PCD 00 00';
const missing = [...missingPcscPrerequisites(['pcscd', 'opensc-tool', 'pkcs11-tool', 'gcc']), ...(existsSync(MODULE) ? [] : [MODULE])];
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);

const doctor = (await loadPersona('dr-benali')) as Doctor;
const work = mkdtempSync(join(tmpdir(), 'cps-opensc-'));
// OpenSC's own debug log: where a failing exchange is read (OPENSC_CONF, debug = 9).
const openscConf = join(work, 'opensc.conf');
writeFileSync(openscConf, `app default { debug = 9; debug_file = ${join(work, 'opensc-debug.log')}; }\n`);
let client: VpcdClient | undefined;
let unlockReaders: () => void = () => undefined;

/** Run an OpenSC tool asynchronously: the card is served by this process's event loop. */
async function opensc(program: string, args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync(program, args, { env: { ...process.env, OPENSC_CONF: openscConf }, timeout: 30_000 });
  return stdout + stderr;
}

const pkcs11 = (args: readonly string[]) => opensc('pkcs11-tool', ['--module', MODULE, ...args]);

if (missing.length === 0) {
  test.before(async () => {
    unlockReaders = await lockVpcdReaders({ timeoutMs: 120_000 });
    await ensurePcscd();
    const card = await openCps(doctor.id, { stateDir: join(work, 'state') });
    client = createVpcdClient(fromCard(card), { atr: card.atr(), port: VPCD_PORT_SLOT0 });
    client.start();
    // pcscd polls the ATR about every 400 ms: wait until the card shows in the reader.
    await until('the CPS in Virtual PCD 00 00', async () => (await readerAtr(READER0)).includes('3b:ac:00:40'), 5000);
  });
  test.after.always(async () => {
    await client?.stop();
    await releasePcscd();
    unlockReaders();
    rmSync(work, { recursive: true, force: true });
  });
}

real(title('opensc-tool -n: OpenSC binds its iasecc driver (IAS/ECC CPx) to the card'), async (t) => {
  t.regex(await opensc('opensc-tool', ['-r', READER0, '-n']), /IAS-ECC/);
});

real(title('pkcs11-tool -L lists the CPS token with its serial'), async (t) => {
  const out = await pkcs11(['-L']);
  t.regex(out, new RegExp(`token label\\s*: CPS ${doctor.firstName} ${doctor.lastName}`));
  t.regex(out, new RegExp(`serial num\\s*: ${doctor.cardSerial}`));
});

real(title('pkcs11-tool -O lists both certificates, and -r reads them byte for byte'), async (t) => {
  const out = await pkcs11(['-O']);
  t.regex(out, /CPS authentication certificate/);
  t.regex(out, /CPS signature certificate/);
  const pem = readFileSync(join('test-vectors/pki', `doctors/${doctor.id}-sign.cert.pem`), 'utf8');
  await pkcs11(['-r', '-y', 'cert', '--id', '02', '-o', join(work, 'sign.der')]);
  t.deepEqual(new X509Certificate(readFileSync(join(work, 'sign.der'))).raw, new X509Certificate(pem).raw);
});

real(title('pkcs11-tool --login lists the private keys'), async (t) => {
  const out = await pkcs11(['--login', '--pin', doctor.pin, '-O']);
  t.regex(out, /Private Key Object; RSA[\s\S]*label:\s*CPS signature/);
});

real(title('pkcs11-tool --login --sign RSA-PKCS with the authentication key: the signature verifies against the certificate'), async (t) => {
  const message = Buffer.from('bifente: lot 001');
  const digestInfo = Buffer.concat([Buffer.from(hex('3031300D060960864801650304020105000420')), createHash('sha256').update(message).digest()]);
  writeFileSync(join(work, 'di'), digestInfo);
  await pkcs11(['--login', '--pin', doctor.pin, '--sign', '--mechanism', 'RSA-PKCS', '--id', '01', '-i', join(work, 'di'), '-o', join(work, 'sig01')]);
  writeFileSync(join(work, 'message'), message);
  t.regex(await opensslVerify('auth', join(work, 'sig01')), /Verified OK/);
});

/** `openssl dgst -sha256 -verify` of the file `message` against the doctor's certificate. */
async function opensslVerify(certificate: 'auth' | 'sign', signature: string): Promise<string> {
  const publicKey = join(work, `${certificate}.pub.pem`);
  const pem = join('test-vectors/pki', `doctors/${doctor.id}-${certificate}.cert.pem`);
  writeFileSync(publicKey, new X509Certificate(readFileSync(pem)).publicKey.export({ type: 'spki', format: 'pem' }));
  const { stdout } = await execFileAsync('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, join(work, 'message')]);
  return stdout;
}

// OpenSC's iasecc driver computes SHA256-RSA-PKCS on the card through PSO HASH with the
// intermediate SHA-256 state (card-iasecc.c iasecc_qsign_data_sha256), which it can only get
// with OpenSSL < 3 (true of 0.23 and of OpenSC's master in 2026); Debian 12's build (OpenSSL 3.0)
// returns SC_ERROR_NOT_SUPPORTED before any APDU is sent. No card-side answer can change it. This
// test pins that diagnosis: the day it fails, OpenSC signs, and it becomes a signing test.
real(title('pkcs11-tool --sign SHA256-RSA-PKCS stops inside OpenSC (OpenSSL 3: no intermediate SHA-256 state), before any APDU'), async (t) => {
  const log = join(work, 'opensc-debug.log');
  writeFileSync(log, '');
  const error = await t.throwsAsync(pkcs11(['--login', '--pin', doctor.pin, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '02', '-i', join(work, 'di'), '-o', join(work, 'sig02')]));
  t.regex(String(error?.message), /CKR_FUNCTION_NOT_SUPPORTED/);
  const debug = readFileSync(log, 'utf8');
  t.regex(debug, /iasecc_qsign_data_sha256: returning with: -1408 \(Not supported\)/);
  const afterQsign = debug.slice(debug.indexOf('iasecc_qsign_data_sha256'));
  t.notRegex(afterQsign, /2A 90 A0/i, 'no PSO HASH reached the card');
});

// What the same pkcs11-tool call sends once OpenSC can compute the intermediate state (OpenSC
// built with OpenSSL < 3): MSE SET HT and DST on the signature key, PSO HASH with the state after
// the whole 64-byte blocks and the tail, PSO COMPUTE DIGITAL SIGNATURE. Sent through pcscd with
// opensc-tool -s, so the card answers the exact APDUs of card-iasecc.c and openssl verifies.
real(title('the APDUs of OpenSC SHA256-RSA-PKCS on the signature key, through pcscd: openssl verifies the signature'), async (t) => {
  const message = new TextEncoder().encode('bifente: lot 002, '.repeat(9));
  writeFileSync(join(work, 'message'), message);
  const whole = message.length - (message.length % SHA256_BLOCK_BYTES);
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(whole) * 8n);
  const tail = toHex(message.subarray(whole));
  const hashData = `9028${toHex(sha256Blocks(SHA256_INITIAL_STATE, message.subarray(0, whole)))}${toHex(count)}80${lc(tail)}${tail}`;
  const out = await opensc('opensc-tool', ['-r', READER0,
    '-s', `00 20 00 01 08 ${pinHex(doctor.pin, 8)}`,
    '-s', '00 22 41 AA 03 80 01 40',
    '-s', '00 22 41 B6 06 84 01 82 80 01 42',
    '-s', `00 2A 90 A0 ${lc(hashData)} ${hashData}`,
    '-s', '00 2A 9E 9A 00']);
  const answers = [...out.matchAll(/Received \(SW1=0x([0-9a-f]{2}), SW2=0x([0-9a-f]{2})\)(?::\n((?:[0-9A-F]{2} .*\n?)+))?/g)];
  t.deepEqual(answers.map((a) => `${a[1]}${a[2]}`), ['9000', '9000', '9000', '9000', '9000']);
  const signature = (answers[4]?.[3] ?? '').split('\n').map((line) => line.slice(0, 48)).join(' ');
  writeFileSync(join(work, 'sig02-apdus'), hex(signature));
  t.regex(await opensslVerify('sign', join(work, 'sig02-apdus')), /Verified OK/);
});
