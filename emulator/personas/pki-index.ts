/**
 * The test PKI's index (`test-vectors/pki/index.json`, written by
 * `scripts/gen-pki.ts`): every certificate and key file with its subject,
 * serial, validity, key usage, purpose and status, and the CRL.
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PersonaError } from './persona-error.js';
import { checkSchema, PKI_DIR } from './schemas.js';
import type { PkiCheck } from './check.js';

/** What a key pair is for: the CA, a CPS's authentication or signature key, a carte Vitale's card key (ours). */
export type PkiPurpose = 'ca' | 'cps-authentication' | 'cps-signature' | 'vitale-card';

/** X.509 keyUsage bits the test PKI uses (RFC 5280 §4.2.1.3). */
export type CertificateKeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

/** One certificate and its key (PKCS#8 PEM), paths relative to the PKI folder. */
export interface PkiEntry {
  readonly id: string;
  readonly purpose: PkiPurpose;
  /** The persona id; `null` for the CA. */
  readonly owner: string | null;
  readonly certificate: string;
  readonly key: string;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex. */
  readonly serialNumber: string;
  /** ISO 8601, UTC, seconds. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly keyUsage: readonly CertificateKeyUsage[];
  /** `revoked`: listed in the CRL; `expired`: `notAfter` is in the past. */
  readonly status: 'valid' | 'revoked' | 'expired';
}

/** The whole index. */
export interface PkiIndex {
  readonly description: string;
  readonly generatedBy: 'scripts/gen-pki.ts';
  /** The seed of the deterministic key generation. */
  readonly seed: string;
  readonly entries: readonly PkiEntry[];
  readonly crl: { readonly file: string; readonly thisUpdate: string; readonly nextUpdate: string; readonly revoked: readonly string[] };
}

/**
 * Read and schema-check `index.json` of a PKI folder (default
 * `test-vectors/pki/`). Rejects with a {@link PersonaError}.
 */
export async function loadPkiIndex(pkiDir: string = PKI_DIR): Promise<PkiIndex> {
  const file = join(pkiDir, 'index.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PersonaError('missing-pki', file, '', 'no PKI index (run npx tsx scripts/gen-pki.ts)', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PersonaError('bad-json', file, '', 'not JSON', { cause });
  }
  const error = checkSchema('pkiIndex', value, file);
  if (error) throw error;
  return value as PkiIndex;
}

/** A {@link PkiCheck} over a PKI folder on disk. */
export async function pkiOnDisk(pkiDir: string = PKI_DIR): Promise<PkiCheck> {
  const index = await loadPkiIndex(pkiDir);
  return { index, exists: (file) => existsSync(join(pkiDir, file)) };
}
