import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSession } from './demo.js';
import { runCli } from '../test-support.js';

const samplePath = fileURLToPath(new URL('../../test-vectors/sessions/sample-session.json', import.meta.url));
type Session = Parameters<typeof decodeSession>[0];
const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as Session;

test('the sample session decodes: ATRs, the Vitale TLV, GET RESPONSE, the NIR', async (t) => {
  const r = await runCli('demo');
  t.is(r.code, 0);
  t.is(r.err, '');
  t.regex(r.out, /ATR 3B AC 00 40 2A .*\n +T=0, direct convention, TCK absent/);
  t.regex(r.out, /ATR 3B 75 13 .*\n +T=0, direct convention, TCK absent, Fi=372 Di=4/);
  t.regex(r.out, /next, 00 C0 00 00 19/);
  t.regex(r.out, /93 \(15 bytes\) .* "269054958815780"/);
  t.regex(r.out, /NIR 269054958815780\n +female/);
  t.notRegex(r.out, /!!/);
});

test('a follow-up command that the exchange plan did not ask for is flagged', (t) => {
  const steps = sample.steps.map((s) => (s.hex === '00 C0 00 00 19' ? { ...s, hex: '00 C0 00 00 10' } : s));
  const { text, ok } = decodeSession({ ...sample, steps });
  t.false(ok);
  t.regex(text, /!! the exchange plan expected 00 C0 00 00 19/);
});

test('a bad NIR in a session is flagged with its reason', (t) => {
  const steps = sample.steps.map((s) => (s.kind === 'nir' ? { ...s, text: '269054958815781' } : s));
  const { ok, text } = decodeSession({ ...sample, steps });
  t.false(ok);
  t.regex(text, /!! bad-key/);
});
