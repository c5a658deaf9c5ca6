import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fc, testProp } from '@fast-check/ava';
import { toHex } from '../bytes.js';
import { everyPrefixTruncated } from '../test-support.js';
import { arbArl, arbNoemieReturn } from './arbitraries.js';
import { encodeArl, parseArl, type Arl } from './arl.js';
import { encodeNoemieReturn, parseNoemieReturn } from './noemie.js';
import { ascii } from './test-support.js';

const ARL: Arl = { destination: '751', lotNumber: 12, partner: '741000038', receivedOn: '260315', status: 'negative', reason: 'L0003', invoiceNumber: 2, certification: '0159239BFD1A0B6AD03E98C2DFA1D776' };
const ARL_TEXT = 'ARL751012741000038260315NL00030159239BFD1A0B6AD03E98C2DFA1D776000000002'.padEnd(128, ' ');

test('an ARL is one 128-character record, both ways', (t) => {
  t.is(new TextDecoder().decode(encodeArl(ARL)), ARL_TEXT);
  t.deepEqual(parseArl(ascii([ARL_TEXT])), { ok: true, value: ARL });
});

test('bad ARLs fail with their reason and offset', (t) => {
  const cases: [string, string, number][] = [
    [ARL_TEXT.slice(0, 127), 'truncated', 127],
    [ARL_TEXT + ' ', 'trailing-bytes', 128],
    ['ARX' + ARL_TEXT.slice(3), 'bad-value', 0],
    [ARL_TEXT.slice(0, 24) + 'X' + ARL_TEXT.slice(25), 'bad-value', 24],
    [ARL_TEXT.slice(0, 24) + 'P' + ARL_TEXT.slice(25), 'inconsistent', 25],
    [ARL_TEXT.slice(0, 25) + '     ' + ARL_TEXT.slice(30), 'bad-value', 25],
    [ARL_TEXT.slice(0, 100) + '#' + ARL_TEXT.slice(101), 'bad-value', 100],
  ];
  for (const [text, reason, offset] of cases) {
    const r = parseArl(ascii([text]));
    t.true(!r.ok && r.error.reason === reason && r.error.offset === offset, `${reason} at ${offset}: ${JSON.stringify(r)}`);
  }
});

testProp('ARL round trip', [arbArl], (t, arl) => {
  t.deepEqual(parseArl(encodeArl(arl)), { ok: true, value: arl });
});

testProp('NOEMIE-like return round trip, prefixes truncated', [arbNoemieReturn], (t, ret) => {
  const bytes = encodeNoemieReturn(ret);
  t.deepEqual(parseNoemieReturn(bytes), { ok: true, value: ret });
  t.true(everyPrefixTruncated(parseNoemieReturn, bytes));
}, { numRuns: 40 });

testProp('random bytes never throw', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  for (const r of [parseArl(bytes), parseNoemieReturn(bytes)]) {
    t.false(r.ok);
    if (!r.ok) t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
  }
});

testProp('a changed byte of a return fails inside it or re-encodes to the same bytes', [arbNoemieReturn, fc.nat(), fc.integer({ min: 0x20, max: 0x7e })], (t, ret, at, byte) => {
  const bytes = encodeNoemieReturn(ret);
  const changed = bytes.slice();
  changed[at % bytes.length] = byte;
  const r = parseNoemieReturn(changed);
  if (r.ok) t.is(toHex(encodeNoemieReturn(r.value)), toHex(changed));
  else t.true(r.error.offset < bytes.length);
});

test('a NOEMIE-like return: a paid invoice, a rejected one with a warning', (t) => {
  const ret = {
    emitter: 'CPAM751',
    recipient: '741000038',
    createdOn: '260320',
    fileId: 'R00001',
    lots: [{ lotDate: '260314', lotNumber: 12, returnType: '01' as const, invoices: [
      { invoiceNumber: 1, payment: { paidOn: '260320', amoCents: 4910, amcCents: 0 }, rejections: [], warnings: [] },
      { invoiceNumber: 2, rejections: [{ code: 'F0012', line: 0 }], warnings: [{ code: 'W0002', line: 1 }] },
    ] }],
  };
  const text = new TextDecoder().decode(encodeNoemieReturn(ret));
  t.is(text, [
    '000CPAM751       741000038     260320R00001@',
    '08002260314012@',
    '08102' + '01' + ' '.repeat(14) + '@',
    '10203000000001' + ' '.repeat(15) + 'F' + ' '.repeat(9) + '@',
    '20004260320000004910000000000@',
    '10203000000002' + ' '.repeat(15) + 'F' + ' '.repeat(9) + '@',
    '2900400F0012     @',
    '2940401W0002     @',
    '99900000009001' + '00000004910@',
  ].join(''));
  const both = { ...ret, lots: [{ ...ret.lots[0]!, invoices: [{ invoiceNumber: 3, rejections: [], warnings: [] }] }] };
  t.throws(() => encodeNoemieReturn(both), { instanceOf: RangeError });
});

test('the reason codes of the data file are unique and fit the codecs', (t) => {
  const { codes } = JSON.parse(readFileSync(fileURLToPath(new URL('../../test-vectors/b2/reason-codes.json', import.meta.url)), 'utf8')) as { codes: { code: string; scope: string }[] };
  t.is(new Set(codes.map((c) => c.code)).size, codes.length);
  for (const { code, scope } of codes) {
    if (scope === 'arl') t.true(parseArl(encodeArl({ ...ARL, reason: code })).ok, code);
  }
  for (const used of ['L0003', 'F0012', 'W0002']) t.true(codes.some((c) => c.code === used), `${used} used by these tests is in the table`);
});
