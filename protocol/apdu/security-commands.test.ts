import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { createHash, generateKeyPairSync, sign, verify, constants, privateEncrypt } from 'node:crypto';
import { hex, toHex } from '../bytes.js';
import { caseOf, parseCommandApdu } from './command-apdu.js';
import {
  cpsPinBlock,
  internalAuthenticate,
  mseSetAuthentication,
  mseSetSignature,
  psoComputeSignature,
  readBinary,
  selectCpsFile,
  sha256DigestInfo,
  verifyCommand,
} from './security-commands.js';

const digest = new Uint8Array(32).map((_, i) => i);

test('the builders give the bytes DOMAIN.md "What real software sends" lists', (t) => {
  t.deepEqual(mseSetSignature(1), hex('00 22 41 B6 06 84 01 01 80 01 42'));
  t.deepEqual(mseSetSignature(2), hex('00 22 41 B6 06 84 01 02 80 01 42'));
  t.deepEqual(mseSetAuthentication(1), hex('00 22 41 A4 06 84 01 01 80 01 02'));
  t.deepEqual(psoComputeSignature(digest), hex(`00 2A 9E 9A 20 ${toHex(digest)} 00`));
  t.deepEqual(internalAuthenticate(digest), hex(`00 88 00 00 33 3031300D060960864801650304020105000420 ${toHex(digest)} 00`));
  t.deepEqual(selectCpsFile(0xc001), hex('00 A4 09 0C 06 3F00 0001 C001'));
  t.deepEqual(readBinary(0xe7, 0xe7), hex('00 B0 00 E7 E7'));
  t.deepEqual(readBinary(0x100), hex('00 B0 01 00 00'));
  t.deepEqual(cpsPinBlock('1234'), hex('31 32 33 34 FF FF FF FF'));
  t.deepEqual(verifyCommand(1, cpsPinBlock('1234')), hex('00 20 00 01 08 31 32 33 34 FF FF FF FF'));
});

test('bad arguments are RangeErrors thrown at the call, never a wrong APDU', (t) => {
  for (const call of [
    () => mseSetSignature(256),
    () => mseSetSignature(-1),
    () => mseSetAuthentication(1.5),
    () => psoComputeSignature(new Uint8Array(20)),
    () => internalAuthenticate(new Uint8Array(33)),
    () => selectCpsFile(0x10000),
    () => readBinary(0x8000),
    () => readBinary(0, 0),
    () => verifyCommand(1, new Uint8Array()),
    () => cpsPinBlock('12a4'),
    () => cpsPinBlock('123'),
  ]) t.throws(call, { instanceOf: RangeError });
});

test('the PIN never shows in a RangeError message', (t) => {
  const error = t.throws(() => cpsPinBlock('98765x'));
  t.false(error?.message.includes('98765') ?? true);
});

testProp('every builder gives a well-formed command APDU of the expected case', [fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0x7fff })], (t, d, key, offset) => {
  const expect = [
    [mseSetSignature(key), '3S'],
    [mseSetAuthentication(key), '3S'],
    [psoComputeSignature(d), '4S'],
    [internalAuthenticate(d), '4S'],
    [selectCpsFile(offset), '3S'],
    [readBinary(offset), '2S'],
  ] as const;
  for (const [bytes, apduCase] of expect) {
    const parsed = parseCommandApdu(bytes);
    if (!parsed.ok) return t.fail(parsed.error.message);
    t.is(caseOf(parsed.value), apduCase);
  }
});

test('what INTERNAL AUTHENTICATE carries, signed raw, is the SHA256-RSA-PKCS signature of the message', (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const message = new TextEncoder().encode('challenge');
  const command = internalAuthenticate(new Uint8Array(createHash('sha256').update(message).digest()));
  const digestInfo = command.subarray(5, -1);
  t.deepEqual(digestInfo, sha256DigestInfo(new Uint8Array(createHash('sha256').update(message).digest())));
  const raw = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
  t.true(verify('sha256', message, publicKey, raw));
  t.deepEqual(new Uint8Array(raw), new Uint8Array(sign('sha256', message, privateKey)));
});
