// `bifente host sync --quarantine-dir D` spawned as a process against a
// terminal whose store went bad (host-sdk/test-support `corruptTerminal`:
// synced once, 2 FSEs more, a 4 KiB page overwritten, so it boots `corrupt`),
// served as the firmware serves it (`quarantinedTerminal`: the quarantine
// server, then after the release the host link server on the fresh store)
// over the serial driver on one end of a socat pty pair. The firmware never
// holds two pending quarantines (drivers/store: a boot with one pending
// inspects no file), so the second quarantine here comes after the first was
// released: the fresh store goes bad in turn.
import test, { type ExecutionContext } from 'ava';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSerialLinkPort, openTerminalStore } from '../../drivers/index.js';
import { nextInvoiceNumberAfterQuarantine, openHostDatabase } from '../../host-sdk/index.js';
import { corruptTerminal, DEVICE, openCards, putFses, quarantinedTerminal, tempFolder } from '../../host-sdk/test-support.js';
import { sha256, toHex } from '../../protocol/index.js';
import { openPtyPair, socatMissing } from '../../scripts/pty/pty-pair.js';
import { nextInvoiceNumber } from '../../terminal/index.js';
import { spawnCli } from '../test-support.js';
import { HOST_EXIT } from './host-exit.js';

const missing = socatMissing();
const ptyTest = missing === undefined ? test.serial : test.serial.skip;
const title = (what: string): string => (missing === undefined ? what : `${what} [needs socat: ${missing}]`);
/** What the terminal's only FSEs the host ever held make the next number (host-sdk README "Quarantined stores"). */
const AFTER_51 = nextInvoiceNumberAfterQuarantine(51);

interface QuarantineJson {
  id: number;
  reason: string;
  outcome: string;
  folder?: string;
  files: { name: string; size: number; sha256: string }[];
  nextInvoiceNumber?: number;
}

interface SyncJson {
  link: string;
  listed: { fses: number; lots: number };
  fetched: number;
  acknowledged: number[];
  quarantine?: { terminal: { serial: string }; quarantines: QuarantineJson[] };
}

const fileDigest = (path: string): string => toHex(sha256(readFileSync(path))).toLowerCase();

/** A host database that synced the terminal before its store went bad, the terminal quarantined on a pty, the host's end of the pty. */
async function quarantinedOnPty(t: ExecutionContext) {
  const folder = tempFolder();
  t.teardown(folder.remove);
  const cards = await openCards();
  t.teardown(() => cards.close());
  const { boot, db, originals } = await corruptTerminal(folder.dir, cards);
  const dbPath = db.path;
  db.close();
  const terminal = quarantinedTerminal(boot);
  t.teardown(() => terminal.close());
  const pty = await openPtyPair();
  t.teardown(() => pty.close());
  await terminal.serve(await openSerialLinkPort(pty.paths[1]));
  const quarantineDir = join(folder.dir, 'taken');
  /** `bifente host sync` through the host's end of a pty pair. */
  const syncAt = (ptyPath: string, ...extra: string[]) => spawnCli(['host', 'sync', '--link', `serial:${ptyPath}`, '--db', dbPath, '--quarantine-dir', quarantineDir, ...extra]);
  return { folder, cards, originals, terminal, quarantineDir, syncAt, sync: (...extra: string[]) => syncAt(pty.paths[0], ...extra) };
}

/** Name → [SHA-256, mtime] of every file under a quarantine's folder. */
function snapshot(dir: string): Map<string, [string, number]> {
  return new Map(readdirSync(dir).map((name) => [name, [fileDigest(join(dir, name)), statSync(join(dir, name)).mtimeMs]]));
}

ptyTest(title('host sync --quarantine-dir: the corrupt store\'s files land in D with their SHA-256 recorded, the terminal is released and numbers from the host\'s number; a second sync fetches nothing twice'), async (t) => {
  t.timeout(120_000);
  const { folder, cards, originals, terminal, quarantineDir, sync } = await quarantinedOnPty(t);

  const first = await sync('--json');
  t.is(first.code, HOST_EXIT.ok, first.err);
  t.is(first.err, '', '--json: nothing on stderr');
  const summary = JSON.parse(first.out) as SyncJson;
  const folderOf = join(quarantineDir, DEVICE.serial, '0001');
  t.like(summary.quarantine, { terminal: { serial: DEVICE.serial }, quarantines: [{ id: 1, reason: 'corrupt', outcome: 'taken', folder: folderOf, nextInvoiceNumber: AFTER_51 }] });
  t.deepEqual(new Map(summary.quarantine!.quarantines[0]!.files.map((f) => [f.name, f.sha256])), originals, '--json lists every file with its SHA-256');
  t.deepEqual(summary.listed, { fses: 0, lots: 0 }, 'then the fresh store is listed: empty');

  t.deepEqual(readdirSync(folderOf).sort(), [...originals.keys()].sort(), 'every file, no .part left');
  for (const [name, digest] of originals) t.is(fileDigest(join(folderOf, name)), digest, `${name} byte for byte`);
  const db = await openHostDatabase(join(folder.dir, 'host.db'));
  try {
    const record = db.quarantines.get(DEVICE.serial, 1);
    t.like(record, { reason: 'corrupt', folder: folderOf, released: { nextInvoiceNumber: AFTER_51 } });
    t.deepEqual(new Map(record!.files.map((f) => [f.name, f.sha256])), originals, 'the host database records each file\'s SHA-256');
  } finally {
    db.close();
  }
  t.deepEqual(terminal.state.releases, [{ id: '0001', nextInvoiceNumber: AFTER_51 }], 'released once');

  // The terminal captures again from the host's number; the next sync takes that FSE and leaves the quarantine alone.
  const store = terminal.state.store!;
  t.is(await nextInvoiceNumber(store), AFTER_51);
  await putFses(store, cards, [AFTER_51]);
  const before = snapshot(folderOf);
  const second = await sync();
  t.is(second.code, HOST_EXIT.ok, second.err);
  t.notRegex(second.err, /quarantine/, 'no quarantine step in the progress lines');
  t.notRegex(second.out, /Quarantined stores/);
  t.regex(second.out, /fetched\s+1\n/);
  t.regex(second.out, /acknowledged\s+1\n/);
  t.deepEqual(snapshot(folderOf), before, 'the quarantined files are neither fetched nor written again');
  t.deepEqual(readdirSync(join(quarantineDir, DEVICE.serial)), ['0001']);
  t.is(terminal.state.releases.length, 1, 'never released twice');
  t.deepEqual((await store.listFses()).map((f) => f.id), [], 'the new FSE acknowledged and freed');

  const third = JSON.parse((await sync('--json')).out) as SyncJson;
  t.is(third.quarantine, undefined);
  t.deepEqual([third.listed, third.fetched], [{ fses: 0, lots: 0 }, 0], 'nothing left, nothing fetched');
});

ptyTest(title('host sync --quarantine-dir: the fresh store goes bad in turn: the second quarantine is taken, the first one (released) is listed done, not fetched again; the table lists both'), async (t) => {
  t.timeout(120_000);
  const { folder, cards, terminal, quarantineDir, sync, syncAt } = await quarantinedOnPty(t);
  t.is((await sync('--json')).code, HOST_EXIT.ok);
  const store = terminal.state.store!;
  await putFses(store, cards, [AFTER_51, AFTER_51 + 1]);
  t.is((await sync('--json')).code, HOST_EXIT.ok, 'the host holds FSEs up to AFTER_51 + 1');
  await putFses(store, cards, [AFTER_51 + 2]);
  const first = snapshot(join(quarantineDir, DEVICE.serial, '0001'));

  // The fresh store goes bad too: the terminal reboots into a second quarantine (FSE AFTER_51 + 2 never reached the host).
  await terminal.close();
  const path = join(folder.dir, 'terminal.db');
  const bytes = readFileSync(path);
  bytes.fill(0xff, 3 * 4096, 4 * 4096);
  writeFileSync(path, bytes);
  const boot = await openTerminalStore(path, { capacity: 5000 });
  if (boot.boot !== 'quarantined') return t.fail(`expected a quarantine, got ${boot.boot}`);
  t.is(boot.quarantined.id, '0002');
  const again = quarantinedTerminal(boot);
  t.teardown(() => again.close());
  const pty = await openPtyPair();
  t.teardown(() => pty.close());
  await again.serve(await openSerialLinkPort(pty.paths[1]));

  const expected = nextInvoiceNumberAfterQuarantine(AFTER_51 + 1);
  const r = await syncAt(pty.paths[0]);
  t.is(r.code, HOST_EXIT.ok, r.err);
  t.regex(r.err, /the terminal's store is in quarantine: 1 quarantined store\(s\) to take first/);
  t.regex(r.err, /quarantine 2 released: the terminal numbers invoices from \d+/);
  t.regex(r.out, new RegExp(`Quarantined stores taken first:\nid +reason +outcome +next invoice +folder\n[- ]+\n +1 +corrupt +done +${AFTER_51} +\\S+/0001\n +2 +corrupt +taken +${expected} +\\S+/0002\n`));
  t.deepEqual(again.state.releases, [{ id: '0002', nextInvoiceNumber: expected }], 'only the pending one released');
  t.deepEqual(snapshot(join(quarantineDir, DEVICE.serial, '0001')), first, 'the first quarantine is not fetched again');
  t.true(readdirSync(join(quarantineDir, DEVICE.serial, '0002')).length > 0);
  t.is(await nextInvoiceNumber(again.state.store!), expected);
});
