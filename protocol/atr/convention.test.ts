import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { parseAtr } from './atr.js';
import { fromInverseConvention, toInverseConvention } from './convention.js';

test('TS 3F is 03 on the line read as direct (ISO/IEC 7816-3 §8.1)', (t) => {
  t.is(toHex(fromInverseConvention(hex('03'))), '3F');
  t.is(toHex(toInverseConvention(hex('3F'))), '03');
  // Bits inverted and reversed: 65 = 0110 0101 -> reversed 1010 0110 -> inverted 0101 1001.
  t.is(toHex(toInverseConvention(hex('3F 65 25 00'))), '03595BFF');
});

test('a raw Vitale 1 stream converts to the ATR PC/SC reports', (t) => {
  const logical = hex('3F 65 25 00 52 09 6A 90 00');
  const raw = toInverseConvention(logical);
  t.is(toHex(raw, ' '), '03 59 5B FF B5 6F A9 F6 FF');
  const back = parseAtr(fromInverseConvention(raw));
  t.true(back.ok && back.value.convention === 'inverse');
  const unconverted = parseAtr(raw);
  t.true(!unconverted.ok && unconverted.error.reason === 'bad-ts' && /fromInverseConvention/.test(unconverted.error.message));
});

testProp('the conversion is an involution and a bijection on bytes', [fc.uint8Array({ maxLength: 40 })], (t, bytes) => {
  t.is(toHex(fromInverseConvention(toInverseConvention(bytes))), toHex(bytes));
  t.is(toHex(toInverseConvention(fromInverseConvention(bytes))), toHex(bytes));
});

test('the byte map is a permutation', (t) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  t.is(new Set(fromInverseConvention(all)).size, 256);
});
