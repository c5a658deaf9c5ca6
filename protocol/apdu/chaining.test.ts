import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { arbCommandApdu } from './arbitraries.js';
import { chainCommand, getResponse, getResponseCla } from './chaining.js';
import { commandApdu, encodeCommandApdu, type CommandApdu } from './command-apdu.js';

function must(r: ReturnType<typeof commandApdu>): CommandApdu {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

test('chainCommand splits and sets the chaining bit on all but the last', (t) => {
  const cmd = must(commandApdu({ cla: 0x01, ins: 0x2a, p1: 0x90, p2: 0xa0, data: hex('01 02 03 04 05'), ne: 256 }));
  const r = chainCommand(cmd, 2);
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(r.value.map((c) => toHex(encodeCommandApdu(c), ' ')), [
    '11 2A 90 A0 02 01 02',
    '11 2A 90 A0 02 03 04',
    '01 2A 90 A0 01 05 00',
  ]);
});

test('chainCommand leaves a command that fits alone, and refuses proprietary classes', (t) => {
  const cmd = must(commandApdu({ cla: 0x80, ins: 0xe2, p1: 0, p2: 0, data: new Uint8Array(300) }));
  const r = chainCommand(cmd);
  t.true(!r.ok && r.error.reason === 'not-interindustry');
  const fits = chainCommand(cmd, 300);
  t.true(fits.ok && fits.value.length === 1 && fits.value[0] === cmd);
  t.throws(() => chainCommand(cmd, 0), { instanceOf: RangeError });
});

testProp(
  'a chain carries the same data, short links, original Ne at the end',
  [arbCommandApdu(['3E', '4E']).map((c) => ({ ...c, cla: c.cla & 0x6f & ~0x20 })), fc.integer({ min: 1, max: 255 })],
  (t, cmd, maxNc) => {
    const r = chainCommand(cmd, maxNc);
    t.true(r.ok);
    if (!r.ok) return;
    const links = r.value;
    if (cmd.data.length <= maxNc) {
      t.deepEqual(links, [cmd]);
      return;
    }
    t.is(toHex(concatBytes(...links.map((l) => l.data))), toHex(cmd.data));
    links.forEach((l, i) => {
      const last = i === links.length - 1;
      t.is(l.cla, last ? cmd.cla & ~0x10 : cmd.cla | 0x10);
      t.is(l.ne, last ? cmd.ne : 0);
      t.true(l.data.length <= maxNc && l.data.length > 0);
      t.is(l.extended, last && cmd.ne > 256);
    });
  },
  { numRuns: 50 },
);

test('getResponse builds 00 C0 00 00 Le', (t) => {
  t.is(toHex(encodeCommandApdu(getResponse(0x1c)), ' '), '00 C0 00 00 1C');
  t.is(toHex(encodeCommandApdu(getResponse(256, 0x01)), ' '), '01 C0 00 00 00');
  t.throws(() => getResponse(0), { instanceOf: RangeError });
  t.is(getResponseCla(0x13), 0x03);
  t.is(getResponseCla(0xa0), 0xa0);
});
