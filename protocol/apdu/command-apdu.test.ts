import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import { arbCommandApdu } from './arbitraries.js';
import {
  caseOf,
  commandApdu,
  commandApduCodec,
  encodeCommandApdu,
  parseCommandApdu,
  type ApduCase,
  type CommandApdu,
} from './command-apdu.js';

interface CommandRow {
  name: string;
  hex: string;
  case: ApduCase;
  value: { cla: string; ins: string; p1: string; p2: string; data: string; ne: number; extended: boolean };
}
interface ApduVectors {
  commands: CommandRow[];
  badCommands: BadRow[];
}

const vectors = loadVectors<ApduVectors>('apdu');

function toValue(v: CommandRow['value']): CommandApdu {
  const byte = (s: string) => parseInt(s, 16);
  return { cla: byte(v.cla), ins: byte(v.ins), p1: byte(v.p1), p2: byte(v.p2), data: hex(v.data), ne: v.ne, extended: v.extended };
}

const rows: VectorRow<CommandApdu>[] = vectors.commands.map((r) => ({ name: r.name, hex: r.hex, value: toValue(r.value) }));

test('command vectors, four directions', (t) => {
  t.true(rows.length >= 15);
  checkVectors(t, commandApduCodec, rows);
});

test('command vectors cover every case, and caseOf agrees with the file', (t) => {
  const seen = new Set<ApduCase>();
  for (const r of vectors.commands) {
    t.is(caseOf(toValue(r.value)), r.case, r.name);
    seen.add(r.case);
  }
  t.is(seen.size, 7);
});

test('bad commands fail with their reason and offset', (t) => {
  checkBad(t, parseCommandApdu, vectors.badCommands);
});

test('the smart constructor picks the short form when it fits', (t) => {
  const select = commandApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: hex('3F00') });
  t.true(select.ok && toHex(encodeCommandApdu(select.value)) === '00A40000023F00');
  const read = commandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 });
  t.true(read.ok && toHex(encodeCommandApdu(read.value)) === '00B0000000');
  const big = commandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 257 });
  t.true(big.ok && big.value.extended && toHex(encodeCommandApdu(big.value)) === '00B00000000101');
  const asked = commandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256, extended: true });
  t.true(asked.ok && toHex(encodeCommandApdu(asked.value)) === '00B00000000100');
});

test('the smart constructor refuses out-of-range fields', (t) => {
  const reason = (r: ReturnType<typeof commandApdu>) => (r.ok ? 'ok' : r.error.reason);
  const base = { cla: 0, ins: 0xa4, p1: 0, p2: 0 };
  t.is(reason(commandApdu({ ...base, cla: 256 })), 'bad-header');
  t.is(reason(commandApdu({ ...base, p2: -1 })), 'bad-header');
  t.is(reason(commandApdu({ ...base, ins: 1.5 })), 'bad-header');
  t.is(reason(commandApdu({ ...base, data: new Uint8Array(65536) })), 'bad-lc');
  t.is(reason(commandApdu({ ...base, data: new Uint8Array(256), extended: false })), 'bad-lc');
  t.is(reason(commandApdu({ ...base, ne: 65537 })), 'bad-le');
  t.is(reason(commandApdu({ ...base, ne: -1 })), 'bad-le');
  t.is(reason(commandApdu({ ...base, ne: 300, extended: false })), 'bad-le');
  t.is(reason(commandApdu({ ...base, extended: true })), 'bad-case');
  t.is(reason(commandApdu({ ...base, data: new Uint8Array(65535), ne: 65536 })), 'ok');
});

test('encode refuses hand-made values that break the invariants', (t) => {
  const v: CommandApdu = { cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(0), ne: 300, extended: false };
  t.throws(() => encodeCommandApdu(v), { instanceOf: RangeError });
  t.throws(() => encodeCommandApdu({ ...v, ne: 0, extended: true }), { instanceOf: RangeError });
});

testProp('round trip over valid command APDUs', [arbCommandApdu()], (t, apdu) => {
  const bytes = encodeCommandApdu(apdu);
  const back = parseCommandApdu(bytes);
  t.true(back.ok);
  if (back.ok) {
    t.deepEqual(back.value, apdu);
    t.is(toHex(encodeCommandApdu(back.value)), toHex(bytes));
  }
  const rebuilt = commandApdu(apdu);
  t.true(rebuilt.ok && toHex(encodeCommandApdu(rebuilt.value)) === toHex(bytes), 'the constructor accepts every parsed value');
});

testProp('parse never throws, and what it accepts re-encodes to the same bytes', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  const r = parseCommandApdu(bytes);
  if (r.ok) t.is(toHex(encodeCommandApdu(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
});

// A command APDU is delimited by its transport, not by itself: a 4-byte
// prefix is a valid case 1 and a 5-byte one a valid case 2S. What holds is
// that no strict prefix decodes to the same command.
testProp('no strict prefix decodes to the same command', [arbCommandApdu()], (t, apdu) => {
  const bytes = encodeCommandApdu(apdu);
  for (let n = 0; n < bytes.length; n++) {
    const r = parseCommandApdu(bytes.subarray(0, n));
    if (r.ok) t.notDeepEqual(r.value, apdu);
    else t.true(r.error.reason === 'truncated' || r.error.reason === 'lc-zero' || r.error.reason === 'trailing-bytes');
  }
}, { numRuns: 40 });

test('extended case 3 and 4 cut inside their data or Le are truncated', (t) => {
  const cuts: [string, number[]][] = [
    ['00 D6 00 00 00 00 03 01 02 03', [6, 8, 9]],
    // Cut at 9 is a valid case 3E (the Le went missing whole).
    ['00 2A 9E 9A 00 00 02 AB CD 00 00', [6, 8, 10]],
  ];
  for (const [h, lengths] of cuts) {
    for (const n of lengths) {
      const r = parseCommandApdu(hex(h).subarray(0, n));
      t.true(!r.ok && r.error.reason === 'truncated', `${h} cut at ${n}`);
    }
  }
});
