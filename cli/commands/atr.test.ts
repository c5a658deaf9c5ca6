import test from 'ava';
import { runCli } from '../test-support.js';

interface AtrOut {
  protocols: string[];
  convention: string;
  tck: string;
  historical: string;
  interface: { i: number; ta: string | null; tb: string | null; tc: string | null; td: string | null }[];
  rawInverse: boolean;
}

async function atrJson(hex: string): Promise<{ code: number; json: AtrOut; err: string }> {
  const r = await runCli('atr', hex, '--json');
  return { code: r.code, json: JSON.parse(r.out) as AtrOut, err: r.err };
}

test('the CPS3 contact ATR: T=0, direct, no TCK, its historical bytes', async (t) => {
  const { code, json } = await atrJson('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00');
  t.is(code, 0);
  t.deepEqual(json.protocols, ['T=0']);
  t.is(json.convention, 'direct');
  t.is(json.tck, 'absent');
  t.is(json.historical, '00 12 25 00 64 80 00 03 10 00 90 00');
  t.deepEqual(json.interface[0], { i: 1, ta: null, tb: '00', tc: null, td: '40' });
});

test('the CPS3 contactless ATR offers T=1 with a valid TCK', async (t) => {
  const { code, json } = await atrJson('3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E');
  t.is(code, 0);
  t.deepEqual(json.protocols, ['T=0', 'T=1']);
  t.is(json.tck, 'valid');
});

test('the Vitale 1 ATR is inverse convention', async (t) => {
  const { code, json } = await atrJson('3F 65 25 00 52 09 6A 90 00');
  t.is(code, 0);
  t.is(json.convention, 'inverse');
  t.false(json.rawInverse);
});

test('an inverse-convention ATR as sampled on the line (03 ...) is converted first', async (t) => {
  // 3F 65 25 00 52 09 6A 90 00, each byte inverted and bit-reversed (ISO/IEC 7816-3 §8.1).
  const { code, json } = await atrJson('03 59 5B FF B5 6F A9 F6 FF');
  t.is(code, 0);
  t.true(json.rawInverse);
  t.is(json.convention, 'inverse');
  t.is(json.historical, '52 09 6A 90 00');
});

test('the explanation names TS, T0, protocols and the historical bytes', async (t) => {
  const r = await runCli('atr', '3B 75 13 00 00 47 09 EA 90 00');
  t.is(r.code, 0);
  t.regex(r.out, /TS = 3B: direct convention/);
  t.regex(r.out, /Historical bytes: 47 09 EA 90 00/);
});

test('a wrong TCK is invalid input, with the expected checksum on stderr', async (t) => {
  const r = await runCli('atr', '3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0F', '--json');
  t.is(r.code, 1);
  t.is((JSON.parse(r.out) as AtrOut).tck, 'invalid');
  t.regex(r.err, /TCK is 0F but the checksum needs 0E/);
});

test('a truncated ATR is invalid input with the reason', async (t) => {
  const r = await runCli('atr', '3B AC 00 40 2A 00 12');
  t.is(r.code, 1);
  t.regex(r.err, /truncated/);
  t.is(r.out, '');
});
