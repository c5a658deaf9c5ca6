import test from 'ava';
import { hex, toHex } from '../bytes.js';
import { encodeTlv, encodeTlvNode, minimalLengthSize } from './ber-tlv.js';
import { latin1Bytes, tlv, tlvConstructed, tlvPadding } from './builders.js';

test('builders use the minimal length form (X.690 §8.1.3)', (t) => {
  const header = (n: number) => {
    const bytes = encodeTlvNode(tlv(0x80, new Uint8Array(n)));
    return toHex(bytes.subarray(0, bytes.length - n));
  };
  t.is(header(0), '8000');
  t.is(header(127), '807F');
  t.is(header(128), '808180');
  t.is(header(255), '8081FF');
  t.is(header(256), '80820100');
  t.is(header(65536), '8083010000');
  t.deepEqual([0, 127, 128, 255, 256, 65535, 65536, 0xffffff, 0x1000000].map(minimalLengthSize), [1, 1, 2, 2, 3, 3, 4, 4, 5]);
});

test('a Vitale beneficiary template from the builders', (t) => {
  const node = tlvConstructed(0x65, [
    tlv(0x80, latin1Bytes('DUPONT')),
    tlv(0x81, latin1Bytes('MARIE')),
    tlv(0x82, latin1Bytes('19690512')),
  ]);
  t.is(toHex(encodeTlvNode(node), ' '), '65 19 80 06 44 55 50 4F 4E 54 81 05 4D 41 52 49 45 82 08 31 39 36 39 30 35 31 32');
  t.is(toHex(node.value), toHex(encodeTlv(node.children)));
});

test('builders keep an asked-for non-minimal length and padding', (t) => {
  t.is(toHex(encodeTlv([tlvPadding(2, 0xff), tlv(0x80, hex('41'), 3), tlvPadding(1)]), ' '), 'FF FF 80 82 00 01 41 00');
  t.is(toHex(encodeTlvNode(tlvConstructed(0x65, [], 2))), '658100');
});

test('builders refuse what no parse could give', (t) => {
  t.throws(() => tlv(0x65, hex('41')), { instanceOf: RangeError, message: /tlvConstructed/ });
  t.throws(() => tlvConstructed(0x80, []), { instanceOf: RangeError, message: /use tlv/ });
  t.throws(() => tlv(0x1f, hex('41')), { instanceOf: RangeError });
  t.throws(() => tlv(0x80, new Uint8Array(200), 1), { instanceOf: RangeError });
  t.throws(() => tlv(0x80, hex('41'), 6), { instanceOf: RangeError });
  t.throws(() => tlvPadding(0), { instanceOf: RangeError });
  t.throws(() => tlvPadding(1, 0x01 as 0x00), { instanceOf: RangeError });
  t.throws(() => latin1Bytes('€'), { instanceOf: RangeError });
  t.is(toHex(latin1Bytes('Zoé')), '5A6FE9');
});
