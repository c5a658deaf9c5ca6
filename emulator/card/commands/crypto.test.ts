// MSE SET, PSO COMPUTE DIGITAL SIGNATURE, PSO HASH and INTERNAL
// AUTHENTICATE: the signatures verify with node:crypto against the key's
// public half (RSA PKCS#1 v1.5, RFC 8017 §8.2).
import test from 'ava';
import { createHash, createPublicKey, publicDecrypt, verify as verifySignature, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hex, toHex } from '../../../protocol/index.js';
import { CARDS_DIR, GENERIC_PIN, genericStorage, lc, mustOpen, pinHex, send } from '../test-support.js';

const publicKey = createPublicKey(readFileSync(`${CARDS_DIR}keys/generic-key.pem`, 'utf8'));
const VERIFY = `00200001${lc(pinHex(GENERIC_PIN, 8))}${pinHex(GENERIC_PIN, 8)}`;
const MESSAGE = new TextEncoder().encode('lot B2 0042');
const HASH = toHex(createHash('sha256').update(MESSAGE).digest());
const SHA256_DIGEST_INFO = '3031300D060960864801650304020105000420' + HASH;

function signature(answer: string): Uint8Array {
  return hex(answer.slice(0, -4));
}

test('sign a SHA-256 hash with algorithm 42 (OpenSC iasecc sequence): verifies as sha256WithRSAEncryption', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, '002241B606840101800142'), '9000');
  t.is(send(card, `002A9E9A20${HASH}00`), '6982', 'the key needs the PIN');
  t.is(send(card, VERIFY), '9000');
  const answer = send(card, `002A9E9A20${HASH}00`);
  t.is(answer.slice(-4), '9000');
  t.is(answer.length, 2 * 258);
  t.true(verifySignature('sha256', MESSAGE, publicKey, signature(answer)));
  t.is(send(card, `002A9E9A1F${HASH.slice(2)}00`), '6A80', 'a hash of the wrong size');
});

test('sign a DigestInfo with algorithm 02; 61xx and GET RESPONSE when Le is absent', (t) => {
  const card = mustOpen(genericStorage());
  send(card, VERIFY);
  t.is(send(card, '002241B606840101800102'), '9000');
  t.is(send(card, `002A9E9A${lc(SHA256_DIGEST_INFO)}${SHA256_DIGEST_INFO}`), '6100', 'no Le: 256 bytes wait');
  const first = send(card, '00C0000080');
  t.is(first.slice(-4), '6180', '128 bytes served, 128 left');
  const second = send(card, '00C0000000');
  t.is(second.slice(-4), '9000');
  const sig = hex(first.slice(0, -4) + second.slice(0, -4));
  t.true(verifySignature('sha256', MESSAGE, publicKey, sig));
});

test('PSO HASH then CDS without data: the card signs the stored hash', (t) => {
  const card = mustOpen(genericStorage());
  send(card, VERIFY);
  t.is(send(card, '002241AA03800140'), '9000');
  t.is(send(card, '002241B606840101800142'), '9000');
  t.is(send(card, `002A90A0${lc('80' + lc(toHex(MESSAGE)) + toHex(MESSAGE))}80${lc(toHex(MESSAGE))}${toHex(MESSAGE)}`), '9000', 'the card hashes the message');
  const answer = send(card, '002A9E9A00');
  t.true(verifySignature('sha256', MESSAGE, publicKey, signature(answer)));
  t.is(send(card, '002A9E9A00'), '6700', 'the hash was consumed');
  t.is(send(card, `002A90A022 9020${HASH}`.replace(/\s/g, '')), '9000', 'a hash computed outside');
  t.true(verifySignature('sha256', MESSAGE, publicKey, signature(send(card, '002A9E9A00'))));
});

test('INTERNAL AUTHENTICATE: RSA PKCS#1 over the DigestInfo with the AT key', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, `00880000${lc(SHA256_DIGEST_INFO)}${SHA256_DIGEST_INFO}00`), '6985', 'no AT set');
  t.is(send(card, '002241A406840101800102'), '9000');
  t.is(send(card, `00880000${lc(SHA256_DIGEST_INFO)}${SHA256_DIGEST_INFO}00`), '6982');
  send(card, VERIFY);
  const answer = send(card, `00880000${lc(SHA256_DIGEST_INFO)}${SHA256_DIGEST_INFO}00`);
  const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature(answer));
  t.is(toHex(new Uint8Array(recovered)), SHA256_DIGEST_INFO);
  t.is(send(card, `00880100${lc(SHA256_DIGEST_INFO)}${SHA256_DIGEST_INFO}00`), '6A86');
  t.is(send(card, '0088000000'), '6700', 'no data');
});

test('MSE errors and RESTORE', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, '002241B606840109800142'), '6A88', 'no key 9');
  t.is(send(card, '002241B606840101800199'), '6A80', 'unknown algorithm');
  t.is(send(card, '002241B603830101'), '6A80', 'unexpected tag');
  t.is(send(card, '002241B8 03 800102'.replace(/\s/g, '')), '6A86', 'confidentiality template');
  t.is(send(card, '002281B606840101800142'), '6A86', 'P1 81');
  t.is(send(card, '002241B6028401'), '6A80', 'truncated TLV');
  t.is(send(card, '002241B606840101800142'), '9000');
  t.is(send(card, '0022F301'), '9000', 'restore empties the environment');
  send(card, VERIFY);
  t.is(send(card, `002A9E9A20${HASH}00`), '6985', 'no DST any more');
  t.is(send(card, `002A9E9B20${HASH}00`), '6A86', 'not a PSO this card knows');
});
