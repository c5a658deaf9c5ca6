// The test PKI of test-vectors/pki/ (written by scripts/gen-pki.ts) checked
// with node:crypto, independently of node-forge that wrote it.
import test from 'ava';
import forge from 'node-forge';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPersonas, loadPkiIndex, PKI_DIR, type PkiEntry } from './index.js';

const index = await loadPkiIndex();
const read = (file: string) => readFileSync(join(PKI_DIR, file), 'utf8');
const caEntry = index.entries.find((e) => e.purpose === 'ca')!;
const ca = new X509Certificate(read(caEntry.certificate));
const iso = (date: string) => new Date(date).toISOString().replace('.000Z', 'Z');

test('the CA is self-signed, a CA, RSA-2048, named as a test CA', (t) => {
  t.true(ca.ca);
  t.true(ca.verify(ca.publicKey));
  t.is(ca.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  t.regex(ca.subject, /CN=bifente TEST CA — not for production/);
});

const KEY_USAGE_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign', 'cRLSign'] as const;

function keyUsageOf(pem: string): string[] {
  const ext = forge.pki.certificateFromPem(pem).getExtension('keyUsage') as Record<string, unknown> | undefined;
  return KEY_USAGE_NAMES.filter((name) => ext?.[name] === true);
}

function checkEntry(t: import('ava').ExecutionContext, entry: PkiEntry): void {
  const pem = read(entry.certificate);
  const cert = new X509Certificate(pem);
  t.true(cert.verify(ca.publicKey), 'signed by the CA');
  t.true(cert.checkIssued(ca), 'issued by the CA');
  t.is(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  t.is(cert.serialNumber, entry.serialNumber);
  t.is(cert.subject.split('\n').join(', '), entry.subject);
  t.is(cert.issuer.split('\n').join(', '), entry.issuer);
  t.is(iso(cert.validFrom), entry.notBefore);
  t.is(iso(cert.validTo), entry.notAfter);
  t.deepEqual(keyUsageOf(pem), [...entry.keyUsage]);
  const key = createPrivateKey(read(entry.key));
  t.true(read(entry.key).startsWith('-----BEGIN PRIVATE KEY-----'), 'PKCS#8');
  const data = new TextEncoder().encode(`bifente ${entry.id}`);
  t.true(verify('sha256', data, cert.publicKey, sign('sha256', data, key)), 'the key matches the certificate');
  t.deepEqual(createPublicKey(key).export({ format: 'der', type: 'spki' }), cert.publicKey.export({ format: 'der', type: 'spki' }));
}

for (const entry of index.entries) {
  test(`${entry.id}: verifies against the CA, its key matches, index.json tells the truth`, (t) => checkEntry(t, entry));
}

test('every file of the PKI folder is in index.json, and every persona has its certificates', async (t) => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [relative(PKI_DIR, join(dir, e.name))]));
  const listed = new Set(['index.json', index.crl.file, ...index.entries.flatMap((e) => [e.certificate, e.key])]);
  t.deepEqual(files(PKI_DIR).filter((f) => !f.startsWith('schema/')).sort(), [...listed].sort());
  const { doctors, patients } = await loadPersonas();
  t.is(index.entries.length, 1 + doctors.length * 2 + patients.length);
});

test('every entry has its own key', (t) => {
  const moduli = index.entries.map((e) => new X509Certificate(read(e.certificate)).publicKey.export({ format: 'jwk' }).n);
  t.is(new Set(moduli).size, moduli.length);
});

test('CPS certificates: authentication is digitalSignature + clientAuth, signature is nonRepudiation; subjects carry the RPPS-like id', async (t) => {
  const { doctors } = await loadPersonas();
  for (const d of doctors) {
    const auth = new X509Certificate(read(index.entries.find((e) => e.id === d.pki?.authentication)!.certificate));
    const signature = index.entries.find((e) => e.id === d.pki?.signature)!;
    t.deepEqual(auth.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    t.deepEqual(signature.keyUsage, ['nonRepudiation']);
    t.true(auth.subject.includes(`serialNumber=8${d.rpps}`) && auth.subject.includes(`SN=${d.lastName}`));
  }
});

test('the expired certificates are expired, the others valid until 2040 or later', (t) => {
  const now = new Date().toISOString();
  const expired = index.entries.filter((e) => e.status === 'expired');
  t.true(expired.length >= 1);
  for (const e of index.entries) t.is(e.notAfter < now, e.status === 'expired', e.id);
  t.true(index.entries.filter((e) => e.status !== 'expired').every((e) => e.notAfter >= '2040'));
});

test('the CRL is signed by the CA and lists exactly the revoked certificates', (t) => {
  const revoked = index.entries.filter((e) => e.status === 'revoked').map((e) => e.serialNumber);
  t.true(revoked.length >= 1);
  t.deepEqual([...index.crl.revoked], revoked);
  const der = forge.pem.decode(read(index.crl.file))[0]!.body;
  const crl = forge.asn1.fromDer(der);
  const [tbs, , signature] = crl.value as forge.asn1.Asn1[];
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs!).getBytes(), 'binary');
  const signatureBytes = Buffer.from((signature!.value as string).slice(1), 'binary');
  t.true(verify('sha256', tbsDer, ca.publicKey, signatureBytes), 'CRL signature');
  const entries = ((tbs!.value as forge.asn1.Asn1[])[5]!.value as forge.asn1.Asn1[]).map((e) =>
    forge.util.bytesToHex((e.value as forge.asn1.Asn1[])[0]!.value as string).toUpperCase(),
  );
  t.deepEqual(entries, revoked);
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const withOpenssl = hasOpenssl() ? test : test.skip;
withOpenssl(`openssl verify with the CRL: valid certificates pass, revoked and expired fail${hasOpenssl() ? '' : ' (SKIPPED: openssl not installed)'}`, (t) => {
  const verifyOne = (entry: PkiEntry): string => {
    try {
      return execFileSync('openssl', ['verify', '-CAfile', join(PKI_DIR, caEntry.certificate), '-crl_check', '-CRLfile', join(PKI_DIR, index.crl.file), join(PKI_DIR, entry.certificate)], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      return String((error as { stderr?: unknown }).stderr);
    }
  };
  for (const entry of index.entries.filter((e) => e.purpose !== 'ca')) {
    const out = verifyOne(entry);
    const expected = { valid: /: OK/, revoked: /certificate revoked/, expired: /certificate has expired/ }[entry.status];
    t.regex(out, expected, entry.id);
  }
});
