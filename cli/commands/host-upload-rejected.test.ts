// `bifente host upload` spawned as a process when the teleservice rejects a
// lot, against the REAL teleservice on loopback (its clock in this process)
// and dr-benali's keys on a SoftHSM2 token (PIN on stdin). Every refusal is
// the server's own rule on honest lots signed by the terminal's lots machine:
// - L0005: the terminal's store restarted its numbering (as after a
//   quarantine) and signed a second lot 751-001 after the first was received:
//   the host rebuilds it as 751-002, signed by the CPS on the PC → exit 0;
// - L0006: a lot to caisse 131, an organism no persona belongs to: a new lot
//   cannot fix it → exit 8, one line naming the lot and the reason;
// - 403 not-your-lot: a lot signed by dr-lefebvre's CPS, sent from
//   dr-benali's PC → refused → exit 8.
// Skips, with the reason in the title, without SoftHSM2.
import test from 'ava';
import { join } from 'node:path';
import type { TerminalStore } from '../../drivers/index.js';
import { openHostDatabase } from '../../host-sdk/index.js';
import { buildLots, CA_PEM, copyTerminal, openCards, openStore, putFses, syncStore, tempFolder, writeTerminalFile, type Cards } from '../../host-sdk/test-support.js';
import { parseSignedLot, toHex, verifySignedLot } from '../../protocol/index.js';
import { HOST_EXIT } from './host-exit.js';
import { makeToken, MISSING, PIN, spawnCli, startTeleservice, type TestToken } from './host-test-support.js';

const MINUTE = 60_000;
const real = MISSING.length === 0 ? test.serial : test.serial.skip;
const title = (what: string): string => (MISSING.length === 0 ? what : `${what} [needs ${MISSING.join(', ')}]`);
const folder = tempFolder();
let cards: Cards;
let template: string;
let token: TestToken;
let k = 0;

test.before(async () => {
  if (MISSING.length > 0) return;
  cards = await openCards();
  template = join(folder.dir, 'terminal-template.db');
  await writeTerminalFile(template, cards);
  token = await makeToken(join(folder.dir, 'softhsm'));
});
test.after.always(async () => {
  await cards?.close();
  folder.remove();
});

interface UploadJson {
  passes: { upload: { sent: { lotId: number }[]; failed: { lotId: number; kind: string }[] }; follow: { arls: { lotId: number; status: string; reason?: string }[] } }[];
  rebuild: { rebuilt: { lotId: number; destination: string; lotNumber: number; from: number[]; invoiceNumbers: number[] }[]; unfixable: { lotId: number; reason: string; invoiceNumbers: number[] }[] };
  lots: { id: number; destination: string; lotNumber: number; state: string; arlReason?: string }[];
}

/** A terminal store in a fresh file holding FSEs `groups` (invoice numbers, caisse) secured with `by`, in lots signed by its lots machine. */
async function terminalWith(by: Cards, groups: readonly (readonly [readonly number[], string])[]): Promise<TerminalStore> {
  const store = await openStore(join(folder.dir, `terminal-${k++}.db`));
  for (const [ids, caisse] of groups) await putFses(store, by, ids, caisse);
  await buildLots(store, by);
  return store;
}

/** Sync `store` into the host database at `db` (created when new), then close both; the database's path. */
async function syncInto(store: TerminalStore, db = join(folder.dir, `host-${k++}.db`)): Promise<string> {
  const host = await openHostDatabase(db);
  try {
    await syncStore(store, host);
  } finally {
    await store.close();
    host.close();
  }
  return db;
}

const upload = (db: string, url: string, ...extra: string[]) => spawnCli(token, `${PIN}\n`, 'host', 'upload', '--db', db, '--url', url, ...token.options, ...extra);
const lotsOf = (out: string): string[] => (JSON.parse(out) as UploadJson).lots.map((l) => `${l.destination}-${String(l.lotNumber).padStart(3, '0')} ${l.state}${l.arlReason === undefined ? '' : ` ${l.arlReason.slice(0, 5)}`}`);

real(title('host upload: a lot number already received draws L0005; the host rebuilds its FSEs into 751-002 signed with the same CPS, sends it, exit 0 once all are accepted'), async (t) => {
  t.timeout(180_000);
  const db = await syncInto(await copyTerminal(template, join(folder.dir, `terminal-${k++}.db`)));
  const { service, clock, url } = await startTeleservice();
  t.teardown(() => service.close());

  const first = await upload(db, url, '--json');
  t.is(first.code, HOST_EXIT.ok, first.err);
  t.deepEqual(lotsOf(first.out), ['691-001 sent', '751-001 sent']);

  // The terminal's store restarts its numbering: FSEs 61 and 62 in a new lot 751-001, synced into the same host.
  await syncInto(await terminalWith(cards, [[[61, 62], '751']]), db);
  clock.advance(10 * MINUTE);
  const second = await upload(db, url, '--json');
  t.is(second.code, HOST_EXIT.ok, second.err);
  t.deepEqual(lotsOf(second.out), ['691-001 arl-positive', '751-001 arl-positive', '751-001 sent'], 'the server received the second 751-001: its verdict is in its ARL');

  clock.advance(10 * MINUTE);
  const third = await upload(db, url, '--json');
  t.is(third.code, HOST_EXIT.ok, third.err);
  t.is(third.err, '');
  const rebuilt = JSON.parse(third.out) as UploadJson;
  t.like(rebuilt.passes[0]!.follow.arls[0], { status: 'negative', reason: 'L0005' });
  const rejectedId = rebuilt.passes[0]!.follow.arls[0]!.lotId;
  t.is(rebuilt.rebuild.rebuilt.length, 1);
  t.like(rebuilt.rebuild.rebuilt[0], { destination: '751', lotNumber: 2, from: [rejectedId], invoiceNumbers: [61, 62] });
  t.deepEqual(rebuilt.rebuild.unfixable, []);
  const newId = rebuilt.rebuild.rebuilt[0]!.lotId;
  t.is(rebuilt.passes.length, 2, 'the rebuilt lot is sent in the same run');
  t.deepEqual(rebuilt.passes[1]!.upload.sent.map((s) => s.lotId), [newId]);
  t.deepEqual(lotsOf(third.out), ['691-001 arl-positive', '751-001 arl-positive', '751-001 arl-negative L0005', '751-002 sent']);

  const held = await openHostDatabase(db);
  try {
    t.deepEqual(held.getLot(newId).fseIds, held.getLot(rejectedId).fseIds, 'the same FSEs');
    const was = parseSignedLot(held.lotBytes(rejectedId));
    const now = parseSignedLot(held.lotBytes(newId));
    if (!was.ok || !now.ok) return t.fail('a held lot does not parse');
    t.is(toHex(now.value.cps.certificate), toHex(was.value.cps.certificate), 'signed with the same CPS certificate');
    t.like(verifySignedLot(held.lotBytes(newId), { ca: CA_PEM }), { ok: true });
  } finally {
    held.close();
  }

  clock.advance(10 * MINUTE);
  const fourth = await upload(db, url);
  t.is(fourth.code, HOST_EXIT.ok, fourth.err);
  t.regex(fourth.err, /ARL 751-002: positive/);
  t.regex(fourth.out, /751-001 +2 +arl-negative +L0005 Numéro de lot déjà reçu/);
  t.regex(fourth.out, /751-002 +2 +arl-positive +-/);
  t.is(service.store.counts()['lot_reception'], 4, '691-001, 751-001 twice, 751-002: each once');
  for (const run of [first, second, third, fourth]) t.false(`${run.out}${run.err}`.includes(PIN));
});

real(title('host upload: a lot to an organism the teleservice does not know draws L0006, which a new lot cannot fix: exit 8 once the other lot is done, one line naming the lot and the code, in the table and in --json'), async (t) => {
  t.timeout(180_000);
  const db = await syncInto(await terminalWith(cards, [[[11, 12], '751'], [[71, 72], '131']]));
  const { service, clock, url } = await startTeleservice();
  t.teardown(() => service.close());

  const first = await upload(db, url, '--json');
  t.is(first.code, HOST_EXIT.ok, `received, the ARLs not out yet: ${first.err}`);
  t.deepEqual(lotsOf(first.out), ['131-001 sent', '751-001 sent']);

  clock.advance(10 * MINUTE);
  const second = await upload(db, url, '--json');
  t.is(second.code, HOST_EXIT.lotRejected);
  t.regex(second.err, /^bifente host upload: 1 lot\(s\) stay rejected, a person looks: 131-001 L0006 Organisme destinataire inconnu\n$/, 'one line, even with --json');
  const json = JSON.parse(second.out) as UploadJson;
  t.deepEqual(lotsOf(second.out), ['131-001 arl-negative L0006', '751-001 arl-positive'], 'the upload is done: the other lot is accepted');
  t.like(json.rebuild.unfixable, [{ reason: 'L0006', invoiceNumbers: [71, 72] }]);
  t.deepEqual(json.rebuild.rebuilt, [], 'no new lot');
  t.is(json.passes.length, 1);

  const third = await upload(db, url);
  t.is(third.code, HOST_EXIT.lotRejected, 'it stays rejected: every run says so');
  t.regex(third.out, /131-001 +2 +arl-negative +L0006 Organisme destinataire inconnu/);
  t.regex(third.out, /751-001 +2 +arl-positive/);
  t.regex(third.err, /lot \d+ \(L0006\) cannot be fixed by a new lot: /);
  t.regex(third.err, /\nbifente host upload: 1 lot\(s\) stay rejected, a person looks: 131-001 L0006 Organisme destinataire inconnu\n$/, 'the last line of stderr');
  t.is(service.store.counts()['lot_reception'], 2, 'nothing sent again');
});

real(title('host upload: a lot signed by another doctor\'s CPS is refused (403 not-your-lot) and stays signed: exit 8, one line; the other lots are sent'), async (t) => {
  t.timeout(120_000);
  const lefebvre = await openCards('dr-lefebvre');
  t.teardown(() => lefebvre.close());
  const db = await syncInto(await terminalWith(cards, [[[11], '751']]));
  await syncInto(await terminalWith(lefebvre, [[[81, 82], '691']]), db);
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());

  const r = await upload(db, url, '--json');
  t.is(r.code, HOST_EXIT.lotRejected, r.err);
  t.regex(r.err, /^bifente host upload: 1 lot\(s\) stay rejected, a person looks: 691-001 refused: .*not-your-lot: .*may not be sent by 99900000037\n$/);
  const json = JSON.parse(r.out) as UploadJson;
  t.deepEqual(lotsOf(r.out), ['751-001 sent', '691-001 signed']);
  t.deepEqual(json.passes[0]!.upload.failed.map((f) => f.kind), ['refused']);
  t.is(service.store.counts()['lot_reception'], 1);
});
