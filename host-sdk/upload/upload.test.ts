// Upload, ARLs, returns and rebuilt lots against the REAL teleservice on
// loopback (fastify, real HTTP), with lots signed by a real terminal's lots
// machine and fetched by a real sync: positive ARL → paid; a terminal whose
// store restarted its numbering (lot 751-001 again) → L0005 → the FSEs go
// into a new lot 751-002 signed by the CPS on the PC → positive → paid;
// 503 twice through a node:http proxy → retried; a crash between the answer
// and the transaction → sent again → ONE reception on the server.
import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTeleservice, loadDoctors, virtualClock, type VirtualClock } from '../../emulator/index.js';
import { buildLots, copyTerminal, HOST_NOW, hostDatabase, openCards, openStore, plugTerminal, putFses, SYNC_OPTIONS, tempFolder, writeTerminalFile, type Cards } from '../test-support.js';
import { cardCpsSigner, connectTeleservice, followAcknowledgements, rebuildRejectedLots, syncTerminal, uploadLots, type HostCpsSigner, type HostDatabase, type RetryPolicy } from '../index.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const AGREEMENT = 'BIFENTE-0001';
let cards: Cards;
let template: string;
let pin: string;
const folder = tempFolder();

test.before(async () => {
  cards = await openCards();
  template = join(folder.dir, 'template.db');
  await writeTerminalFile(template, cards);
  pin = (await loadDoctors()).find((d) => d.id === 'dr-benali')!.pin;
});
test.after.always(async () => {
  await cards?.close();
  folder.remove();
});

const signerOf = (c: Cards): HostCpsSigner => cardCpsSigner(c.cps, { pin: () => pin });
/** A retry policy whose waits are recorded, not slept. */
function retry(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { attempts: 4, seed: 7, sleep: async (ms) => void waits.push(ms), waits };
}

let n = 0;
/** A host database synced from a copy of the standard terminal (lots 751-001 and 691-001), and the teleservice on loopback. */
async function world(options: { fetch?: typeof fetch; url?: (url: string) => Promise<string> } = {}) {
  const k = n++;
  const terminal = await copyTerminal(template, join(folder.dir, `w${k}-terminal.db`));
  const db = await hostDatabase(folder.dir, `w${k}-host.db`);
  await sync(terminal, db);
  const clock: VirtualClock = virtualClock(HOST_NOW);
  const teleservice = await createTeleservice({ database: ':memory:', clock, rateLimit: false, log: () => undefined });
  const direct = await teleservice.listen();
  const url = options.url === undefined ? direct : await options.url(direct);
  const policy = retry();
  const client = await connectTeleservice(url, { signer: signerOf(cards), clock, retry: policy, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
  const close = async (): Promise<void> => {
    await Promise.all([terminal.close(), teleservice.close()]);
    db.close();
  };
  return { terminal, db, clock, teleservice, client, waits: policy.waits, close };
}

async function sync(terminal: Awaited<ReturnType<typeof openStore>>, db: HostDatabase): Promise<void> {
  const plug = await plugTerminal(terminal);
  try {
    await syncTerminal(plug.host, db, SYNC_OPTIONS);
  } finally {
    await plug.unplug();
  }
}

const states = (db: HostDatabase): string[] => db.listLots().map((l) => `${l.destination}-${String(l.lotNumber).padStart(3, '0')} ${l.state}`);

test('positive path: both lots sent (receipts recorded with the move to sent), ARL pending, then positive, then the returns: paid, per invoice', async (t) => {
  const w = await world();
  t.teardown(w.close);
  const progress: string[] = [];
  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.outcome}`) });
  t.deepEqual(up.failed, []);
  t.is(up.sent.length, 2);
  t.deepEqual(progress, ['1/2 sent', '2/2 sent']);
  t.deepEqual(states(w.db), ['691-001 sent', '751-001 sent']);
  const first = w.db.uploads.get(up.sent[0]!.lotId)!;
  t.like(first, { destination: '691', lotNumber: 1, attempts: 1, receiptId: up.sent[0]!.receipt.receiptId });
  t.is(w.teleservice.store.counts()['lot_reception'], 2);

  const early = await followAcknowledgements(w.db, w.client);
  t.deepEqual(early.arls, []);
  t.is(early.pending.length, 2, '202: ARL not available yet');
  t.is(early.pending[0]!.availableAt, HOST_NOW + 10 * MINUTE);

  w.clock.advance(10 * MINUTE);
  const arls = await followAcknowledgements(w.db, w.client);
  t.deepEqual(arls.arls.map((a) => [a.destination, a.lotNumber, a.status]), [['691', 1, 'positive'], ['751', 1, 'positive']]);
  t.deepEqual(states(w.db), ['691-001 arl-positive', '751-001 arl-positive']);
  t.is(w.db.uploads.get(first.lotId)!.arl!.record.length, 128);
  t.deepEqual(arls.payments, [], 'returns come a day later');

  w.clock.advance(DAY);
  const paid = await followAcknowledgements(w.db, w.client);
  t.deepEqual(states(w.db), ['691-001 paid', '751-001 paid']);
  t.is(paid.payments.length, 2);
  const invoices = paid.payments.reduce((sum, p) => sum + p.paidInvoices + p.rejected.length, 0);
  t.is(invoices, 5, 'every invoice of both lots has its outcome');
  const rows = w.db.listLots().flatMap((l) => w.db.uploads.invoiceReturns(l.id));
  t.is(rows.length, 5);
  t.is(rows.filter((r) => r.outcome === 'paid').reduce((s, r) => s + r.paidCents, 0), paid.payments.reduce((s, p) => s + p.paidCents, 0));
  t.true(rows.every((r) => r.outcome !== 'paid' || /^[0-9]{6}$/.test(r.paidOn ?? '')));
  t.true(paid.cursor > 0);
  t.is(w.db.uploads.returnsCursor(w.client.baseUrl), paid.cursor, 'the cursor is persisted');

  const again = await followAcknowledgements(w.db, w.client);
  t.deepEqual([again.arls, again.payments, again.pending], [[], [], []], 'nothing twice');
  t.deepEqual(w.db.lotHistory(first.lotId).map((h) => h.state), ['signed', 'sent', 'arl-positive', 'paid']);
});

test('a terminal that numbered 751-001 again (its store restarted): L0005 → the FSEs go into a new lot 751-002 signed on the PC → positive → paid', async (t) => {
  const w = await world();
  t.teardown(w.close);
  await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT });
  w.clock.advance(10 * MINUTE);
  await followAcknowledgements(w.db, w.client);
  // The terminal's store restarts its numbering: two new FSEs in a new lot 751-001.
  const restarted = await openStore(join(folder.dir, `restarted-${n}.db`));
  t.teardown(() => restarted.close());
  await putFses(restarted, cards, [61, 62]);
  await buildLots(restarted, cards);
  await sync(restarted, w.db);
  t.deepEqual(states(w.db), ['691-001 arl-positive', '751-001 arl-positive', '751-001 signed']);

  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT });
  t.is(up.sent.length, 1, 'received: the verdict is in the ARL');
  const rejectedId = up.sent[0]!.lotId;
  w.clock.advance(10 * MINUTE);
  const follow = await followAcknowledgements(w.db, w.client);
  t.like(follow.arls[0], { lotId: rejectedId, status: 'negative', reason: 'L0005' });
  t.is(w.db.getLot(rejectedId).state, 'arl-negative');
  t.regex(w.db.lotHistory(rejectedId).at(-1)!.reason!, /^L0005 Numéro de lot déjà reçu/);

  const rebuild = await rebuildRejectedLots(w.db, signerOf(cards), { clock: w.clock, utcOffsetMinutes: 60 });
  t.deepEqual(rebuild.unfixable, []);
  t.deepEqual(rebuild.postponed, []);
  t.is(rebuild.rebuilt.length, 1);
  t.like(rebuild.rebuilt[0], { destination: '751', lotNumber: 2, from: [rejectedId], invoiceNumbers: [61, 62] });
  const newId = rebuild.rebuilt[0]!.lotId;
  t.deepEqual(w.db.lotHistory(newId).map((h) => h.state), ['built', 'signed']);
  t.deepEqual(w.db.getLot(newId).fseIds, w.db.getLot(rejectedId).fseIds);
  const twice = await rebuildRejectedLots(w.db, signerOf(cards), { clock: w.clock, utcOffsetMinutes: 60 });
  t.deepEqual(twice.rebuilt, [], 'an FSE goes into one new lot only');

  const resent = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT });
  t.deepEqual(resent.sent.map((s) => [s.lotId, s.receipt.lotNumber]), [[newId, 2]]);
  w.clock.advance(DAY);
  const done = await followAcknowledgements(w.db, w.client);
  t.like(done.arls[0], { lotId: newId, status: 'positive' });
  t.deepEqual(states(w.db), ['691-001 paid', '751-001 paid', '751-001 arl-negative', '751-002 paid']);
  t.deepEqual(w.db.uploads.invoiceReturns(newId).map((r) => w.db.getFse(r.fseId).invoiceNumber), [61, 62]);
});

test('a reason a new lot cannot fix: the FSEs stay with their negative lot, reported', async (t) => {
  const w = await world();
  t.teardown(w.close);
  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT });
  w.clock.advance(10 * MINUTE);
  // The record of an L0008 (an FSE's signature) written as the follow-up would.
  const lotId = up.sent.find((s) => s.receipt.destination === '751')!.lotId;
  const arl = new Uint8Array(128).fill(0x20);
  t.true(w.db.uploads.recordArl(lotId, { record: arl, status: 'negative', reason: 'L0008', label: 'FSE dont la signature ou le cryptogramme Vitale est invalide', at: w.clock.now() }).ok);
  const rebuild = await rebuildRejectedLots(w.db, signerOf(cards), { clock: w.clock, utcOffsetMinutes: 60 });
  t.deepEqual(rebuild.rebuilt, []);
  t.like(rebuild.unfixable[0], { lotId, reason: 'L0008', invoiceNumbers: [11, 12, 13] });
});

test('503 twice from a proxy in front of the teleservice, then through: retried with the seeded backoff, one reception', async (t) => {
  let refusals = 2;
  let target = '';
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/lots' && refusals > 0) {
        refusals--;
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'maintenance' } }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')) as Record<string, string>;
      void fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'GET', headers, ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }) }).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
      });
    });
  });
  const w = await world({
    url: async (direct) => {
      target = direct;
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    },
  });
  t.teardown(async () => {
    await w.close();
    proxy.close();
  });
  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT, concurrency: 1 });
  t.deepEqual(up.failed, []);
  t.deepEqual(up.sent.map((s) => s.attempts), [3, 1]);
  t.is(w.db.uploads.get(up.sent[0]!.lotId)!.attempts, 3);
  t.is(w.waits.length, 2, 'two waits, drawn from the seeded jitter');
  t.true(w.waits[0]! <= 200 && w.waits[1]! <= 400, 'under the exponential ceilings');
  t.is(refusals, 0);
  t.is(w.teleservice.store.counts()['lot_reception'], 2);
});

test('an answer lost on the way back: retried, the server answers the same receipt (200) and counts ONE reception', async (t) => {
  let lose = true;
  const losing: typeof fetch = async (input, init) => {
    const answer = await fetch(input, init);
    if (lose && init?.method === 'POST' && String(input).endsWith('/v1/lots')) {
      lose = false;
      throw new TypeError('fetch failed: connection reset');
    }
    return answer;
  };
  const w = await world({ fetch: losing });
  t.teardown(w.close);
  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT, concurrency: 1 });
  t.deepEqual(up.sent.map((s) => s.attempts), [2, 1]);
  t.is(w.teleservice.store.counts()['lot_reception'], 2, 'two lots, two receptions');
});

test('a crash between the answer and the transaction: the lot stays signed, is sent again, the server answers the same receipt and counts ONE reception', async (t) => {
  const w = await world();
  t.teardown(w.close);
  const uploads = w.db.uploads as { recordSent: typeof w.db.uploads.recordSent };
  const recordSent = uploads.recordSent;
  uploads.recordSent = () => {
    throw new Error('host killed before the transaction');
  };
  await t.throwsAsync(uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT, concurrency: 1 }), { message: /killed/ });
  uploads.recordSent = recordSent;
  t.is(w.teleservice.store.counts()['lot_reception'], 1, 'the server received the first lot');
  t.deepEqual(states(w.db), ['691-001 signed', '751-001 signed'], 'nothing recorded: the transaction never ran');
  const receiptBefore = (w.teleservice.store.db.prepare('SELECT id FROM lot_reception').get() as { id: string }).id;
  const up = await uploadLots(w.db, w.client, { softwareAgreement: AGREEMENT, concurrency: 1 });
  t.is(up.sent.length, 2);
  t.is(up.sent[0]!.receipt.receiptId, receiptBefore, 'the same receipt');
  t.is(w.teleservice.store.counts()['lot_reception'], 2, 'the first lot was not received twice');
  t.deepEqual(states(w.db), ['691-001 sent', '751-001 sent']);
});

test('a refused lot (4xx) is reported and stays signed; a wrong PIN ends the run without the PIN in the error', async (t) => {
  const w = await world();
  t.teardown(w.close);
  const wrong = await connectTeleservice(w.client.baseUrl, { signer: cardCpsSigner(cards.cps, { pin: () => '0000' }), clock: w.clock, retry: retry() });
  const error = await t.throwsAsync(uploadLots(w.db, wrong, { softwareAgreement: AGREEMENT }));
  t.false(error?.message.includes('0000') ?? true);
  t.deepEqual(states(w.db), ['691-001 signed', '751-001 signed']);
  const bad = await uploadLots(w.db, w.client, { softwareAgreement: 'X'.repeat(13) });
  t.deepEqual(bad.failed.map((f) => f.kind), ['unbuildable', 'unbuildable']);
  t.deepEqual(bad.sent, []);
});
