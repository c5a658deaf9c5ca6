/**
 * Writes the test PKI into `test-vectors/pki/` (run `npx tsx scripts/gen-pki.ts`):
 * a root CA, each doctor persona's CPS authentication and signature
 * certificates, each patient persona's carte Vitale card certificate, all
 * RSA-2048 / SHA-256 with PKCS#8 keys, a CRL and `index.json`. The only
 * writer of that folder (emulator/personas/README.md).
 *
 * Deterministic: each key pair is drawn by node-forge from a PRNG seeded
 * with `SEED/<entry id>`, and dates and serial numbers are fixed, so a
 * rerun writes the same bytes (with the same node-forge version).
 * @module
 */
import forge from 'node-forge';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPersonas, PKI_DIR, type Doctor, type CertificateKeyUsage, type Patient, type PkiEntry, type PkiIndex, type PkiPurpose } from '../emulator/index.js';

/** Changing it changes every key. */
export const SEED = 'bifente-test-pki-v1';
const ORG = 'bifente TEST — not for production';
const CA_NAME = 'bifente TEST CA — not for production';

/** Fixed dates (UTC): long validity so that tests keep passing for years. */
const DATES = {
  caFrom: '2025-01-01T00:00:00Z',
  caTo: '2045-01-01T00:00:00Z',
  validFrom: '2025-01-01T00:00:00Z',
  validTo: '2040-01-01T00:00:00Z',
  expiredFrom: '2020-01-01T00:00:00Z',
  expiredTo: '2023-01-01T00:00:00Z',
  crlThis: '2026-01-01T00:00:00Z',
  crlNext: '2036-01-01T00:00:00Z',
  revokedOn: '2025-12-01T00:00:00Z',
} as const;

/** Doctors whose certificates are revoked (card declared stolen) or expired, for negative tests. */
const REVOKED_OWNERS = new Set(['dr-garnier']);
const EXPIRED_OWNERS = new Set(['dr-marchand']);

type Attribute = { readonly type: string; readonly short: string; readonly value: string };

/** A forge PRNG whose entropy is SHA-256 over `label` and a counter: same label, same keys. */
function seededPrng(label: string): forge.random.Random {
  const prng = forge.random.createInstance();
  let counter = 0;
  prng.seedFileSync = (needed: number) => {
    let out = '';
    while (out.length < needed) out += createHash('sha256').update(`${label}/${counter++}`).digest('binary');
    return out.slice(0, needed);
  };
  return prng;
}

/** The RSA-2048 key pair of a PKI entry: always the same for the same entry id and {@link SEED}. */
export function seededKeyPair(entryId: string): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001, prng: seededPrng(`${SEED}/${entryId}`) });
}

/** A private key as PKCS#8 PEM (RFC 5208). */
export function pkcs8Pem(key: forge.pki.rsa.PrivateKey): string {
  return forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
}

/** Attributes as UTF8String (forge encodes the text), so that accented names survive (RFC 5280 §4.1.2.6 prefers UTF8String). */
function forgeAttributes(attributes: readonly Attribute[]): forge.pki.CertificateField[] {
  return attributes.map((a) => ({ type: a.type, value: a.value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }));
}

function dn(attributes: readonly Attribute[]): string {
  return attributes.map((a) => `${a.short}=${a.value}`).join(', ');
}

const attr = (type: string, short: string, value: string): Attribute => ({ type, short, value });
const CA_SUBJECT = [attr('2.5.4.6', 'C', 'FR'), attr('2.5.4.10', 'O', ORG), attr('2.5.4.3', 'CN', CA_NAME)];

const KEY_USAGE: Record<PkiPurpose, readonly CertificateKeyUsage[]> = {
  ca: ['keyCertSign', 'cRLSign'],
  'cps-authentication': ['digitalSignature'],
  'cps-signature': ['nonRepudiation'],
  'vitale-card': ['digitalSignature'],
};

interface Issued {
  readonly entry: PkiEntry;
  readonly certificatePem: string;
  readonly keyPem: string;
  readonly cert: forge.pki.Certificate;
  readonly keys: forge.pki.rsa.KeyPair;
}

interface Request {
  readonly id: string;
  readonly purpose: PkiPurpose;
  readonly owner: string | null;
  readonly folder: string;
  readonly subject: readonly Attribute[];
  readonly serial: number;
  readonly status: PkiEntry['status'];
}

function issue(request: Request, issuer: Issued | undefined): Issued {
  const keys = seededKeyPair(request.id);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (0x100000 + request.serial).toString(16).toUpperCase();
  const [from, to] = request.purpose === 'ca' ? [DATES.caFrom, DATES.caTo] : request.status === 'expired' ? [DATES.expiredFrom, DATES.expiredTo] : [DATES.validFrom, DATES.validTo];
  cert.validity.notBefore = new Date(from);
  cert.validity.notAfter = new Date(to);
  cert.setSubject(forgeAttributes(request.subject));
  cert.setIssuer(forgeAttributes(issuer ? CA_SUBJECT : request.subject));
  const usage = Object.fromEntries(KEY_USAGE[request.purpose].map((u) => [u, true]));
  const extensions: object[] = [
    { name: 'basicConstraints', cA: request.purpose === 'ca', critical: true },
    { name: 'keyUsage', critical: true, ...usage },
    { name: 'subjectKeyIdentifier' },
  ];
  if (request.purpose === 'cps-authentication') extensions.push({ name: 'extKeyUsage', clientAuth: true });
  if (issuer) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(extensions);
  cert.sign(issuer?.keys.privateKey ?? keys.privateKey, forge.md.sha256.create());
  const base = `${request.folder}/${request.id}`;
  const entry: PkiEntry = {
    id: request.id,
    purpose: request.purpose,
    owner: request.owner,
    certificate: `${base}.cert.pem`,
    key: `${base}.key.pem`,
    subject: dn(request.subject),
    issuer: dn(issuer ? CA_SUBJECT : request.subject),
    serialNumber: cert.serialNumber,
    notBefore: from,
    notAfter: to,
    keyUsage: KEY_USAGE[request.purpose],
    status: request.status,
  };
  return { entry, certificatePem: forge.pki.certificateToPem(cert), keyPem: pkcs8Pem(keys.privateKey), cert, keys };
}

function doctorRequests(doctor: Doctor, next: () => number): Request[] {
  const status = REVOKED_OWNERS.has(doctor.id) ? 'revoked' : EXPIRED_OWNERS.has(doctor.id) ? 'expired' : 'valid';
  const subject = [
    attr('2.5.4.6', 'C', 'FR'),
    attr('2.5.4.10', 'O', ORG),
    attr('2.5.4.11', 'OU', 'CPS TEST'),
    attr('2.5.4.12', 'title', 'Médecin'),
    attr('2.5.4.5', 'serialNumber', `8${doctor.rpps}`),
    attr('2.5.4.4', 'SN', doctor.lastName),
    attr('2.5.4.42', 'GN', doctor.firstName),
    attr('2.5.4.3', 'CN', `${doctor.firstName} ${doctor.lastName}`),
  ];
  const pki = doctor.pki;
  if (pki === undefined) return [];
  return [
    { id: pki.authentication, purpose: 'cps-authentication', owner: doctor.id, folder: 'doctors', subject, serial: next(), status },
    { id: pki.signature, purpose: 'cps-signature', owner: doctor.id, folder: 'doctors', subject, serial: next(), status },
  ];
}

function patientRequests(patient: Patient, next: () => number): Request[] {
  if (patient.pki === undefined) return [];
  const subject = [
    attr('2.5.4.6', 'C', 'FR'),
    attr('2.5.4.10', 'O', ORG),
    attr('2.5.4.11', 'OU', 'carte Vitale TEST'),
    attr('2.5.4.5', 'serialNumber', patient.card.serialNumber),
    attr('2.5.4.3', 'CN', patient.insured.nir),
  ];
  return [{ id: patient.pki.card, purpose: 'vitale-card', owner: patient.id, folder: 'vitale', subject, serial: next(), status: 'valid' }];
}

function generalizedTime(iso: string): forge.asn1.Asn1 {
  // RFC 5280 §5.1.2.4: UTCTime through 2049.
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.UTCTIME, false, forge.asn1.dateToUtcTime(new Date(iso)));
}

/** A v2 CRL (RFC 5280 §5.1) signed by the CA, listing `revoked` serial numbers; node-forge has no CRL writer. */
function crlPem(ca: Issued, revoked: readonly string[]): string {
  const { asn1 } = forge;
  const U = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const sha256WithRsa = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption!).getBytes()),
    asn1.create(U, T.NULL, false, ''),
  ]);
  const integer = (hexValue: string) => asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(hexValue));
  const entries = revoked.map((serial) => asn1.create(U, T.SEQUENCE, true, [integer(serial), generalizedTime(DATES.revokedOn)]));
  const crlNumber = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer('2.5.29.20').getBytes()),
    asn1.create(U, T.OCTETSTRING, false, asn1.toDer(integer('01')).getBytes()),
  ]);
  const tbs = asn1.create(U, T.SEQUENCE, true, [
    integer('01'),
    sha256WithRsa,
    forge.pki.distinguishedNameToAsn1(ca.cert.subject),
    generalizedTime(DATES.crlThis),
    generalizedTime(DATES.crlNext),
    asn1.create(U, T.SEQUENCE, true, entries),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(U, T.SEQUENCE, true, [crlNumber])]),
  ]);
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const signature = ca.keys.privateKey.sign(md);
  const crl = asn1.create(U, T.SEQUENCE, true, [tbs, sha256WithRsa, asn1.create(U, T.BITSTRING, false, `\0${signature}`)]);
  return forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() });
}

/** Generate every file into `pkiDir` and return the index written. */
export async function generatePki(pkiDir: string = PKI_DIR, log: (line: string) => void = () => undefined): Promise<PkiIndex> {
  const { doctors, patients } = await loadPersonas({ pkiDir: false });
  let serial = 0;
  const next = () => ++serial;
  const ca = issue({ id: 'ca', purpose: 'ca', owner: null, folder: 'ca', subject: CA_SUBJECT, serial: next(), status: 'valid' }, undefined);
  const requests = [...doctors.flatMap((d) => doctorRequests(d, next)), ...patients.flatMap((p) => patientRequests(p, next))];
  const issued = [ca];
  for (const request of requests) {
    log(`${request.id} (${request.purpose})`);
    issued.push(issue(request, ca));
  }
  const revoked = issued.filter((i) => i.entry.status === 'revoked').map((i) => i.entry.serialNumber);
  const index: PkiIndex = {
    description: 'The bifente test PKI: a root CA, CPS and carte Vitale certificates of the personas, and a CRL. TEST material, not for production; regenerated only by scripts/gen-pki.ts.',
    generatedBy: 'scripts/gen-pki.ts',
    seed: SEED,
    entries: issued.map((i) => i.entry),
    crl: { file: 'ca/crl.pem', thisUpdate: DATES.crlThis, nextUpdate: DATES.crlNext, revoked },
  };
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(pkiDir, file)), { recursive: true });
    writeFileSync(join(pkiDir, file), text);
  };
  for (const i of issued) {
    write(i.entry.certificate, i.certificatePem);
    write(i.entry.key, i.keyPem);
  }
  write(index.crl.file, crlPem(ca, revoked));
  write('index.json', `${JSON.stringify({ $schema: './schema/pki-index.schema.json', ...index }, null, 2)}\n`);
  return index;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const index = await generatePki(PKI_DIR, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`wrote ${index.entries.length} certificates, keys and a CRL into ${PKI_DIR}\n`);
}
