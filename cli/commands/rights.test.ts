// `bifente rights` spawned as a process against the REAL teleservice on
// loopback with dr-benali's keys on a SoftHSM2 token: live, then cached with
// its age, then "hors ligne" with the server stopped; the PIN typed on a real
// pty (no echo, raw mode restored); bad NIR and usage errors. Skips, with the
// reason in the title, without SoftHSM2.
import test from 'ava';
import { join } from 'node:path';
import { tempFolder } from '../../host-sdk/test-support.js';
import { SOFTHSM_MODULE } from '../../scripts/softhsm/init-token.js';
import { spawnInPty } from '../pty-test-support.js';
import { runCli } from '../test-support.js';
import { HOST_EXIT } from './host-exit.js';
import { ROOT } from '../test-support.js';
import { makeToken, MISSING, PIN, spawnCli, startTeleservice, type TestToken } from './host-test-support.js';
import { ageText, parseMaxAge } from './rights.js';

const real = MISSING.length === 0 ? test.serial : test.serial.skip;
const title = (what: string): string => (MISSING.length === 0 ? what : `${what} [needs ${MISSING.join(', ')}]`);
const folder = tempFolder();
let token: TestToken;

test.before(async () => {
  if (MISSING.length > 0) return;
  token = await makeToken(join(folder.dir, 'softhsm'));
});
test.after.always(() => folder.remove());

const bifente = (stdin: string, ...args: string[]) => spawnCli(token, stdin, ...args);

test('rights: --max-age and the age for people', (t) => {
  t.is(parseMaxAge('0'), 0);
  t.is(parseMaxAge('90s'), 90_000);
  t.is(parseMaxAge('15min'), 900_000);
  t.is(parseMaxAge('1h'), 3_600_000);
  t.is(parseMaxAge('2d'), 172_800_000);
  for (const bad of ['', '1', 'h', '1m', '-1h', '1.5h', '1 h']) t.throws(() => parseMaxAge(bad), { message: /--max-age/ }, bad);
  t.is(ageText(0), '0 s');
  t.is(ageText(59_999), '59 s');
  t.is(ageText(12 * 60_000 + 5000), '12 min');
  t.is(ageText(3 * 3_600_000 + 5 * 60_000), '3 h 05');
  t.is(ageText(2 * 86_400_000 + 1), '2 j');
});

real(title('rights: live, then from the cache with its age, then "hors ligne" with the teleservice stopped'), async (t) => {
  t.timeout(90_000);
  const db = join(folder.dir, 'rights.db');
  const { service, url } = await startTeleservice();
  const rights = (...extra: string[]) => bifente(`${PIN}\n`, 'rights', '152036912308854', '--birth', '1952-03-15', '--db', db, '--url', url, ...token.options, ...extra);

  const live = await rights();
  t.is(live.code, HOST_EXIT.ok, live.err);
  t.regex(live.out, /réponse +en direct\n/);
  t.regex(live.out, /patient +PERRIN GÉRARD, né\(e\) le 1952-03-15, rang 1/);
  t.regex(live.out, /régime \/ caisse \/ centre +01 \/ 691 \/ 1001/);
  t.regex(live.out, /exonération +ALD depuis le 2018-05-01/);
  t.regex(live.out, /droits de base \(AMO\) +ouverts du 2024-01-01 au 2027-12-31/);

  const cached = await rights('--json');
  t.is(cached.code, HOST_EXIT.ok, cached.err);
  const answer = JSON.parse(cached.out) as { source: string; ageMs: number; stale: boolean; answer: { patient: { lastName: string } } };
  t.like(answer, { source: 'cache', stale: false, answer: { patient: { lastName: 'PERRIN' } } });
  t.true(answer.ageMs > 0);
  t.regex((await rights()).out, /réponse +en cache depuis \d+ s\n/);

  await service.close();
  const offline = await rights('--max-age', '0');
  t.is(offline.code, HOST_EXIT.ok, offline.err);
  t.regex(offline.out, /réponse +hors ligne: réponse en cache depuis \d+ s \(/);
  for (const run of [live, cached, offline]) t.false(`${run.out}${run.err}`.includes(PIN));
  const none = await bifente(`${PIN}\n`, 'rights', '269054958815780', '--birth', '1969-05-01', '--db', db, '--url', url, ...token.options, '--max-age', '0');
  t.is(none.code, HOST_EXIT.unreachable, 'nothing cached for that person: the error');
  t.regex(none.err, /^bifente rights: teleservice unreachable at /);
});

real(title('rights on a TTY: the PIN typed without echo (one * a character, backspace), the terminal restored; Ctrl-C cancels'), async (t) => {
  t.timeout(90_000);
  const db = join(folder.dir, 'rights-tty.db');
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());
  const argv = [process.execPath, '--import=tsx', 'cli/bin.ts', 'rights', '152036912308854', '--birth', '1952-03-15', '--db', db, '--url', url, '--pkcs11', SOFTHSM_MODULE, '--token-label', token.label];
  const tty = spawnInPty(argv, { cwd: ROOT, env: { ...process.env, SOFTHSM2_CONF: token.conf } });
  t.teardown(() => tty.kill());
  await tty.waitFor(/CPS PIN: $/);
  tty.type('12');
  await tty.waitFor(/CPS PIN: \*\*$/);
  tty.type('9\x7f34\r');
  const done = await tty.exited;
  t.like(done, { code: HOST_EXIT.ok, canonical: true, echo: true });
  t.regex(tty.output(), /CPS PIN: \*\*\*\x08 \x08\*\*/);
  t.regex(tty.output(), /réponse +en direct/);
  t.false(tty.output().includes('1234'), 'the PIN is never echoed');

  const canceled = spawnInPty([...argv, '--max-age', '0'], { cwd: ROOT, env: { ...process.env, SOFTHSM2_CONF: token.conf } });
  t.teardown(() => canceled.kill());
  await canceled.waitFor(/CPS PIN: $/);
  canceled.type('1\x03');
  t.like(await canceled.exited, { code: HOST_EXIT.cardUnavailable, canonical: true, echo: true });
  t.regex(canceled.output(), /bifente rights: the CPS did not sign: .*PIN entry canceled/);
});

test('rights: a bad NIR is exit 1 with parseNir\'s reason; usage errors are exit 2', async (t) => {
  const bad = await runCli('rights', '152036912308855', '--birth', '1952-03-15', '--url', 'http://127.0.0.1:9', '--pkcs11', SOFTHSM_MODULE);
  t.is(bad.code, HOST_EXIT.invalid);
  t.regex(bad.err, /^bifente rights: invalid: bad-key/);
  for (const args of [
    ['rights', '152036912308854', '--url', 'http://x', '--pkcs11', 'm'],
    ['rights', '152036912308854', '--birth', '1952-03-15', '--pkcs11', 'm'],
    ['rights', '152036912308854', '--birth', '1952-03-15', '--url', 'http://x'],
    ['rights', '152036912308854', '--birth', '1952-03-15', '--url', 'http://x', '--pkcs11', 'm', '--max-age', 'soon'],
    ['host', 'upload', '--url', 'http://x', '--reader', 'r', '--pkcs11', 'm'],
    ['host', 'upload', '--url', 'http://x', '--reader', 'r', '--slot', '1'],
    ['host', 'upload', '--url', 'ftp://x', '--pkcs11', 'm'],
  ]) {
    const r = await runCli(...args);
    t.is(r.code, HOST_EXIT.usage, args.join(' '));
  }
  t.regex((await runCli('rights', '--help')).out, / 9 {2}PIN incorrect/);
});
