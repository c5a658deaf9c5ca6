import test from 'ava';
import { testProp } from '@fast-check/ava';
import { hex } from '../bytes.js';
import { arbAtr } from './arbitraries.js';
import { parseAtr, type Atr } from './atr.js';
import { atrToJson } from './atr-json.js';
import { explainAtr } from './explain.js';

function atr(text: string): Atr {
  const r = parseAtr(hex(text));
  if (!r.ok) throw new TypeError(`test ATR does not parse: ${r.error.message}`);
  return r.value;
}

test('explainAtr: Vitale 1, inverse convention, T=0 only', (t) => {
  const text = explainAtr(atr('3F 65 25 00 52 09 6A 90 00'));
  const lines = text.split('\n');
  t.is(lines[0], 'ATR: 3F 65 25 00 52 09 6A 90 00');
  t.is(lines[1], 'TS = 3F: inverse convention');
  t.is(lines[2], 'T0 = 65: Y(1) = 0110, K = 5 historical byte(s)');
  t.true(lines.includes('  TC1 = 00: extra guard time N=0 etu'));
  t.true(lines.includes('Protocols offered: T=0 (negotiable mode)'));
  t.true(lines.includes('  Category indicator: 52 (proprietary format)'));
  t.is(lines.at(-1), 'No TCK (only T=0 offered)');
});

test('explainAtr: CPS3 contactless, every interface byte and object', (t) => {
  const text = explainAtr(atr('3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E'));
  for (const line of [
    '  TD1 = 80: Y(2) = 1000, protocol T=0',
    '  TD2 = 01: Y(3) = 0000, protocol T=1',
    'Protocols offered: T=0, T=1 (negotiable mode)',
    'T=1: IFSC=32, CWI=13 (CWT=8203 etu), BWI=4 (BWT=15371 etu), EDC=LRC',
    '  Category indicator: 00 (COMPACT-TLV objects, status indicator in the last 3 bytes)',
    '  Tag 3, length 1 (card service data): B8',
    '  Tag 7, length 3 (card capabilities): 94 01 80',
    '    - command chaining',
    '    life cycle status: 82 (proprietary)',
    'TCK = 0E: correct checksum',
  ]) {
    t.true(text.split('\n').includes(line), line);
  }
});

test('explainAtr: TA1, TC1 = FF, T=1 bytes, T=15 bytes, wrong and missing TCK', (t) => {
  const mifare = explainAtr(atr('3B DF 18 FF 81 F1 FE 43 00 3F 03 83 4D 49 46 41 52 45 20 50 6C 75 73 20 53 41 4D 3B')).split('\n');
  for (const line of [
    '  TA1 = 18: Fi=372, Di=12, 31 cycles/etu, 129032 bit/s at 4 MHz, fmax=5 MHz',
    '  TC1 = FF: extra guard time N=255: minimum guard time (12 etu for T=0, 11 for T=1)',
    '  TA3 = FE: IFSC: 254',
    '  TB3 = 43: BWI=4, CWI=3',
    '  TC3 = 00: error detection code: LRC',
    '  TD3 = 3F: Y(4) = 0011, protocol T=15, global interface bytes follow',
    '  TA4 = 03: clock stop: not supported, classes accepted: A (5 V), B (3 V)',
    '  TB4 = 83: SPU: proprietary use of contact C6 (03)',
  ]) {
    t.true(mifare.includes(line), line);
  }
  t.true(explainAtr(atr('3B 86 80 01 06 75 77 81 02 8F 00')).endsWith('TCK = 00: wrong checksum, 0F expected'));
  t.true(explainAtr(atr('3B 80 01')).endsWith('TCK missing although a protocol other than T=0 is offered (81 expected)'));
  const ta2 = explainAtr(atr('3B F5 91 00 FF 91 81 71 FE 40 00 41 00 00 00 00 05'));
  t.true(ta2.includes('  TA2 = 81: specific mode, protocol T=1, unable to change, parameters defined by the interface bytes'));
  t.true(ta2.includes('(specific mode, T=1)'));
});

test('atrToJson: the interface groups with whole TD bytes, and the flattened parameters', (t) => {
  const j = atrToJson(atr('3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E'));
  t.deepEqual(j.interface, [
    { i: 1, ta: null, tb: null, tc: null, td: '80' },
    { i: 2, ta: null, tb: null, tc: null, td: '01' },
    { i: 3, ta: null, tb: null, tc: null, td: null },
  ]);
  t.like(j, { ts: '3B', t0: '8F', tck: 'valid', tckByte: '0E', tckExpected: '0E', ifsc: 32, edc: 'lrc', wi: 10 });
  t.deepEqual(j.historicalBytes.status, { lcs: '82', sw: '9000' });
  t.deepEqual(j.historicalBytes.objects[0], { tag: '3', name: 'card service data', value: 'B8' });
  t.is(JSON.parse(JSON.stringify(j)).atr, j.atr, 'plain JSON');
});

testProp('explainAtr and atrToJson never throw on valid ATRs and name every byte', [arbAtr()], (t, a) => {
  const text = explainAtr(a);
  const j = atrToJson(a);
  t.true(text.startsWith(`ATR: ${j.atr}\n`));
  t.deepEqual(JSON.parse(JSON.stringify(j)), j, 'plain JSON data');
  for (const g of j.interface) {
    for (const [k, v] of [['TA', g.ta], ['TB', g.tb], ['TC', g.tc], ['TD', g.td]] as const) {
      if (v !== null) t.true(text.includes(`  ${k}${g.i} = ${v}: `), `${k}${g.i}`);
    }
  }
}, { numRuns: 150 });
