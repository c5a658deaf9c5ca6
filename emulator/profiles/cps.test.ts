// The CPS3 profile in process: OpenSC's / the Cryptolib's APDUs (DOMAIN.md
// "What real software sends"), PIN flows, signatures checked with node:crypto.
import test from 'ava';
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTlv, hex, parseTlv, toHex } from '../../protocol/index.js';
import type { CardOs } from '../card/card-os.js';
import { memoryStorage } from '../card/storage.js';
import { lc, mustOpen, pinHex, send } from '../card/test-support.js';
import { loadPersona, type Doctor } from '../personas/index.js';
import { CPS3_AID, cpsImage } from './cps-image.js';
import { cpsCardOptions, loadCpsPki, openCps } from './cps.js';

const doctor = (await loadPersona('dr-benali')) as Doctor;
const pki = await loadCpsPki(doctor);
const imageText = JSON.stringify(cpsImage(doctor, pki));

function freshCard(): CardOs {
  const card = mustOpen(memoryStorage(imageText, process.cwd()), cpsCardOptions());
  card.powerOn();
  return card;
}

function valueAt(bytes: Uint8Array, path: readonly number[]): Uint8Array {
  const nodes = parseTlv(bytes);
  if (!nodes.ok) return new Uint8Array();
  return findTlv(nodes.value, path)?.value ?? new Uint8Array();
}

const sw = (answer: string): string => answer.slice(-4);
const data = (answer: string): string => answer.slice(0, -4);

test('the ATR is the CPS3 contact ATR', (t) => {
  t.is(toHex(freshCard().atr()), '3BAC00402A001225006480000310009000');
});

test('OpenSC: SELECT EF.ATR by path with FCP, read it, select the AID it names', (t) => {
  const card = freshCard();
  const fcp = send(card, '00 A4 09 04 04 3F00 2F01 00');
  t.is(sw(fcp), '9000');
  const tree = parseTlv(hex(data(fcp)));
  t.is(tree.ok ? data(fcp).slice(0, 2) : '', '62');
  t.regex(data(fcp), /A10A8C087F/, 'FCP carries A1{8C} access rules');
  const atr = send(card, '00 B0 00 00 00');
  t.is(sw(atr), '9000');
  t.true(data(atr).startsWith('80'), 'stray 0x80 first');
  const aid = CPS3_AID.replace(/ /g, '');
  t.true(data(atr).includes(`4F0D${aid}`));
  t.is(sw(send(card, `00 A4 04 04 0D ${aid} 00`)), '9000');
});

test('serial: READ BINARY SFI 1C answers 5A + card serial', (t) => {
  t.is(send(freshCard(), '00 B0 9C 00 00'), `5A08${doctor.cardSerial}9000`);
});

test('EF_ACTUA holds EC{81 82} BCD dates; situation 0 holds the billing number', (t) => {
  const card = freshCard();
  send(card, '00 A4 09 04 04 3F00 D010 00');
  t.is(send(card, '00 B0 00 00 00'), 'EC0C8104202501018204202801019000');
  send(card, '00 A4 09 04 06 3F00 0001 D120 00');
  const situation = data(send(card, '00 B0 00 00 00'));
  t.true(situation.includes(toHex(new TextEncoder().encode(doctor.situations[0]?.billingNumber ?? '?'))));
  send(card, '00 A4 09 04 06 3F00 0001 D12F 00');
  t.is(send(card, '00 B0 00 00 00'), `${'00'.repeat(192)}9000`, 'unused situation files are empty');
});

test('PIN policy GET DATA answers 9A max tries and 9B tries left', (t) => {
  const card = freshCard();
  send(card, '00 A4 00 04 02 3F00 00');
  const answer = send(card, '00 CB 3F FF 0B 4D 09 70 07 BF 81 01 03 7F 41 80 00');
  t.is(sw(answer), '9000');
  const bytes = hex(data(answer));
  t.is(toHex(valueAt(bytes, [0x70, 0xbf8101, 0xa0, 0x9a])), '03');
  t.is(toHex(valueAt(bytes, [0x70, 0xbf8101, 0xa0, 0x9b])), '03');
  send(card, `00 20 00 01 04 ${pinHex('0000')}`);
  const after = hex(data(send(card, '00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80 00')));
  t.is(toHex(valueAt(after, [0x70, 0xbf8101, 0xa0, 0x9b])), '02');
});

test('key info and SE info GET DATA', (t) => {
  const card = freshCard();
  send(card, '00 A4 09 04 04 3F00 0001 00');
  const key = send(card, '00 CB 3F FF 0B 4D 09 70 07 BF 90 02 03 7F 48 80 00');
  t.is(sw(key), '9000');
  t.is(toHex(valueAt(hex(data(key)), [0x70, 0xbf9002, 0xa0, 0x80])), '0100', 'modulus size in bytes');
  send(card, '00 A4 00 04 02 3F00 00');
  const se = send(card, '00 CB 3F FF 0A 4D 08 70 06 BF FB 01 02 7B 80 00');
  t.is(sw(se), '9000');
  t.true(data(se).includes('A4069501088301 01'.replace(/ /g, '')));
  t.is(sw(send(card, '00 CB 3F FF 0A 4D 08 70 06 BF FB 09 02 7B 80 00')), '6A88');
});

test('PIN: empty VERIFY counts nothing, 3 wrong block, unblock with the 8-digit code', (t) => {
  const card = freshCard();
  t.is(send(card, '00 20 00 01'), '63C3');
  t.is(send(card, `00 20 00 01 04 ${pinHex('9999')}`), '63C2');
  t.is(send(card, `00 20 00 01 04 ${pinHex('9999')}`), '63C1');
  t.is(send(card, `00 20 00 01 04 ${pinHex('9999')}`), '63C0');
  t.is(send(card, `00 20 00 01 04 ${pinHex(doctor.pin)}`), '6983', 'blocked even with the right PIN');
  const puk = pinHex(doctor.unblockingCode);
  t.is(send(card, `00 2C 01 01 ${lc(puk)} ${puk}`), '9000');
  t.is(send(card, `00 20 00 01 08 ${pinHex(doctor.pin, 8)}`), '9000', 'FF-padded PIN');
});

function signWith(card: CardOs, message: Buffer): Buffer {
  const pin = pinHex(doctor.pin);
  assertOk(send(card, `00 20 00 01 ${lc(pin)} ${pin}`));
  assertOk(send(card, '00 22 41 AA 03 80 01 40'));
  assertOk(send(card, '00 22 41 B6 06 84 01 02 80 01 42'));
  const digest = createHash('sha256').update(message).digest('hex');
  assertOk(send(card, `00 2A 90 A0 22 90 20 ${digest}`));
  const answer = send(card, '00 2A 9E 9A 00');
  assertOk(answer);
  return Buffer.from(data(answer), 'hex');
}

function assertOk(answer: string): void {
  if (sw(answer) !== '9000') throw new Error(`unexpected status ${sw(answer)}`);
}

test('MSE SET + PSO HASH + PSO CDS signs with the signature key (verifies against the PKI certificate)', (t) => {
  const message = Buffer.from('lot 001');
  const signature = signWith(freshCard(), message);
  const cert = new X509Certificate(Buffer.from(pki.signature.certificateDer));
  t.true(createVerify('sha256').update(message).verify(cert.publicKey, signature));
});

test('MSE SET AT + INTERNAL AUTHENTICATE uses the authentication key', (t) => {
  const card = freshCard();
  const pin = pinHex(doctor.pin);
  t.is(sw(send(card, `00 20 00 01 ${lc(pin)} ${pin}`)), '9000');
  t.is(sw(send(card, '00 22 41 A4 06 84 01 01 80 01 02')), '9000');
  const digestInfo = `3031300D060960864801650304020105000420${createHash('sha256').update('tls').digest('hex')}`;
  const answer = send(card, `00 88 00 00 ${lc(digestInfo)} ${digestInfo} 00`);
  t.is(sw(answer), '9000');
  const cert = new X509Certificate(Buffer.from(pki.authentication.certificateDer));
  t.true(createVerify('sha256').update('tls').verify(cert.publicKey, Buffer.from(data(answer), 'hex')));
});

test('signing without the PIN is refused', (t) => {
  const card = freshCard();
  send(card, '00 22 41 B6 06 84 01 02 80 01 42');
  t.is(sw(send(card, `00 2A 90 A0 22 90 20 ${'11'.repeat(32)}`)), '9000', 'hashing needs no PIN');
  t.is(send(card, '00 2A 9E 9A 00'), '6982');
});

for (const [name, aid] of [
  ['PIV', 'A0 00 00 03 08'],
  ['CAC', 'A0 00 00 00 79 01 00'],
  ['OpenPGP', 'D2 76 00 01 24 01'],
  ['Muscle', 'A0 00 00 00 01 01'],
] as const) {
  test(`foreign AID ${name} answers 6A82`, (t) => {
    t.is(send(freshCard(), `00 A4 04 00 ${lc(aid)} ${aid} 00`), '6A82');
  });
}

test('openCps persists the card: a blocked counter survives a reopen', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'cps-'));
  const first = await openCps('dr-benali', { stateDir });
  first.powerOn();
  t.is(send(first, `00 20 00 01 04 ${pinHex('9999')}`), '63C2');
  const second = await openCps('dr-benali', { stateDir });
  second.powerOn();
  t.is(send(second, '00 20 00 01'), '63C2');
});

test('IAS-ECC forms OpenSC sends: SELECT P1 02 3F00 from a DF, VERIFY status with P3=00 (T=0), key reference with b8 set', (t) => {
  const card = freshCard();
  send(card, '00 A4 09 04 04 3F00 0001 00');
  t.regex(send(card, '00 A4 02 04 02 3F00 00'), /^62.*3F00.*9000$/);
  t.is(send(card, '00 20 00 01 00'), '63C3');
  t.is(send(card, '00 22 41 B6 06 84 01 82 80 01 42'), '9000');
  t.is(send(card, '00 22 41 B6 06 84 01 83 80 01 42'), '6A88');
});
