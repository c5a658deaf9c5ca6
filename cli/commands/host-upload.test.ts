// `bifente host upload` spawned as a process against the REAL teleservice on
// loopback (its clock in this process, moved between runs), a host database
// filled by a real sync of the standard test terminal (host-sdk/test-support:
// lots 751-001 and 691-001 signed by the terminal's lots machine), and
// dr-benali's keys on a SoftHSM2 token, the PIN on stdin. Skips, with the
// reason in the title, without SoftHSM2.
import test from 'ava';
import { join } from 'node:path';
import { tempFolder } from '../../host-sdk/test-support.js';
import { runCli } from '../test-support.js';
import { HOST_EXIT } from './host-exit.js';
import { makeToken, MISSING, PIN, spawnCli, startTeleservice, syncedHostDatabase, terminalTemplate, type TestToken } from './host-test-support.js';

const MINUTE = 60_000;
const real = MISSING.length === 0 ? test.serial : test.serial.skip;
const title = (what: string): string => (MISSING.length === 0 ? what : `${what} [needs ${MISSING.join(', ')}]`);
const folder = tempFolder();
let template: string;
let token: TestToken;
let databases = 0;

test.before(async () => {
  if (MISSING.length > 0) return;
  template = await terminalTemplate(folder.dir);
  token = await makeToken(join(folder.dir, 'softhsm'));
});
test.after.always(() => folder.remove());

/** A fresh host database holding the standard terminal's two signed lots (751-001, 691-001). */
const syncedDatabase = (): Promise<string> => syncedHostDatabase(folder.dir, template, `host-${databases++}.db`);

const bifente = (stdin: string, ...args: string[]) => spawnCli(token, stdin, ...args);

interface UploadJson {
  passes: { upload: { sent: unknown[]; failed: unknown[] }; follow: { arls: { status: string }[]; pending: unknown[]; payments: unknown[] } }[];
  lots: { destination: string; lotNumber: number; state: string; paidCents?: number; rejectedInvoices?: number }[];
}

real(title('host upload: sent (ARL pending), then arl-positive 10 min later, then paid a day later; the PIN never shows'), async (t) => {
  t.timeout(180_000);
  const db = await syncedDatabase();
  const { service, clock, url } = await startTeleservice();
  t.teardown(() => service.close());
  const upload = (...extra: string[]) => bifente(`${PIN}\n`, 'host', 'upload', '--db', db, '--url', url, ...token.options, ...extra);

  const first = await upload('--json');
  t.is(first.code, HOST_EXIT.ok, first.err);
  t.is(first.err, '', '--json: nothing on stderr');
  const sent = JSON.parse(first.out) as UploadJson;
  t.is(sent.passes.length, 1);
  t.is(sent.passes[0]!.upload.sent.length, 2);
  t.is(sent.passes[0]!.follow.pending.length, 2, 'the ARL comes 10 min after the lot');
  t.deepEqual(sent.lots.map((l) => `${l.destination}-${l.lotNumber} ${l.state}`), ['691-1 sent', '751-1 sent']);
  t.is(service.store.counts()['lot_reception'], 2);

  clock.advance(10 * MINUTE);
  const second = await upload('--json');
  t.is(second.code, HOST_EXIT.ok, second.err);
  const arl = JSON.parse(second.out) as UploadJson;
  t.deepEqual(arl.passes[0]!.upload.sent, [], 'nothing sent twice');
  t.deepEqual(arl.passes[0]!.follow.arls.map((a) => a.status), ['positive', 'positive']);
  t.true(arl.lots.every((l) => l.state === 'arl-positive'));

  clock.advance(24 * 60 * MINUTE);
  const third = await upload();
  t.is(third.code, HOST_EXIT.ok, third.err);
  t.regex(third.err, /return of lot \d+: \d+,\d\d € paid/);
  t.regex(third.out, /^ *id +lot +FSEs +state +ARL reason +paid +rejected invoices\n/);
  t.regex(third.out, /691-001 +2 +paid +- +\d+,\d\d €/);
  t.regex(third.out, /751-001 +3 +paid +- +\d+,\d\d €/);
  const lots = JSON.parse((await runCli('host', 'lots', '--db', db, '--json')).out) as { state: string }[];
  t.true(lots.every((l) => l.state === 'paid'));
  for (const run of [first, second, third]) t.false(`${run.out}${run.err}`.includes(PIN), 'the PIN is never printed');
  t.is(service.store.counts()['lot_reception'], 2, 'one reception a lot');
});

real(title('host upload: a wrong PIN is exit 9, nothing sent, the PIN in no output'), async (t) => {
  t.timeout(60_000);
  const db = await syncedDatabase();
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());
  const r = await bifente('9999\n', 'host', 'upload', '--db', db, '--url', url, ...token.options);
  t.is(r.code, HOST_EXIT.pinIncorrect);
  t.is(r.out, '');
  t.regex(r.err, /bifente host upload: PIN incorrect/);
  t.false(`${r.out}${r.err}`.includes('9999'));
  t.is(service.store.counts()['lot_reception'] ?? 0, 0);
  t.true((JSON.parse((await runCli('host', 'lots', '--db', db, '--json')).out) as { state: string }[]).every((l) => l.state === 'signed'));
});

real(title('host upload: the teleservice down is exit 7 with one line; the lots stay signed'), async (t) => {
  t.timeout(60_000);
  const db = await syncedDatabase();
  const { service, url } = await startTeleservice();
  await service.close();
  const r = await bifente(`${PIN}\n`, 'host', 'upload', '--db', db, '--url', url, ...token.options, '--json');
  t.is(r.code, HOST_EXIT.unreachable, r.err);
  t.is(r.out, '');
  t.regex(r.err, /^bifente host upload: teleservice unreachable at http:\/\/127\.0\.0\.1:\d+: .*; nothing is lost, try again later\n$/);
  t.true((JSON.parse((await runCli('host', 'lots', '--db', db, '--json')).out) as { state: string }[]).every((l) => l.state === 'signed'));
});
