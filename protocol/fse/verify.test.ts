import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hex } from '../bytes.js';
import { loadVectors, type VectorRow } from '../test-support.js';
import { encodeFse, type Fse } from './fse.js';
import { encodeLot, encodeSignedLot, type Lot } from './lot.js';
import { encodeSecuredFse } from './secured-fse.js';
import { verifySecuredFse, verifySignedLot } from './verify.js';

const PKI = new URL('../../test-vectors/pki/', import.meta.url);
const pem = (path: string): string => readFileSync(new URL(path, PKI), 'utf8');
const CA = pem('ca/ca.cert.pem');
/** A signer of the test PKI: its key and its certificate (DER). */
function signer(name: string): { sign(data: Uint8Array): Uint8Array; certificate: Uint8Array; serial: string } {
  const key = createPrivateKey(pem(`${name}.key.pem`));
  const certificate = new X509Certificate(pem(`${name}.cert.pem`));
  return { sign: (data) => new Uint8Array(sign('sha256', data, key)), certificate: new Uint8Array(certificate.raw), serial: certificate.serialNumber };
}
const cps = signer('doctors/dr-moreau-sign');
const other = signer('doctors/dr-garnier-sign');
const vitale = signer('vitale/pt-c2s-card');

const BYTE_KEYS = new Set(['signature', 'certificate', 'digest']);
const revive = <T>(value: unknown): T => JSON.parse(JSON.stringify(value), (k, v: unknown) => (BYTE_KEYS.has(k) && typeof v === 'string' ? hex(v) : v)) as T;
const vectors = loadVectors<{ securedFse: VectorRow<unknown>[]; lot: VectorRow<unknown>[] }>('fse');
const fseInModeS = revive<{ fse: Fse }>(vectors.securedFse[0]!.value).fse;
const lot = revive<Lot>(vectors.lot[0]!.value);

function securedBytes(): Uint8Array {
  const data = encodeFse(fseInModeS);
  return encodeSecuredFse({ fse: fseInModeS, vitale: { signature: vitale.sign(data), certificate: vitale.certificate }, cps: { signature: cps.sign(data), certificate: cps.certificate } });
}
const signedLotBytes = (by = cps): Uint8Array => encodeSignedLot({ lot, cps: { signature: by.sign(encodeLot(lot)), certificate: by.certificate } });

test('a secured FSE signed by a Vitale and a CPS of the test PKI verifies, both signers named', (t) => {
  const v = verifySecuredFse(securedBytes(), { ca: CA, cpsCertificate: cps.certificate });
  t.true(v.ok);
  t.deepEqual(v.verdicts, [{ signer: 'vitale', signatureValid: true, chainValid: true }, { signer: 'cps', signatureValid: true, chainValid: true }]);
});

test('a signed lot verifies; its FSE list and totals come back parsed', (t) => {
  const v = verifySignedLot(signedLotBytes(), { ca: CA });
  t.true(v.ok);
  t.deepEqual(v.value?.lot, lot);
});

test('each failure is named: signature, expected certificate, validity time, revocation, CA, parse', (t) => {
  const bytes = signedLotBytes();
  const forged = encodeSignedLot({ lot, cps: { signature: other.sign(encodeLot(lot)), certificate: cps.certificate } });
  t.like(verifySignedLot(forged, { ca: CA }), { ok: false, reason: 'bad-signature', message: 'the cps signature does not verify' });
  t.like(verifySignedLot(signedLotBytes(other), { ca: CA, cpsCertificate: cps.certificate }), { ok: false, reason: 'expected-certificate' });
  t.like(verifySignedLot(bytes, { ca: CA, at: Date.UTC(2041, 0, 1) }), { ok: false, reason: 'expired-certificate' });
  t.like(verifySignedLot(bytes, { ca: CA, at: Date.UTC(2030, 0, 1) }), { ok: true });
  t.like(verifySignedLot(bytes, { ca: CA, revokedSerials: new Set([cps.serial.toUpperCase()]) }), { ok: false, reason: 'revoked-certificate' });
  // A certificate the CA did not issue: the CA's own, self-signed, carrying a signature it cannot have made.
  const caDer = new Uint8Array(new X509Certificate(CA).raw);
  const foreign = encodeSignedLot({ lot, cps: { signature: cps.sign(encodeLot(lot)), certificate: caDer } });
  t.like(verifySignedLot(foreign, { ca: CA }), { ok: false, reason: 'bad-signature' });
  t.like(verifySignedLot(bytes, { ca: pem('doctors/dr-garnier-sign.cert.pem') }), { ok: false, reason: 'bad-chain' });
  t.like(verifySignedLot(bytes.subarray(1), { ca: CA }), { ok: false, reason: 'unparsable', verdicts: [] });
  t.is((verifySignedLot(forged, { ca: CA }) as { value?: unknown }).value !== undefined, true, 'a failed verification still names the lot');
  t.throws(() => verifySignedLot(bytes, { ca: 'not a certificate' }), { instanceOf: TypeError });
});

const good = signedLotBytes();
testProp('flipping any byte of a signed lot never verifies', [fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })], (t, at, mask) => {
  const bytes = good.slice();
  bytes[at] = bytes[at]! ^ mask;
  t.false(verifySignedLot(bytes, { ca: CA }).ok);
}, { numRuns: 200, seed: 7 });
