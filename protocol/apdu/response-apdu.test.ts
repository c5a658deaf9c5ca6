import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, loadVectors, type BadRow } from '../test-support.js';
import { arbResponseApdu } from './arbitraries.js';
import { encodeResponseApdu, parseResponseApdu, responseApdu, responseApduCodec, sw1, sw2 } from './response-apdu.js';

interface ResponseRow {
  name: string;
  hex: string;
  data: string;
  sw: string;
}
const vectors = loadVectors<{ responses: ResponseRow[]; badResponses: BadRow[] }>('apdu');

test('response vectors, four directions', (t) => {
  const rows = vectors.responses.map((r) => ({ name: r.name, hex: r.hex, value: { data: hex(r.data), sw: parseInt(r.sw, 16) } }));
  t.true(rows.length >= 4);
  checkVectors(t, responseApduCodec, rows);
});

test('bad responses', (t) => {
  checkBad(t, parseResponseApdu, vectors.badResponses);
});

test('sw1, sw2 and the smart constructor', (t) => {
  const r = responseApdu(new Uint8Array(0), 0x6a82);
  t.true(r.ok);
  if (r.ok) {
    t.is(sw1(r.value), 0x6a);
    t.is(sw2(r.value), 0x82);
  }
  t.false(responseApdu(new Uint8Array(0), 0x10000).ok);
  t.false(responseApdu(new Uint8Array(0), -1).ok);
  t.throws(() => encodeResponseApdu({ data: new Uint8Array(0), sw: 0x10000 }), { instanceOf: RangeError });
});

testProp('round trip over response APDUs', [arbResponseApdu()], (t, r) => {
  const back = parseResponseApdu(encodeResponseApdu(r));
  t.true(back.ok);
  if (back.ok) t.deepEqual(back.value, r);
});

testProp('parse never throws; every input of 2+ bytes parses and re-encodes', [fc.uint8Array({ maxLength: 64 })], (t, bytes) => {
  const r = parseResponseApdu(bytes);
  t.is(r.ok, bytes.length >= 2);
  if (r.ok) t.is(toHex(encodeResponseApdu(r.value)), toHex(bytes));
});
