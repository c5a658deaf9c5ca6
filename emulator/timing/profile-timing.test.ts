import test from 'ava';
import { hex } from '../../protocol/index.js';
import { checkProfileTiming, exchangeMs, lineBytes, lineMs, processingMs, type ProfileTiming } from './profile-timing.js';

const cps: ProfileTiming = { baud: 9600, protocol: 'T=1', perCommand: { '20': 30, '2A': 5, '2A9E9A': 250 }, default: 2 };

test('a character is 12 etu in T=0 and 11 in T=1 (ISO/IEC 7816-3 §7.2)', (t) => {
  t.is(lineMs(100, 9600, 'T=0'), 125);
  t.is(lineMs(96, 9600, 'T=1'), 110);
});

test('T=1 frames each APDU in one block (prologue 3 + LRC 1)', (t) => {
  t.is(lineBytes(hex('00 A4 00 0C 02 3F 00'), hex('90 00'), 'T=1'), 7 + 2 + 8);
});

test('T=0 counts P3, procedure bytes and the GET RESPONSE of case 4', (t) => {
  t.is(lineBytes(hex('00 A4 00 0C'), hex('90 00'), 'T=0'), 5 + 2, 'case 1 gets P3 = 00, no procedure byte');
  t.is(lineBytes(hex('00 B0 00 00 04'), hex('01 02 03 04 90 00'), 'T=0'), 5 + 1 + 6, 'case 2: one procedure byte');
  t.is(lineBytes(hex('00 A4 04 00 02 3F 00 00'), hex('6F 00 90 00'), 'T=0'), 8 + 4 + 1 + 8, 'case 4: 61XX and GET RESPONSE on top');
});

test('the INS P1 P2 entry wins over the INS entry, which wins over the default', (t) => {
  t.is(processingMs(cps, hex('00 2A 9E 9A 00')), 250);
  t.is(processingMs(cps, hex('00 2A 90 A0 00')), 5);
  t.is(processingMs(cps, hex('00 B0 00 00 00')), 2);
  t.is(processingMs(cps, hex('00')), 2, 'a runt APDU gets the default');
});

test('a CPS signature at 9600 bps T=1 takes about 250 ms plus 256 bytes of line', (t) => {
  const ms = exchangeMs(cps, hex('00 2A 9E 9A 00'), new Uint8Array(258));
  t.is(ms, 250 + ((5 + 258 + 8) * 11 * 1000) / 9600);
});

test('bad timing data is refused with the field named', (t) => {
  t.throws(() => checkProfileTiming({ ...cps, baud: 0 }), { instanceOf: RangeError, message: /baud/ });
  t.throws(() => checkProfileTiming({ ...cps, protocol: 'T=2' as 'T=1' }), { message: /protocol/ });
  t.throws(() => checkProfileTiming({ ...cps, perCommand: { a4: 1 } }), { message: /"a4"/ });
  t.throws(() => checkProfileTiming({ ...cps, perCommand: { A4: -1 } }), { message: /A4/ });
  t.throws(() => checkProfileTiming({ ...cps, default: Number.NaN }), { message: /default/ });
});
