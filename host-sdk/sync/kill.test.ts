/**
 * The host process killed (issue 7: "a sync interrupted at any point (…
 * process killed) resumes without losing or duplicating anything"): this
 * process is the terminal (a real store on disk, the host link server over
 * the real serial driver on one end of a pty pair made by socat); a child
 * process is the host (kill-child.fixture.ts, bundled with esbuild, run with
 * plain node: the real serial driver on the other pty, the host database on
 * disk), SIGKILLed at seeded moments, 100 times. Between rounds the doctor
 * captures more FSEs and signs more lots. After each kill the host database
 * must open (integrity check) and the invariants hold; at the end one sync
 * runs to its end: the terminal keeps only what the host rejected, the host
 * holds every FSE exactly once.
 */
import test from 'ava';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FseRecord } from '../../drivers/index.js';
import { mulberry32 } from '../../emulator/index.js';
import { sha256, toHex, verifySecuredFse } from '../../protocol/index.js';
import { socatMissing } from '../../scripts/pty/pty-pair.js';
import { bundleFixture, runUntilKilled, type KillMoment } from '../../scripts/test-kit/killed-child.js';
import { buildLots, CA_PEM, copyTerminal, hostDatabase, HOST_NOW, invariantProblems, openCards, REVOKED, securedFseRecord, serveOnPty, tempFolder, writeTerminalFile } from '../test-support.js';

const ROUNDS = Number(process.env['BIFENTE_KILL_ROUNDS'] ?? 100);
const SEED = 20_260_715;
const CA_PATH = fileURLToPath(new URL('../../test-vectors/pki/ca/ca.cert.pem', import.meta.url));
const missing = socatMissing();
const ptyTest = missing === undefined ? test : test.skip;
const verifies = (bytes: Uint8Array) => verifySecuredFse(bytes, { ca: CA_PEM }).ok;

/** When to kill; `item`: at the item a `fraction` of the way through the list (the list's first item when it is empty). */
type KillPlan = { at: 'spawn' } | { at: 'ready' } | { at: 'acknowledging' } | { at: 'item'; fraction: number } | { at: 'never' };

function plan(random: () => number, round: number): KillPlan {
  if (round === ROUNDS) return { at: 'never' };
  const roll = random();
  if (roll < 0.1) return { at: 'spawn' };
  if (roll < 0.2) return { at: 'ready' };
  if (roll < 0.4) return { at: 'acknowledging' };
  return { at: 'item', fraction: random() };
}

/** The moment of the plan, read from the child's lines (`listed <n>`, `item ...`, `acknowledging`...). */
function momentOf(kill: KillPlan): KillMoment {
  if (kill.at === 'spawn' || kill.at === 'never') return kill.at;
  let items = 0;
  let target = 0;
  return (line) => {
    const [word, count = '0'] = line.split(' ', 2);
    if (kill.at === 'item' && word === 'listed') {
      target = 1 + Math.floor(kill.fraction * Number(count));
      if (Number(count) === 0) return true;
    }
    if (word === 'item') items += 1;
    return word === kill.at && (kill.at !== 'item' || items === target);
  };
}

ptyTest(`${ROUNDS} SIGKILLs of the host at seeded moments, then a whole sync: nothing lost, nothing twice, both databases whole`, async (t) => {
  t.timeout(120_000);
  const folder = tempFolder();
  t.teardown(folder.remove);
  const script = await bundleFixture(new URL('./kill-child.fixture.ts', import.meta.url), folder.dir, ['better-sqlite3', 'serialport', 'pkcs11js', 'usb', 'node-hid', 'pcsclite']);
  const cards = await openCards();
  t.teardown(() => cards.close());
  const template = join(folder.dir, 'template.db');
  const initial = await writeTerminalFile(template, cards);
  const contents = { fses: new Map(initial.fses), lots: [...initial.lots], rejected: new Set(initial.rejected) };
  // FSEs the doctor captures between rounds, secured beforehand (caisses 131 and 691: 751 holds the tampered 51).
  const pool: FseRecord[] = [];
  for (let id = 100; id < 160; id++) pool.push(await securedFseRecord(cards, id, id % 2 === 0 ? '131' : '691'));
  const store = await copyTerminal(template, join(folder.dir, 'terminal.db'));
  t.teardown(() => store.close());
  const line = await serveOnPty(store);
  t.teardown(() => line.close());
  const hostPath = join(folder.dir, 'host.db');
  const args = [hostPath, line.hostPath, CA_PATH, String(HOST_NOW), [...REVOKED].join(',')];

  const random = mulberry32(SEED);
  const tally = { killed: 0, completed: 0, atAcknowledging: 0, midItems: 0, captured: 0, lots: 0 };
  for (let round = 0; round <= ROUNDS; round++) {
    // The doctor's day goes on: 0-2 new FSEs, now and then a lot run.
    for (let k = random.below(3); k > 0 && pool.length > 0; k--) {
      const record = pool.shift()!;
      await store.putFse(record);
      contents.fses.set(record.id, toHex(sha256(record.bytes)));
      tally.captured += 1;
    }
    if (random.next() < 0.15) {
      tally.lots += await buildLots(store, cards);
      for (const lot of await store.listLots()) {
        const digest = toHex(sha256((await store.getLot(lot.id)).bytes));
        if (!contents.lots.includes(digest)) contents.lots.push(digest);
      }
    }
    const kill = plan(() => random.next(), round);
    const { lines, killed } = await runUntilKilled(script, args, momentOf(kill));
    if (kill.at === 'never') t.regex(lines.at(-1) ?? '', /^done /, `the last sync: ${lines.at(-1)}`);
    if (killed) tally.killed += 1;
    else tally.completed += 1;
    if (killed && kill.at === 'acknowledging') tally.atAcknowledging += 1;
    if (killed && kill.at === 'item') tally.midItems += 1;
    const failed = lines.find((l) => l.startsWith('failed'));
    if (failed !== undefined) t.fail(`round ${round}: the sync failed by itself: ${failed}`);
    const db = await hostDatabase(folder.dir);
    try {
      const problems = await invariantProblems(store, db, contents, verifies);
      if (problems.length > 0) t.fail(`round ${round} (${JSON.stringify(kill)}, last line ${lines.at(-1) ?? 'none'}): ${problems.slice(0, 5).join('; ')}`);
      if (kill.at === 'never') {
        // What the terminal keeps: the FSE the host rejected, and the FSEs of lots the host rejected (a lot run batched 51 with 31 and 41).
        const rejectedLots = new Set(db.listLots({ verdict: 'rejected' }).map((l) => toHex(l.digest)));
        const kept = new Set([51]);
        for (const lot of await store.listLots()) {
          const held = await store.getLot(lot.id);
          if (rejectedLots.has(toHex(sha256(held.bytes)))) for (const id of held.fseIds) kept.add(id);
        }
        t.deepEqual((await store.listFses()).map((f) => f.id), [...kept].sort((a, b) => a - b), 'the terminal keeps only what the host rejected');
        t.true(rejectedLots.size <= 1);
        t.deepEqual(db.listFses().map((f) => f.invoiceNumber), [...contents.fses.keys()].sort((a, b) => a - b), 'every FSE once on the host');
        t.deepEqual(await store.listFses({ state: 'acknowledged' }), []);
      }
    } finally {
      db.close();
    }
  }
  t.true(tally.killed >= ROUNDS * 0.9, `${tally.killed} kills`);
  t.true(tally.atAcknowledging > 0 && tally.midItems > 0);
  t.log(`${ROUNDS} rounds: ${tally.killed} kills (${tally.atAcknowledging} at the acknowledgement, ${tally.midItems} among the items), ${tally.completed} syncs finished first; ${tally.captured} FSEs captured and ${tally.lots} lots signed meanwhile`);
});
