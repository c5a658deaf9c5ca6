// The PKCS#11 signer on a real SoftHSM2 token (scripts/softhsm/init-token.ts
// puts dr-benali's signature key under CKA_ID 02; this test adds the
// authentication key and certificate under 01, as OpenSC shows a CPS),
// authenticating to the real emulated teleservice. Skips, with the reason in
// the title, where SoftHSM2 or pkcs11-tool is missing.
import test from 'ava';
import { execFile } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openPkcs11 } from '../../drivers/index.js';
import { createTeleservice, virtualClock } from '../../emulator/index.js';
import { HOST_NOW, tempFolder } from '../test-support.js';
import { connectTeleservice, isSignerError, pkcs11CpsSigner } from '../index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1234';
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = [...(onPath('softhsm2-util') && existsSync(MODULE) ? [] : ['softhsm2']), ...(onPath('pkcs11-tool') ? [] : ['opensc (pkcs11-tool)'])];
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);
const pki = (file: string) => join(ROOT, 'test-vectors', 'pki', 'doctors', file);

const folder = tempFolder();
test.after.always(() => folder.remove());

/** The test token with dr-benali's signature key (02, the script) and authentication key (01, here). */
async function token(): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import=tsx', join(ROOT, 'scripts', 'softhsm', 'init-token.ts'), '--dir', folder.dir, '--json'], { cwd: ROOT, timeout: 60_000 });
  const made = JSON.parse(stdout) as { conf: string; label: string };
  process.env.SOFTHSM2_CONF = made.conf;
  const der = join(folder.dir, 'auth.cert.der');
  writeFileSync(der, new X509Certificate(readFileSync(pki('dr-benali-auth.cert.pem'))).raw);
  await run('softhsm2-util', ['--import', pki('dr-benali-auth.key.pem'), '--token', made.label, '--id', '01', '--label', 'auth', '--pin', PIN], { env: process.env });
  await run('pkcs11-tool', ['--module', MODULE, '--token-label', made.label, '--login', '--pin', PIN, '--write-object', der, '--type', 'cert', '--id', '01', '--label', 'auth'], { env: process.env });
  return made.label;
}

real(title('a SoftHSM2 token signs with both keys and authenticates to the teleservice; a wrong PIN is pin-incorrect'), async (t) => {
  const label = await token();
  const module = await openPkcs11(MODULE);
  t.teardown(() => module.close());
  const slot = (await module.tokens()).find((x) => x.label === label)!;
  const clock = virtualClock(HOST_NOW);
  const teleservice = await createTeleservice({ database: ':memory:', clock, rateLimit: false, log: () => undefined });
  t.teardown(() => teleservice.close());
  const url = await teleservice.listen();

  const wrong = pkcs11CpsSigner(await module.openSession(slot.slotId), { pin: () => '9999' });
  const refused = await t.throwsAsync(wrong.sign(new Uint8Array(4)));
  t.true(isSignerError(refused, 'pin-incorrect'));
  t.false(refused!.message.includes('9999'));

  const signer = pkcs11CpsSigner(await module.openSession(slot.slotId), { pin: () => PIN });
  const data = new TextEncoder().encode('lot 001');
  const signature = await signer.sign(data);
  const signCert = new X509Certificate(await signer.signatureCertificate());
  t.true(verify('sha256', data, signCert.publicKey, signature), 'RSA-PKCS over the DigestInfo = SHA256-RSA-PKCS');
  t.regex(signCert.subject, /AMINA BENALI/);
  const client = await connectTeleservice(url, { signer, clock });
  const session = await client.authenticate();
  t.is(session.professional.name, 'AMINA BENALI');
});
