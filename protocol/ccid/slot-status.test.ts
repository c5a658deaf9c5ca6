import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { decodeSlotStatus, describeSlotError, encodeSlotStatus, SLOT_ERRORS } from './slot-status.js';

test('every named slot error of table 6.2-2 is described by name', (t) => {
  t.is(SLOT_ERRORS.length, 15);
  for (const row of SLOT_ERRORS) {
    const d = describeSlotError(row.code);
    t.is(d.kind, 'error');
    t.is(d.name, row.name);
  }
  t.is(describeSlotError(0xfe).name, 'ICC_MUTE');
  t.is(describeSlotError(0xe0).name, 'CMD_SLOT_BUSY');
});

test('unnamed bError values fall in their ranges', (t) => {
  t.is(describeSlotError(0x00).kind, 'command-not-supported');
  t.like(describeSlotError(0x05), { kind: 'bad-parameter', parameterIndex: 5 });
  t.like(describeSlotError(0x7f), { kind: 'bad-parameter', parameterIndex: 0x7f });
  t.is(describeSlotError(0x80).kind, 'rfu');
  t.is(describeSlotError(0x81).kind, 'user-defined');
  t.is(describeSlotError(0xc0).kind, 'user-defined');
  t.is(describeSlotError(0xc1).kind, 'rfu');
  t.is(describeSlotError(0xf9).kind, 'rfu');
  t.is(describeSlotError(0xf1).kind, 'rfu');
  t.throws(() => describeSlotError(256), { instanceOf: RangeError });
});

test('bStatus values of CCID table 6.2-3', (t) => {
  t.deepEqual(decodeSlotStatus(0x00, 0), { ok: true, value: { iccStatus: 'present-active', commandStatus: 'ok', error: 0 } });
  t.deepEqual(decodeSlotStatus(0x41, 0xfb), { ok: true, value: { iccStatus: 'present-inactive', commandStatus: 'failed', error: 0xfb } });
  t.deepEqual(decodeSlotStatus(0x82, 2), { ok: true, value: { iccStatus: 'absent', commandStatus: 'time-extension', error: 2 } });
});

testProp('bStatus decodes exactly the defined values, and encodes back', [fc.integer({ min: 0, max: 255 })], (t, b) => {
  const r = decodeSlotStatus(b, 0);
  const defined = (b & 0x3c) === 0 && (b & 3) !== 3 && b >> 6 !== 3;
  t.is(r.ok, defined);
  if (r.ok) t.is(encodeSlotStatus(r.value), b);
  else t.is(r.error.reason, 'bad-status');
});
