import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex } from '../bytes.js';
import { checkEdc, crc16, edcLength, lrc, writeEdc } from './edc.js';

test('LRC is the XOR of the bytes (ISO/IEC 7816-3 §11.3.4.1)', (t) => {
  t.is(lrc(hex('00 C1 01 FE')), 0x3e);
  t.is(lrc(hex('00 E1 01 FE')), 0x1e);
  t.is(lrc(new Uint8Array(0)), 0);
});

test('the T=1 CRC is CRC-16/MCRF4XX: check value 6F91', (t) => {
  t.is(crc16(new TextEncoder().encode('123456789')), 0x6f91);
  t.is(crc16(new Uint8Array(0)), 0xffff);
});

test('the CRC goes high byte first, as libccid writes it', (t) => {
  const block = hex('00 C1 01 FE 00 00');
  writeEdc('crc', block, 4);
  t.is(block[4], crc16(block, 4) >>> 8);
  t.is(block[5], crc16(block, 4) & 0xff);
  t.true(checkEdc('crc', block, 4));
  t.is(edcLength('crc'), 2);
  t.is(edcLength('lrc'), 1);
});

testProp('the table CRC matches a bitwise reference', [fc.uint8Array({ maxLength: 64 })], (t, bytes) => {
  let v = 0xffff;
  for (const b of bytes) {
    v ^= b;
    for (let k = 0; k < 8; k++) v = v & 1 ? (v >>> 1) ^ 0x8408 : v >>> 1;
  }
  t.is(crc16(bytes), v);
});

testProp('the CRC catches every burst of up to 16 bits', [fc.uint8Array({ minLength: 2, maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 0xffff })], (t, data, at, burst) => {
  const block = new Uint8Array(data.length + 2);
  block.set(data);
  writeEdc('crc', block, data.length);
  const i = at % (block.length - 1);
  block[i]! ^= burst >>> 8;
  block[i + 1]! ^= burst & 0xff;
  t.false(checkEdc('crc', block, data.length));
});
