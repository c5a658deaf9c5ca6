// MSE SET, PSO COMPUTE DIGITAL SIGNATURE, PSO HASH and INTERNAL
// AUTHENTICATE: the signatures verify with node:crypto against the key's
// public half (RSA PKCS#1 v1.5, RFC 8017 §8.2).
import test from 'ava';
import { createHash, createPublicKey, publicDecrypt, verify as verifySignature, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hex, toHex } from '../../../protocol/index.js';
import { SHA256_BLOCK_BYTES, SHA256_INITIAL_STATE, sha256Blocks } from '../sha256-resume.js';
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

/**
 * The PSO HASH data OpenSC's iasecc driver builds for SHA256-RSA-PKCS
 * (card-iasecc.c, iasecc_compute_signature_dst): the host hashes the whole
 * 64-byte blocks and sends the state and bit count, or `90 00` under one block.
 */
function iasEccHashData(message: Uint8Array): string {
  const whole = message.length - (message.length % SHA256_BLOCK_BYTES);
  const tail = toHex(message.subarray(whole));
  if (whole === 0) return `9000 80${lc(tail)}${tail}`;
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(whole) * 8n);
  return `9028${toHex(sha256Blocks(SHA256_INITIAL_STATE, message.subarray(0, whole)))}${toHex(count)} 80${lc(tail)}${tail}`;
}

test('SHA256-RSA-PKCS the way OpenSC sends it: MSE HT + DST, PSO HASH with the intermediate state, PSO CDS', (t) => {
  const card = mustOpen(genericStorage());
  send(card, VERIFY);
  for (const size of [0, 11, 63, 64, 150, 1000]) {
    const message = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
    const data = iasEccHashData(message).replace(/\s/g, '');
    t.is(send(card, '002241AA03800140'), '9000');
    t.is(send(card, '002241B606840181800142'), '9000', 'key reference with the local bit');
    t.is(send(card, `002A90A0${lc(data)}${data}`), '9000', `PSO HASH, message of ${size}`);
    t.true(verifySignature('sha256', message, publicKey, signature(send(card, '002A9E9A00'))), `signature over ${size} bytes`);
  }
});

test('PSO HASH with a malformed intermediate state: 6A80', (t) => {
  const card = mustOpen(genericStorage());
  const state = toHex(SHA256_INITIAL_STATE);
  for (const [why, data] of [
    ['a bit count that is not whole blocks', `9028${state}0000000000000008 8001AA`],
    ['a state of the wrong size', `9027${state.slice(2)}0000000000000200 8001AA`],
    ['a tail of a whole block', `9000 8040${'AA'.repeat(64)}`],
    ['the tail first', `8001AA 9000`],
    ['three objects', `9000 8001AA 8001AA`],
  ] as const) {
    const bytes = data.replace(/\s/g, '');
    t.is(send(card, `002A90A0${lc(bytes)}${bytes}`), '6A80', why);
  }
  t.is(send(card, '002241AA03800110'), '9000');
  t.is(send(card, '002A90A005 9000 8001AA'.replace(/\s/g, '')), '6A80', 'the intermediate form is SHA-256 only');
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
