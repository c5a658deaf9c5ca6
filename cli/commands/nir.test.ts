import test from 'ava';
import { runCli } from '../test-support.js';

test('the Vitale specimen NIR is valid and explained', async (t) => {
  const r = await runCli('nir', '2', '69', '05', '49', '588', '157', '80');
  t.is(r.code, 0);
  t.regex(r.out, /^NIR 2 69 05 49 588 157 80: valid/);
  t.is(r.err, '');
});

test('--json says valid, and the reason when invalid', async (t) => {
  const ok = await runCli('nir', '253072B07300470', '--json');
  t.is(ok.code, 0);
  t.like(JSON.parse(ok.out) as object, { valid: true });
  const bad = await runCli('nir', '269054958815781', '--json');
  t.is(bad.code, 1);
  t.like(JSON.parse(bad.out) as object, { valid: false, reason: 'bad-key' });
  t.regex(bad.err, /bad-key/);
});

test('each kind of mistake has its own reason', async (t) => {
  const cases: [string, string][] = [
    ['26905495881578', 'bad-length'],
    ['2690549588157X0', 'bad-character'],
    ['269134958815780', 'bad-month'],
    ['269050058815780', 'bad-department'],
  ];
  for (const [nir, reason] of cases) {
    const r = await runCli('nir', nir, '--json');
    t.is(r.code, 1, nir);
    t.is((JSON.parse(r.out) as { reason: string }).reason, reason, nir);
  }
});

test('no NIR is a usage error', async (t) => {
  t.is((await runCli('nir')).code, 2);
});
