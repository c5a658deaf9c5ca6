/**
 * Initialise the host's SoftHSM2 token with a doctor's signature key and
 * certificate from the test PKI (test-vectors/pki/), so that the PKCS#11
 * driver (drivers/pkcs11/) and its tests and benchmark have a real token.
 *
 * `npx tsx scripts/softhsm/init-token.ts [--dir .bifente/softhsm] [--doctor dr-benali] [--label bifente-host] [--json]`
 *
 * - writes `<dir>/softhsm2.conf` (its own `directories.tokendir = <dir>/tokens`):
 *   point `SOFTHSM2_CONF` at it to use the token;
 * - `softhsm2-util --init-token --free --label <label>` unless a token has that label;
 * - imports `doctors/<doctor>-sign.key.pem` (PKCS#8) as key pair CKA_ID 02
 *   with `softhsm2-util --import`, and `doctors/<doctor>-sign.cert.pem` as a
 *   certificate with `pkcs11-tool --write-object --type cert`, each only if
 *   the token has no such object yet.
 *
 * Idempotent: a second run changes nothing. PINs come from the environment
 * (`BIFENTE_SOFTHSM_PIN`, `BIFENTE_SOFTHSM_SO_PIN`; defaults 1234 and
 * 12345678: a TEST token) and are never printed. They are passed to
 * softhsm2-util and pkcs11-tool as arguments, as those tools require: fine
 * for a test token, not for a production one.
 * Needs Debian's softhsm2 and opensc (pkcs11-tool).
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** SoftHSM2's PKCS#11 module on Debian (package softhsm2). */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** What {@link initSoftHsmToken} sets up. */
export interface SoftHsmTokenOptions {
  /** Folder of the conf and the token files; default `.bifente/softhsm` in the repository. */
  readonly dir?: string;
  /** Persona whose signature key and certificate are imported; default `dr-benali`. */
  readonly doctor?: string;
  readonly label?: string;
  readonly pin?: string;
  readonly soPin?: string;
}

/** The token as set up (no PIN in it). */
export interface SoftHsmToken {
  /** Set `SOFTHSM2_CONF` to this before loading the module. */
  readonly conf: string;
  readonly module: string;
  readonly label: string;
  /** CKA_ID of the key pair and the certificate, hex. */
  readonly keyId: string;
  readonly keyLabel: string;
  /** The certificate imported, PEM path in test-vectors/pki/. */
  readonly certificate: string;
  /** What this run did: each step is `created` or `kept`. */
  readonly steps: { readonly token: 'created' | 'kept'; readonly key: 'created' | 'kept'; readonly certificate: 'created' | 'kept' };
}

const KEY_ID = '02';

/** The programs this script needs, with the Debian package of each, that are missing here. */
export function missingSoftHsmPrograms(): string[] {
  const needs: Record<string, string> = { 'softhsm2-util': 'softhsm2', 'pkcs11-tool': 'opensc' };
  const path = (process.env.PATH ?? '').split(':');
  const missing = Object.keys(needs).filter((p) => !path.some((d) => existsSync(join(d, p)))).map((p) => `${p} (Debian: ${needs[p]})`);
  return existsSync(SOFTHSM_MODULE) ? missing : [...missing, `${SOFTHSM_MODULE} (Debian: softhsm2)`];
}

/** Create or complete the token; see the file's TSDoc. */
export async function initSoftHsmToken(options: SoftHsmTokenOptions = {}): Promise<SoftHsmToken> {
  const missing = missingSoftHsmPrograms();
  if (missing.length > 0) throw new Error(`SoftHSM2 token set-up needs ${missing.join(', ')}`);
  const dir = resolve(options.dir ?? join(ROOT, '.bifente', 'softhsm'));
  const doctor = options.doctor ?? 'dr-benali';
  const label = options.label ?? 'bifente-host';
  const pin = options.pin ?? process.env.BIFENTE_SOFTHSM_PIN ?? '1234';
  const soPin = options.soPin ?? process.env.BIFENTE_SOFTHSM_SO_PIN ?? '12345678';
  const keyPem = join(ROOT, 'test-vectors', 'pki', 'doctors', `${doctor}-sign.key.pem`);
  const certPem = join(ROOT, 'test-vectors', 'pki', 'doctors', `${doctor}-sign.cert.pem`);
  if (!existsSync(keyPem) || !existsSync(certPem)) throw new Error(`no signature key and certificate for ${doctor} in test-vectors/pki/doctors/`);

  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `# written by scripts/softhsm/init-token.ts\ndirectories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  // The tools take the PINs as arguments: an error names the program and its output, never its arguments.
  const tool = async (program: string, args: readonly string[]) =>
    (
      await run(program, args, { env, timeout: 30_000 }).catch((error: { stderr?: string; stdout?: string }) => {
        throw new Error(`${program} ${args[0] ?? ''} failed: ${(error.stderr || error.stdout || 'no output').trim()}`);
      })
    ).stdout;
  const pkcs11 = (args: readonly string[]) => tool('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, ...args]);

  const slots = await tool('softhsm2-util', ['--show-slots']);
  const hasToken = new RegExp(`^\\s*Label:\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm').test(slots);
  if (!hasToken) await tool('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin]);

  const objects = await pkcs11(['--login', '--pin', pin, '--list-objects', '--id', KEY_ID]);
  const keyLabel = `${doctor} signature`;
  const hasKey = /Private Key Object/.test(objects);
  if (!hasKey) await tool('softhsm2-util', ['--import', keyPem, '--token', label, '--id', KEY_ID, '--label', keyLabel, '--pin', pin]);
  const hasCertificate = /Certificate Object/.test(objects);
  if (!hasCertificate) {
    const der = join(dir, `${doctor}-sign.cert.der`);
    writeFileSync(der, new X509Certificate(readFileSync(certPem)).raw);
    await pkcs11(['--login', '--pin', pin, '--write-object', der, '--type', 'cert', '--id', KEY_ID, '--label', keyLabel]);
  }
  return {
    conf,
    module: SOFTHSM_MODULE,
    label,
    keyId: KEY_ID,
    keyLabel,
    certificate: certPem,
    steps: { token: hasToken ? 'kept' : 'created', key: hasKey ? 'kept' : 'created', certificate: hasCertificate ? 'kept' : 'created' },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, doctor: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  try {
    const token = await initSoftHsmToken({
      ...(values.dir === undefined ? {} : { dir: values.dir }),
      ...(values.doctor === undefined ? {} : { doctor: values.doctor }),
      ...(values.label === undefined ? {} : { label: values.label }),
    });
    if (values.json) console.log(JSON.stringify(token));
    else {
      console.log(`token "${token.label}": ${token.steps.token}; key ${token.keyId} "${token.keyLabel}": ${token.steps.key}; certificate: ${token.steps.certificate}`);
      console.log(`use it with: export SOFTHSM2_CONF=${token.conf}  (module ${token.module})`);
    }
  } catch (error) {
    console.error(`init-token: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
