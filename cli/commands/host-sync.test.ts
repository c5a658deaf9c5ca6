// `bifente host sync` spawned as a process against a real terminal (the
// host link server over the serial driver on one end of a socat pty pair,
// its store pre-filled by host-sdk/test-support: two signed lots, FSEs
// alone, one FSE with a flipped signature byte), then `host lots` and
// `host status` on the database it wrote; the failure paths and exit codes.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTerminal, openCards, serveOnPty, tempFolder, writeTerminalFile } from '../../host-sdk/test-support.js';
import { openPtyPair, socatMissing } from '../../scripts/pty/pty-pair.js';
import { runCli, spawnCli } from '../test-support.js';
import { HOST_EXIT } from './host-exit.js';

const ptyTest = socatMissing() === undefined ? test.serial : test.serial.skip;

/** `bifente …` as a child process. */
const bifente = (...args: string[]) => spawnCli(args);

interface SyncJson {
  link: string;
  listed: { fses: number; lots: number };
  fetched: number;
  alreadyHeld: number;
  verified: number;
  rejected: { kind: string; id: number; reason: string }[];
  acknowledged: number[];
  freed: number[];
  terminal: { serial: string };
}

ptyTest('host sync over a real pty: verified, stored, acknowledged; the tampered FSE rejected and kept; lots and status read the database', async (t) => {
  t.timeout(120_000);
  const folder = tempFolder();
  t.teardown(folder.remove);
  const cards = await openCards();
  t.teardown(() => cards.close());
  const template = join(folder.dir, 'template.db');
  const contents = await writeTerminalFile(template, cards);
  const store = await copyTerminal(template, join(folder.dir, 'terminal.db'));
  t.teardown(() => store.close());
  const line = await serveOnPty(store);
  t.teardown(() => line.close());
  const db = join(folder.dir, 'host.db');

  const first = await bifente('host', 'sync', '--link', `serial:${line.hostPath}`, '--db', db, '--json');
  t.is(first.code, HOST_EXIT.rejected, first.err);
  t.is(first.err, '', '--json: nothing on stderr');
  const summary = JSON.parse(first.out) as SyncJson;
  t.is(summary.link, `serial:${line.hostPath}`);
  t.is(summary.terminal.serial, 'BF-000042');
  t.deepEqual(summary.listed, { fses: contents.fses.size, lots: contents.lots.length });
  t.is(summary.fetched, contents.fses.size + contents.lots.length);
  t.is(summary.verified, contents.fses.size - 1 + contents.lots.length);
  t.deepEqual(summary.rejected.map((r) => [r.kind, r.id]), [['fse', 51]]);
  t.false(summary.acknowledged.includes(51));
  t.true(summary.freed.length > 0);
  t.deepEqual((await store.listFses()).map((f) => f.id), [51], 'the terminal keeps only the rejected FSE');

  // Again, for people: progress lines on stderr (not a TTY), the table on stdout; only 51 is left, already held.
  const second = await bifente('host', 'sync', '--link', `serial:${line.hostPath}`, '--db', db);
  t.is(second.code, HOST_EXIT.rejected, second.err);
  t.regex(second.err, /terminal BF-000042 \(BFT-TLA, firmware 0\.6\.0\)/);
  t.regex(second.err, /FSE 51: held, rejected \(1\/1\)/);
  t.regex(second.out, /already held\s+1\n/);
  t.regex(second.out, /Rejected \(kept on the terminal\):[\s\S]*fse\s+51\s+\S+/);

  const lots = await runCli('host', 'lots', '--db', db, '--json');
  t.is(lots.code, HOST_EXIT.ok);
  const held = JSON.parse(lots.out) as { state: string; verdict: string; fses: number }[];
  t.is(held.length, contents.lots.length);
  t.true(held.every((l) => l.state === 'signed' && l.verdict === 'verified' && l.fses > 0));
  const table = await runCli('host', 'lots', '--db', db, '--state', 'signed');
  t.is(table.out.trim().split('\n').length, 2 + contents.lots.length, table.out);
  t.regex((await runCli('host', 'lots', '--db', db, '--state', 'paid')).out, /\(none\)/);

  const status = await runCli('host', 'status', '--db', db, '--json');
  t.is(status.code, HOST_EXIT.ok);
  const s = JSON.parse(status.out) as { terminals: { serial: string; lastSync: string; clockDriftMs: number }[]; fses: { verified: number; rejected: number }; lots: { signed: number } };
  t.deepEqual(s.terminals.map((x) => [x.serial, x.lastSync]), [['BF-000042', 'done']]);
  t.is(typeof s.terminals[0]?.clockDriftMs, 'number');
  t.deepEqual(s.fses, { verified: contents.fses.size - 1, rejected: 1, onTerminal: 1 });
  t.is(s.lots.signed, contents.lots.length);
  t.regex((await runCli('host', 'status', '--db', db)).out, /BF-000042\s+BFT-TLA\s+0\.6\.0/);
});

ptyTest('host sync: nobody answering at the link is exit 3, link failed, a one-line message', async (t) => {
  t.timeout(60_000);
  const folder = tempFolder();
  t.teardown(folder.remove);
  const pty = await openPtyPair();
  t.teardown(() => pty.close());
  const r = await runCli('host', 'sync', '--link', `serial:${pty.paths[0]}`, '--db', join(folder.dir, 'host.db'), '--timeout', '300');
  t.is(r.code, HOST_EXIT.link);
  t.regex(r.err, /^bifente host sync: link failed at serial:\/dev\/pts\/\d+: .*identify.*; nothing is lost, sync again\n$/);
  t.is(r.out, '');
});

test('host sync: no such device is exit 3, terminal not found, and no database is created', async (t) => {
  const folder = tempFolder();
  t.teardown(folder.remove);
  const db = join(folder.dir, 'host.db');
  const r = await runCli('host', 'sync', '--link', 'serial:/dev/bifente-no-such-tty', '--db', db, '--json');
  t.is(r.code, HOST_EXIT.link);
  t.is(r.out, '');
  t.regex(r.err, /^bifente host sync: terminal not found: serial:\/dev\/bifente-no-such-tty: /);
  t.is((await runCli('host', 'status', '--db', db)).code, HOST_EXIT.database, 'no host.db was left behind');
});

test('host: a file that is not a host database is exit 6 with its name, for sync, lots and status', async (t) => {
  const folder = tempFolder();
  t.teardown(folder.remove);
  const notOurs = join(folder.dir, 'notes.txt');
  writeFileSync(notOurs, 'a practice note, not a database\n'.repeat(200));
  const pty = socatMissing() === undefined ? await openPtyPair() : undefined;
  t.teardown(() => pty?.close());
  const runs = [await runCli('host', 'lots', '--db', notOurs), await runCli('host', 'status', '--db', notOurs, '--json')];
  if (pty !== undefined) runs.push(await runCli('host', 'sync', '--link', `serial:${pty.paths[0]}`, '--db', notOurs));
  for (const r of runs) {
    t.is(r.code, HOST_EXIT.database);
    t.is(r.out, '');
    t.regex(r.err, new RegExp(`^bifente host (lots|status|sync): host database refused: ${notOurs.replace(/[/.]/g, '\\$&')} is not an SQLite database`));
  }
  t.regex((await runCli('host', 'lots', '--db', join(folder.dir, 'none.db'))).err, /no host database at .*none\.db/);
});

test('host: usage errors are exit 2', async (t) => {
  for (const args of [['host'], ['host', 'upload'], ['host', 'toString'], ['host', 'lots', '--state', 'lost'], ['host', 'sync', '--link', 'usb:1'], ['host', 'sync', '--link', 'serial:/dev/x', '--timeout', 'soon'], ['host', 'status', 'extra']]) {
    const r = await runCli(...args);
    t.is(r.code, HOST_EXIT.usage, args.join(' '));
    t.regex(r.err, /^bifente host: .+\nUsage: bifente host sync/);
  }
  t.regex((await runCli('host', '--help')).out, /Exit codes:\n {2}0 {2}done/);
});

test('host sync: a --ca that is not a certificate is exit 1 (invalid input)', async (t) => {
  const folder = tempFolder();
  t.teardown(folder.remove);
  const bad = join(folder.dir, 'ca.pem');
  writeFileSync(bad, 'not a certificate');
  const r = await runCli('host', 'sync', '--link', 'serial:/dev/bifente-no-such-tty', '--ca', bad, '--db', join(folder.dir, 'host.db'));
  t.is(r.code, HOST_EXIT.invalid);
  t.regex(r.err, /--ca .* is not an X\.509 certificate/);
});
