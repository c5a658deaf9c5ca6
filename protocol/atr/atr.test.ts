import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex, toHex } from '../bytes.js';
import { checkBad, checkVectors, loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import { arbAtr } from './arbitraries.js';
import { atrCodec, computeTck, encodeAtr, parseAtr, tckRequired, tckStatus, withTck, type Atr, type InterfaceGroup } from './atr.js';
import { atrToJson, type AtrJson, type InterfaceGroupJson } from './atr-json.js';

/** A row of test-vectors/protocol/atr.json: `expect` holds fields of atrToJson. */
interface AtrRow {
  name: string;
  source: string;
  atr: string;
  expect: Partial<AtrJson> & Pick<AtrJson, 'convention' | 'interface' | 'historical' | 'tckByte'> & { historicalKind?: string; historicalStatus?: unknown };
}
interface AtrVectors {
  atrs: AtrRow[];
  bad: BadRow[];
}

const vectors = loadVectors<AtrVectors>('atr');
const byte = (s: string | null) => (s === null ? null : parseInt(s, 16));

function toGroup(g: InterfaceGroupJson): InterfaceGroup {
  return { ta: byte(g.ta), tb: byte(g.tb), tc: byte(g.tc), t: g.td === null ? null : parseInt(g.td, 16) & 0x0f };
}

function toValue(e: AtrRow['expect']): Atr {
  return { convention: e.convention, groups: e.interface.map(toGroup), historical: hex(e.historical), tck: byte(e.tckByte) };
}

const rows: VectorRow<Atr>[] = vectors.atrs.map((r) => ({ name: r.name, hex: r.atr, value: toValue(r.expect) }));

test('ATR vectors, four directions', (t) => {
  t.true(rows.length >= 44);
  checkVectors(t, atrCodec, rows);
});

test('ATR vectors: atrToJson gives every expected field', (t) => {
  for (const r of vectors.atrs) {
    const parsed = parseAtr(hex(r.atr));
    if (!parsed.ok) {
      t.fail(`${r.name}: ${parsed.error.message}`);
      continue;
    }
    const json = atrToJson(parsed.value) as unknown as Record<string, unknown>;
    const { historicalKind, historicalStatus, ...fields } = r.expect;
    for (const [key, want] of Object.entries(fields)) t.deepEqual(json[key], want, `${r.name}: ${key}`);
    const hb = atrToJson(parsed.value).historicalBytes;
    if (historicalKind !== undefined) t.is(hb.kind as string, historicalKind, `${r.name}: historical kind`);
    if (historicalStatus !== undefined) t.deepEqual(hb.status, historicalStatus, `${r.name}: historical status`);
    t.is(json.atr, r.atr);
  }
});

test('ATR vectors cover the cases the brief lists', (t) => {
  const has = (f: (e: AtrRow['expect']) => boolean) => vectors.atrs.filter((r) => f(r.expect)).length;
  const protocols = (e: AtrRow['expect']) => (e.protocols ?? []).join(',');
  t.true(has((e) => protocols(e) === 'T=0') >= 5, 'T=0 only');
  t.true(has((e) => protocols(e) === 'T=1') >= 5, 'T=1 only');
  t.true(has((e) => protocols(e) === 'T=0,T=1') >= 3, 'T=0 and T=1');
  t.true(has((e) => e.clockStop !== null && e.clockStop !== undefined) >= 3, 'T=15 global bytes');
  t.true(has((e) => e.specificMode !== null && e.specificMode !== undefined) >= 3, 'TA2 specific mode');
  t.true(has((e) => e.convention === 'inverse') >= 5, 'inverse convention');
  t.true(has((e) => e.historicalKind === 'compact-tlv' && e.historical.length >= 14 * 3 - 1) >= 3, 'long category 80');
  t.true(has((e) => e.historicalKind === 'compact-tlv-status') >= 3, 'category 00');
  t.true(has((e) => e.tck === 'invalid') >= 2, 'bad TCK');
  t.true(has((e) => e.tck === 'absent' && e.tckRequired === true) >= 1, 'missing TCK');
});

test('bad ATRs fail with their reason and offset', (t) => {
  t.true(vectors.bad.length >= 10);
  checkBad(t, parseAtr, vectors.bad);
});

test('the four DOMAIN.md ATRs', (t) => {
  const cases: [string, string, string[], string][] = [
    ['3F 65 25 00 52 09 6A 90 00', 'inverse', ['T=0'], 'absent'],
    ['3B 75 13 00 00 47 09 EA 90 00', 'direct', ['T=0'], 'absent'],
    ['3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00', 'direct', ['T=0'], 'absent'],
    ['3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E', 'direct', ['T=0', 'T=1'], 'valid'],
  ];
  for (const [atr, convention, protocols, tck] of cases) {
    const r = parseAtr(hex(atr));
    if (!r.ok) {
      t.fail(atr);
      continue;
    }
    const j = atrToJson(r.value);
    t.deepEqual([j.convention, j.protocols, j.tck], [convention, protocols, tck], atr);
  }
});

test('TCK: required with any protocol but T=0, T=15 included', (t) => {
  const g = (t: number | null): InterfaceGroup => ({ ta: null, tb: null, tc: null, t });
  t.false(tckRequired({ groups: [g(null)] }));
  t.false(tckRequired({ groups: [g(0), g(null)] }));
  t.true(tckRequired({ groups: [g(0), g(1), g(null)] }));
  t.true(tckRequired({ groups: [g(0), g(15), g(null)] }));
});

test('TCK status: valid, invalid, absent; withTck repairs', (t) => {
  const good = parseAtr(hex('3B 80 01 81'));
  const wrong = parseAtr(hex('3B 80 01 80'));
  const missing = parseAtr(hex('3B 80 01'));
  if (!good.ok || !wrong.ok || !missing.ok) return t.fail('did not parse');
  t.is(tckStatus(good.value), 'valid');
  t.is(tckStatus(wrong.value), 'invalid');
  t.is(tckStatus(missing.value), 'absent');
  t.is(computeTck(wrong.value), 0x81);
  t.is(toHex(encodeAtr(withTck(missing.value))), '3B800181');
  const t0only = parseAtr(hex('3B 75 13 00 00 47 09 EA 90 00'));
  t.true(t0only.ok && computeTck(t0only.value) === null && withTck(t0only.value).tck === null);
});

test('encode refuses values parseAtr never gives', (t) => {
  const g = (t: number | null): InterfaceGroup => ({ ta: null, tb: null, tc: null, t });
  const base: Atr = { convention: 'direct', groups: [g(null)], historical: new Uint8Array(0), tck: null };
  t.is(toHex(encodeAtr(base)), '3B00');
  const bad: [string, Atr][] = [
    ['no group', { ...base, groups: [] }],
    ['last group with a T', { ...base, groups: [g(1)] }],
    ['inner group without a T', { ...base, groups: [g(null), g(null)] }],
    ['T out of range', { ...base, groups: [g(16), g(null)] }],
    ['byte out of range', { ...base, groups: [{ ta: 256, tb: null, tc: null, t: null }] }],
    ['16 historical bytes', { ...base, historical: new Uint8Array(16) }],
    ['TCK on T=0 only', { ...base, tck: 0 }],
    ['TCK not a byte', { ...base, groups: [g(1), g(null)], tck: -1 }],
    ['34 bytes', { ...base, groups: [{ ta: 1, tb: 2, tc: 3, t: 1 }, { ta: 1, tb: 2, tc: 3, t: 1 }, { ta: 1, tb: 2, tc: 3, t: 1 }, { ta: 1, tb: 2, tc: 3, t: 1 }, g(null)], historical: new Uint8Array(15), tck: 0 }],
  ];
  for (const [name, v] of bad) t.throws(() => encodeAtr(v), { instanceOf: RangeError }, name);
});

test('a TCK missing where required is accepted only at the very end', (t) => {
  // 3B 81 01 + 1 historical byte: the byte is historical, there is no TCK.
  const r = parseAtr(hex('3B 81 01 42'));
  t.true(r.ok && r.value.tck === null && toHex(r.value.historical) === '42');
});

testProp('round trip over generated ATRs', [arbAtr()], (t, atr) => {
  const bytes = encodeAtr(atr);
  t.true(bytes.length <= 33);
  const back = parseAtr(bytes);
  t.true(back.ok);
  if (back.ok) {
    t.deepEqual(back.value, atr);
    t.is(toHex(encodeAtr(back.value)), toHex(bytes));
  }
}, { numRuns: 300 });

testProp('parse never throws, and what it accepts re-encodes to the same bytes', [fc.uint8Array({ maxLength: 40 })], (t, raw) => {
  // Half the inputs start with a valid TS so that the parser goes deep.
  const bytes = raw.length > 0 && raw[0]! % 2 === 0 ? Uint8Array.of(0x3b, ...raw.subarray(1)) : raw;
  const r = parseAtr(bytes);
  if (r.ok) t.is(toHex(encodeAtr(r.value)), toHex(bytes));
  else t.true(r.error.offset >= 0 && r.error.offset <= bytes.length);
}, { numRuns: 500 });

// An ATR that needs a TCK also parses without it (tck absent), so only the
// prefix that drops exactly the TCK is not truncated.
testProp('every strict prefix is truncated, but for the one without its TCK', [arbAtr()], (t, atr) => {
  const bytes = encodeAtr(atr);
  for (let n = 0; n < bytes.length; n++) {
    const r = parseAtr(bytes.subarray(0, n));
    if (n === bytes.length - 1 && atr.tck !== null) t.true(r.ok && r.value.tck === null);
    else t.true(!r.ok && r.error.reason === 'truncated', `prefix of ${n} bytes`);
  }
}, { numRuns: 200 });
