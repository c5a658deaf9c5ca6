// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER on the generic card:
// counters, blocking, unblocking, and that no PIN reaches the stored image.
import test from 'ava';
import { GENERIC_PIN, GENERIC_PUK, genericStorage, lc, mustOpen, pinHex, send } from '../test-support.js';

const verify = (pin: string): string => `00200001${lc(pinHex(pin, 8))}${pinHex(pin, 8)}`;
const change = (old: string, next: string): string => `00240001${lc(pinHex(old, 8) + pinHex(next, 8))}${pinHex(old, 8)}${pinHex(next, 8)}`;
const unblock = (puk: string, next?: string): string =>
  next === undefined ? `002C0101${lc(pinHex(puk))}${pinHex(puk)}` : `002C0001${lc(pinHex(puk) + pinHex(next, 8))}${pinHex(puk)}${pinHex(next, 8)}`;

test('VERIFY: empty VERIFY reports tries without counting, wrong PINs count down to blocked', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, '00200001'), '63C3', 'empty VERIFY: 3 tries');
  t.is(send(card, '00200001'), '63C3', 'still 3: the empty VERIFY did not count');
  t.is(send(card, verify('0000')), '63C2');
  t.is(send(card, verify('1111')), '63C1');
  t.is(send(card, verify(GENERIC_PIN)), '9000', 'the right PIN restores the counter');
  t.is(send(card, '00200001'), '9000', 'empty VERIFY once verified');
  t.is(send(card, '00200001'.replace('2000', '20FF')), '9000', 'P1 FF forgets the verification');
  t.is(send(card, '00200001'), '63C3');
  t.is(send(card, verify('0000')), '63C2');
  t.is(send(card, verify('0000')), '63C1');
  t.is(send(card, verify('0000')), '63C0');
  t.is(send(card, verify(GENERIC_PIN)), '6983', 'blocked: even the right PIN is refused');
  t.is(send(card, '00200001'), '6983', 'empty VERIFY on a blocked PIN');
});

test('VERIFY: bad forms get their status words and count no try', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, '0020000203313233'), '6A88', 'unknown PIN reference');
  t.is(send(card, '0020010104' + pinHex(GENERIC_PIN)), '6A86', 'P1 01');
  t.is(send(card, '0020000103313233'), '6A80', 'three digits: too short');
  t.is(send(card, '00200001093132333435363738FF'.slice(0, 10) + '313233343536373839'), '6A80', 'nine digits: too long');
  t.is(send(card, '00200001' + lc(pinHex(GENERIC_PIN)) + pinHex(GENERIC_PIN) + '00'), '6700', 'VERIFY with Le');
  t.is(send(card, '00200001'), '63C3', 'none of them counted');
  t.is(send(card, '0020000104' + pinHex(GENERIC_PIN)), '9000', 'unpadded PIN works too');
});

test('CHANGE REFERENCE DATA: old and new value, then the new one verifies', (t) => {
  const card = mustOpen(genericStorage());
  t.is(send(card, change('9999', '5678')), '63C2', 'wrong old PIN counts a try');
  t.is(send(card, change(GENERIC_PIN, '5678')), '9000');
  t.is(send(card, verify(GENERIC_PIN)), '63C2', 'the old PIN is gone');
  t.is(send(card, verify('5678')), '9000');
  t.is(send(card, `00240101${lc(pinHex('4321', 8))}${pinHex('4321', 8)}`), '9000', 'P1 01 after verification');
  card.reset();
  t.is(send(card, `00240101${lc(pinHex('1111', 8))}${pinHex('1111', 8)}`), '6982', 'P1 01 needs the PIN verified');
  t.is(send(card, verify('4321')), '9000');
  t.is(send(card, '002400010300FF00'.slice(0, 10) + 'AABBCC'), '6A80', 'data that splits into no two PINs');
});

test('RESET RETRY COUNTER: the unblocking code unblocks, with its own counter', (t) => {
  const card = mustOpen(genericStorage());
  for (let i = 0; i < 3; i++) send(card, verify('0000'));
  t.is(send(card, '00200001'), '6983');
  t.is(send(card, unblock('87654321')), '63C9', 'wrong PUK: 9 tries left on it');
  t.is(send(card, '00200001'), '6983', 'a wrong PUK does not unblock');
  t.is(send(card, unblock(GENERIC_PUK)), '9000', 'P1 01: counter reset, value kept');
  t.is(send(card, '00200001'), '63C3');
  for (let i = 0; i < 3; i++) send(card, verify('0000'));
  t.is(send(card, unblock(GENERIC_PUK, '2468')), '9000', 'P1 00: new PIN');
  t.is(send(card, verify(GENERIC_PIN)), '63C2');
  t.is(send(card, verify('2468')), '9000');
  t.is(send(card, '002C020100'.slice(0, 8)), '6700', 'no data');
  t.is(send(card, '002C0201' + lc(pinHex(GENERIC_PUK)) + pinHex(GENERIC_PUK)), '6A86', 'P1 02 is not supported');
});

test('the stored image never holds a PIN or unblocking code in clear', (t) => {
  const storage = genericStorage();
  const card = mustOpen(storage);
  t.is(send(card, change(GENERIC_PIN, '8642')), '9000');
  const stored = storage.read() ?? '';
  t.false(/"value"/.test(stored.slice(stored.indexOf('"pins"'), stored.indexOf('"keys"'))), 'secrets are written as salt + sha256');
  for (const secret of [GENERIC_PIN, '8642', GENERIC_PUK]) {
    t.false(stored.includes(`"${secret}"`), `${secret.length}-digit secret absent as a JSON string`);
    t.false(stored.toUpperCase().includes(pinHex(secret)), `${secret.length}-digit secret absent in hex`);
  }
});
