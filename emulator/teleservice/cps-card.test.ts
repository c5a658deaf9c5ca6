// The teleservice's CPS authentication answered by an emulated CPS card
// itself, as a host would through drivers/: read the authentication
// certificate (3F00/0001/C000, profiles README "Tree", ours), verify the
// PIN, MSE SET AT on key 1 with RSA-PKCS, INTERNAL AUTHENTICATE over the
// SHA-256 DigestInfo of the challenge (DOMAIN.md "What real software sends").
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, hex, toHex } from '../../protocol/index.js';
import type { CardOs } from '../card/card-os.js';
import { loadPersona, type Doctor } from '../personas/index.js';
import { openCps } from '../profiles/cps.js';
import { b64, startTeleservice } from './test-support.js';

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = hex('3031300D060960864801650304020105000420');

function transmit(card: CardOs, apdu: Uint8Array): { data: Uint8Array; sw: string } {
  const answer = card.execute(apdu);
  return { data: answer.subarray(0, -2), sw: toHex(answer.subarray(-2)).toUpperCase() };
}

function ok(card: CardOs, apdu: Uint8Array, what: string): Uint8Array {
  const { data, sw } = transmit(card, apdu);
  if (sw !== '9000') throw new Error(`${what}: SW ${sw}`);
  return data;
}

/** The authentication certificate, read in 0xE7-byte chunks up to its DER length. */
function readAuthenticationCertificate(card: CardOs): Uint8Array {
  ok(card, hex('00 A4 09 0C 06 3F00 0001 C000'), 'SELECT C000');
  let bytes: Uint8Array = new Uint8Array();
  for (;;) {
    const offset = bytes.length;
    // 6282: end of file reached before Le bytes (ISO/IEC 7816-4 §5.6), the data still comes.
    const { data: chunk, sw } = transmit(card, Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0xe7));
    if (sw !== '9000' && sw !== '6282') throw new Error(`READ BINARY: SW ${sw}`);
    bytes = concatBytes(bytes, chunk);
    const total = bytes.length >= 4 && bytes[1] === 0x82 ? 4 + ((bytes[2]! << 8) | bytes[3]!) : undefined;
    if (total !== undefined && bytes.length >= total) return bytes.subarray(0, total);
    if (chunk.length < 0xe7) throw new Error('certificate shorter than its DER header says');
  }
}

function internalAuthenticate(card: CardOs, pin: string, challenge: Uint8Array): Uint8Array {
  const pinBytes = new TextEncoder().encode(pin);
  ok(card, concatBytes(hex('00 20 00 01'), Uint8Array.of(pinBytes.length), pinBytes), 'VERIFY');
  ok(card, hex('00 22 41 A4 06 84 01 01 80 01 02'), 'MSE SET AT');
  const digestInfo = concatBytes(SHA256_DIGEST_INFO, createHash('sha256').update(challenge).digest());
  return ok(card, concatBytes(hex('00 88 00 00'), Uint8Array.of(digestInfo.length), digestInfo, Uint8Array.of(0x00)), 'INTERNAL AUTHENTICATE');
}

test('an emulated CPS card answers the challenge: the teleservice gives its holder a token', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bifente-teleservice-cps-'));
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  const running = await startTeleservice();
  t.teardown(running.stop);
  const doctor = (await loadPersona('dr-moreau')) as Doctor;
  const card = await openCps(doctor.id, { stateDir });
  card.powerOn();
  const certificate = readAuthenticationCertificate(card);
  const challenge = await running.call('POST', '/v1/auth/challenge', { certificate: b64(certificate) });
  t.is(challenge.status, 200);
  const { challengeId, challenge: text } = challenge.body as { challengeId: string; challenge: string };
  const signature = internalAuthenticate(card, doctor.pin, new Uint8Array(Buffer.from(text, 'base64url')));
  const token = await running.call('POST', '/v1/auth/token', { challengeId, signature: b64(signature), certificate: b64(certificate) });
  t.is(token.status, 200);
  t.deepEqual((token.body as { professional: unknown }).professional, { rpps: doctor.rpps, name: 'LUCAS MOREAU' });
});
