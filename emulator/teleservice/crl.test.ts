// The CRL reader: the test CRL's serials, its signature checked with the
// CA's key, hostile bytes never thrown on.
import test from 'ava';
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hex } from '../../protocol/index.js';
import { PKI_DIR } from '../personas/index.js';
import { normalizeSerial } from '../../protocol/index.js';
import { crlDer, revokedSerials, serialHex } from './crl.js';

const ca = new X509Certificate(readFileSync(join(PKI_DIR, 'ca/ca.cert.pem')));
const pem = readFileSync(join(PKI_DIR, 'ca/crl.pem'), 'utf8');
const der = crlDer(pem)!;

test('the test CRL revokes 100004 and 100005 (dr-garnier\'s certificates), as X509Certificate spells serials', (t) => {
  const result = revokedSerials(pem, ca);
  t.true(result.ok);
  t.deepEqual(result.ok ? [...result.revokedSerials].sort() : [], ['100004', '100005']);
  const garnier = new X509Certificate(readFileSync(join(PKI_DIR, 'doctors/dr-garnier-auth.cert.pem')));
  t.true(result.ok && result.revokedSerials.has(normalizeSerial(garnier.serialNumber)));
  t.deepEqual(revokedSerials(der, ca), result, 'DER or PEM');
});

test('a CRL the CA did not sign, or no CRL at all, is refused', (t) => {
  const other = new X509Certificate(readFileSync(join(PKI_DIR, 'doctors/dr-benali-auth.cert.pem')));
  t.like(revokedSerials(pem, other), { ok: false, reason: 'bad-signature' });
  t.like(revokedSerials('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', ca), { ok: false, reason: 'not-pem' });
  t.like(revokedSerials(hex('30 00'), ca), { ok: false, reason: 'malformed' });
});

test('serials: the DER sign byte dropped, upper case', (t) => {
  t.is(serialHex(hex('00 80 01')), '8001');
  t.is(serialHex(hex('00')), '00');
  t.is(normalizeSerial('00000a'), '0A');
});

test('every single-byte change of the CRL is refused, never thrown', (t) => {
  fc.assert(
    fc.property(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
      const changed = der.slice();
      changed[index] = (changed[index]! + delta) & 0xff;
      return !revokedSerials(changed, ca).ok;
    }),
    { seed: 11, numRuns: 1500 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => !revokedSerials(bytes, ca).ok), { seed: 12 });
  t.pass();
});
