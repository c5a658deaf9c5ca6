import test from 'ava';
import { hex, toHex } from '../bytes.js';
import { parseTlv, type TlvItem } from './ber-tlv.js';
import { latin1Bytes, tlv, tlvConstructed, tlvPadding } from './builders.js';
import { findAllTlv, findTlv, tlvValue } from './find.js';
import { berRows, tlvVectors } from './vectors.js';

function itemsOf(name: string): readonly TlvItem[] {
  const row = berRows.find((r) => r.name === name);
  if (row === undefined) throw new TypeError(`no vector named ${name}`);
  const r = parseTlv(hex(row.hex));
  if (!r.ok) throw new TypeError(r.error.message);
  return r.value;
}

test('lookups of the vector file: findAllTlv, findTlv and tlvValue agree', (t) => {
  t.true(tlvVectors.lookups.length >= 10);
  for (const row of tlvVectors.lookups) {
    const items = itemsOf(row.vector);
    const label = `${row.vector} ${row.path}`;
    t.deepEqual(findAllTlv(items, row.path).map((n) => toHex(n.value, ' ')), row.values, label);
    t.is(findTlv(items, row.path) === undefined ? undefined : toHex(findTlv(items, row.path)!.value, ' '), row.values[0], label);
    const value = tlvValue(items, row.path);
    t.is(value === undefined ? undefined : toHex(value, ' '), row.values[0], label);
  }
});

test('findTlv backtracks: a later template may hold the first match', (t) => {
  const items = [tlvConstructed(0x65, [tlv(0x80, latin1Bytes('A'))]), tlvPadding(2), tlvConstructed(0x65, [tlv(0x93, latin1Bytes('B'))])];
  t.is(toHex(tlvValue(items, '65/93') ?? new Uint8Array(0)), '42');
  t.is(toHex(tlvValue(items, [0x65, 0x93]) ?? new Uint8Array(0)), '42', 'path as tag numbers');
  t.is(tlvValue(items, '80'), undefined, 'paths start at the given level');
  t.is(findTlv(items, []), undefined);
  t.deepEqual(findAllTlv(items, []), []);
});

test('a path does not descend into primitive objects', (t) => {
  // 4D is primitive: its value looks like TLV but is opaque (ISO/IEC 7816-4 §5.2).
  const items = itemsOf('CPS GET DATA command data: header list 4D asking for BF8101 / 7F41');
  t.is(findTlv(items, '4D/70'), undefined);
  t.truthy(findTlv(items, '4D'));
});

test('malformed paths are programmer errors', (t) => {
  for (const path of ['', '65//80', '6', 'ZZ', '65/00', '1F']) {
    t.throws(() => findTlv([], path), { instanceOf: TypeError }, path);
  }
});
