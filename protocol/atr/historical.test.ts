import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { decodeHistorical, describeCardCapabilities, describeCardServiceData, describeLcs } from './historical.js';

test('none, proprietary, RFU and DIR data reference', (t) => {
  t.like(decodeHistorical(new Uint8Array(0)), { category: null, kind: 'none', status: null, error: null });
  t.like(decodeHistorical(hex('52 09 6A 90 00')), { category: 0x52, kind: 'proprietary', objects: [] });
  t.like(decodeHistorical(hex('85 01 02')), { kind: 'rfu' });
  t.like(decodeHistorical(hex('10 50')), { kind: 'dir-reference', dirReference: 0x50 });
  t.like(decodeHistorical(hex('10')), { kind: 'dir-reference', dirReference: null });
});

test('category 00: objects, then LCS SW1 SW2 in the last 3 bytes (CPS3 contact)', (t) => {
  const h = decodeHistorical(hex('00 12 25 00 64 80 00 03 10 00 90 00'));
  t.is(h.kind, 'compact-tlv-status');
  t.deepEqual(h.objects.map((o) => [o.tag, toHex(o.value)]), [[1, '2500'], [6, '80000310']]);
  t.deepEqual(h.status, { lcs: 0, sw: 0x9000 });
  t.is(h.error, null);
});

test('category 80: status from a tag 8 object of 1, 2 or 3 bytes', (t) => {
  t.deepEqual(decodeHistorical(hex('80 31 C0 82 90 00')).status, { lcs: null, sw: 0x9000 });
  t.deepEqual(decodeHistorical(hex('80 81 05')).status, { lcs: 5, sw: null });
  t.deepEqual(decodeHistorical(hex('80 83 07 90 00')).status, { lcs: 7, sw: 0x9000 });
  t.is(decodeHistorical(hex('80 84 07 90 00 00')).status, null);
  t.is(decodeHistorical(hex('80 31 C0')).status, null);
});

test('a malformed COMPACT-TLV part is reported, not thrown', (t) => {
  const h = decodeHistorical(hex('80 73 FE 21'));
  t.is(h.error?.reason, 'truncated');
  t.is(h.error?.offset, 4);
  t.is(h.error?.path, 'historical/compact-tlv/0/value');
  t.deepEqual(h.objects, []);
  t.is(decodeHistorical(hex('00 90')).error?.reason, 'truncated');
});

testProp('decodeHistorical never throws', [fc.uint8Array({ maxLength: 15 })], (t, bytes) => {
  const h = decodeHistorical(bytes);
  t.is(h.category, bytes[0] ?? null);
});

test('life cycle status (ISO/IEC 7816-4 table 13)', (t) => {
  t.deepEqual([0x00, 0x01, 0x03, 0x05, 0x04, 0x0f, 0x02, 0x82].map(describeLcs), [
    'no information given',
    'creation state',
    'initialisation state',
    'operational state (activated)',
    'operational state (deactivated)',
    'termination state',
    'RFU',
    'proprietary',
  ]);
});

test('card service data and capabilities', (t) => {
  t.deepEqual(describeCardServiceData(0xb8), [
    'application selection by full DF name',
    'BER-TLV data objects in EF.DIR',
    'BER-TLV data objects in EF.ATR',
    'EF.DIR and EF.ATR access by READ BINARY',
    'card with MF',
  ]);
  t.true(describeCardServiceData(0x01).includes('card without MF'));
  t.true(describeCardServiceData(0x02).includes('EF.DIR and EF.ATR access by an RFU method'));
  const caps = describeCardCapabilities(hex('F8 41 D3'));
  t.true(caps.includes('implicit DF selection'));
  t.true(caps.includes('write functions: write OR'));
  t.true(caps.includes('data unit: 2 quartet(s)'));
  t.true(caps.includes('extended Lc and Le fields'));
  t.true(caps.includes('logical channel assignment: by the card'));
  t.true(caps.includes('maximum logical channels: 4'));
  t.deepEqual(describeCardCapabilities(new Uint8Array(0)), []);
});
