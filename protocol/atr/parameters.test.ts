import test from 'ava';
import { hex } from '../bytes.js';
import { parseAtr, type Atr } from './atr.js';
import { firstByteFor, interpretAtr, protocolsOffered } from './parameters.js';

function atr(text: string): Atr {
  const r = parseAtr(hex(text));
  if (!r.ok) throw new TypeError(`test ATR does not parse: ${r.error.message}`);
  return r.value;
}

test('no TA1: Fi 372, Di 1, fmax 5 MHz; T=0 defaults', (t) => {
  const p = interpretAtr(atr('3F 65 25 00 52 09 6A 90 00'));
  t.like(p, { fi: 372, di: 1, fmax: 5, ta1Default: true, etuClocks: 372, n: 0, specificMode: null, t1: null, t15: null });
  t.deepEqual(p.t0, { wi: 10, wiValid: true, wtEtu: 9600 });
  t.deepEqual(p.protocols, [0]);
});

test('TA1 codes of tables 7 and 8, RFU flagged as null', (t) => {
  t.like(interpretAtr(atr('3B 11 95 80')), { fi: 512, di: 16, fmax: 5, etuClocks: 32 });
  t.like(interpretAtr(atr('3B 75 13 00 00 47 09 EA 90 00')), { fi: 372, di: 4, etuClocks: 93 });
  t.like(interpretAtr(atr('3B 10 D8')), { fi: 2048, di: 12, fmax: 20 });
  t.like(interpretAtr(atr('3B 10 A9')), { fi: 768, di: 20, fmax: 7.5 });
  const rfuD = interpretAtr(atr('3B 98 30 40 0A A5 03 01 01 01 AD 13 11'));
  t.like(rfuD, { fi: 744, di: null, fmax: 8, etuClocks: null });
  t.is(rfuD.t0?.wtEtu, null);
  t.like(interpretAtr(atr('3B 10 7F')), { fi: null, di: null, fmax: null });
});

test('TC2 gives WI for T=0; 00 is RFU', (t) => {
  t.deepEqual(interpretAtr(atr('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00')).t0, { wi: 42, wiValid: true, wtEtu: 40320 });
  t.false(interpretAtr(atr('3B 80 40 00')).t0?.wiValid);
});

test('T=1: IFSC, CWI, BWI, EDC from the first bytes for T=1, and the waiting times', (t) => {
  const p = interpretAtr(atr('3B DF 18 FF 81 F1 FE 43 00 3F 03 83 4D 49 46 41 52 45 20 50 6C 75 73 20 53 41 4D 3B'));
  t.deepEqual(p.protocols, [1]);
  t.like(p, { fi: 372, di: 12, n: 255, t0: null });
  t.deepEqual(p.t1, { ifsc: 254, ifscValid: true, cwi: 3, bwi: 4, bwiValid: true, edc: 'lrc', cwtEtu: 19, bwtEtu: 11 + (16 * 960 * 372 * 12) / 372 });
  const defaults = interpretAtr(atr('3B 80 01 81')).t1;
  t.deepEqual(defaults, { ifsc: 32, ifscValid: true, cwi: 13, bwi: 4, bwiValid: true, edc: 'lrc', cwtEtu: 8203, bwtEtu: 15371 });
  // TD1 = 81, TD2 = 71: TA3 = 00 (IFSC RFU), TB3 = A5 (BWI 10 RFU), TC3 = 01 (CRC).
  const odd = interpretAtr(atr('3B 80 81 71 00 A5 01 A4'));
  t.like(odd.t1, { ifsc: 0, ifscValid: false, bwi: 10, bwiValid: false, cwi: 5, edc: 'crc' });
});

test('group 2 bytes are not T=1 bytes even after TD1 = T=1', (t) => {
  // TA2 (specific mode) after TD1 = 91: not an IFSC.
  const a = atr('3B F5 91 00 FF 91 81 71 FE 40 00 41 00 00 00 00 05');
  t.is(firstByteFor(a, 1, 'ta'), 0xfe);
  t.deepEqual(interpretAtr(a).specificMode, { protocol: 1, canChange: false, implicitParameters: false });
  t.is(interpretAtr(a).t1?.ifsc, 0xfe);
});

test('TA2 specific mode: bits 8 and 5, and the protocol used', (t) => {
  // TD1 = 1F announces T=15 and TA2 = 00: specific mode T=0.
  const p = interpretAtr(atr('3B 81 1F 00 CC 52'));
  t.deepEqual(p.specificMode, { protocol: 0, canChange: true, implicitParameters: false });
  const t0 = interpretAtr(atr('3B 80 10 10'));
  t.deepEqual(t0.specificMode, { protocol: 0, canChange: true, implicitParameters: true });
  t.not(t0.t0, null);
});

test('T=15: clock stop and classes from the first TA, SPU from the first TB', (t) => {
  const sim = interpretAtr(atr('3B 9F 96 80 3F C7 82 80 31 E0 73 F6 21 57 57 4A 33 05 81 05 30 00 CE'));
  t.deepEqual(sim.t15, { clockStop: 'no-preference', classes: ['A', 'B', 'C'], classBits: 7, spu: 0x82 });
  t.deepEqual(sim.protocols, [0]);
  t.true(sim.tckRequired);
  t.is(sim.tck, 'valid');
  const dnp = interpretAtr(atr('3B 90 95 80 1F C3 59'));
  t.deepEqual(dnp.t15, { clockStop: 'no-preference', classes: ['A', 'B'], classBits: 3, spu: null });
  const stopL = interpretAtr(atr('3B 80 80 1F 41 5E'));
  t.deepEqual(stopL.t15, { clockStop: 'state-l', classes: ['A'], classBits: 1, spu: null });
  const bare = interpretAtr(atr('3B 80 0F 8F'));
  t.deepEqual(bare.t15, { clockStop: null, classes: [], classBits: null, spu: null });
});

test('protocols keep the TDi order, without duplicates or T=15', (t) => {
  t.deepEqual(protocolsOffered(atr('3B DF 18 FF 81 F1 FE 43 00 3F 03 83 4D 49 46 41 52 45 20 50 6C 75 73 20 53 41 4D 3B')), [1]);
  t.deepEqual(protocolsOffered(atr('3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E')), [0, 1]);
  t.deepEqual(protocolsOffered(atr('3B 9F 21 0E 49 52 44 45 54 4F 20 41 43 53 20 56 35 2E 30 9D')), [14]);
});
