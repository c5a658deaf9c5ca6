import test from 'ava';
import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createActor, initialTransition, toPromise, transition, type Actor } from 'xstate';
import type { CardSession, TerminalStore } from '../../drivers/index.js';
import { loadDoctors } from '../../emulator/index.js';
import { parseSignedLot, signedLotCheck, toHex, sha256 } from '../../protocol/index.js';
import { transmitVerify } from '../machines/index.js';
import { cardWorld, cpsCard, scripted, type CardWorld } from '../machines/test-support.js';
import { lotsMachine, lotsView, type LotsInput, type LotsOutput } from './lots.machine.js';
import { PARIS_CLOCK, putAll, securedFseRecord, tempStore } from './test-support.js';

const doctors = await loadDoctors();
const benali = doctors.find((d) => d.id === 'dr-benali')!;
const PKI = new URL('../../test-vectors/pki/', import.meta.url);
const benaliSignCertificate = new X509Certificate(readFileSync(new URL('doctors/dr-benali-sign.cert.pem', PKI)));
const DEVICE = { agreementNumber: 'BFT-TLA-0001', portable: true };
const MAY_SIGN = { rights: { signFse: true, signLot: true } };

/** The CPS of dr-benali in an in-process reader, optionally with its PIN verified. */
async function cps(options: { verified: boolean; script?: Parameters<typeof scripted>[1] }): Promise<{ world: CardWorld; session: CardSession }> {
  const world = cardWorld('CPS');
  const card = await cpsCard('dr-benali');
  const session = await world.connect(options.script === undefined ? card : scripted(card, options.script));
  if (options.verified) await verifyPin(session);
  return { world, session };
}

async function verifyPin(session: CardSession): Promise<void> {
  const pin = new Uint8Array(8).fill(0xff);
  [...benali.pin].forEach((c, i) => (pin[i] = c.charCodeAt(0)));
  const sw = await transmitVerify(session, 1, pin);
  if (sw !== 0x9000) throw new Error(`VERIFY answered ${sw.toString(16)}`);
}

function start(input: LotsInput): { actor: Actor<typeof lotsMachine>; done: Promise<LotsOutput>; pinNeeded: number[] } {
  const actor = createActor(lotsMachine, { input });
  const pinNeeded: number[] = [];
  actor.on('lots.pin-needed', () => pinNeeded.push(1));
  actor.start();
  return { actor, done: toPromise(actor), pinNeeded };
}

/** Checks every lot of the store: the CPS signature verifies against the doctor's certificate, the digests match the FSEs. */
async function checkLots(t: import('ava').ExecutionContext, store: TerminalStore): Promise<void> {
  for (const summary of await store.listLots()) {
    const stored = await store.getLot(summary.id);
    const parsed = parseSignedLot(stored.bytes);
    t.true(parsed.ok, `lot ${summary.id} parses`);
    if (!parsed.ok) continue;
    const check = signedLotCheck(parsed.value);
    t.true(new X509Certificate(check.certificate).publicKey.equals(benaliSignCertificate.publicKey), 'the lot carries the CPS signature certificate');
    t.true(verify('sha256', check.data, benaliSignCertificate.publicKey, check.signature), `lot ${summary.id}: the CPS signature verifies`);
    t.deepEqual(stored.signature, parsed.value.cps.signature);
    const { lot } = parsed.value;
    t.is(lot.destination, summary.destination);
    t.is(lot.lotNumber, summary.number);
    t.true(lot.portable);
    t.is(lot.deviceAgreement, 'BFT-TLA-0001');
    t.is(lot.createdAt, '2026-03-14T10:00:00+01:00');
    t.deepEqual(lot.fses.map((e) => e.invoiceNumber), [...stored.fseIds]);
    for (const entry of lot.fses) t.is(toHex(entry.digest), toHex(sha256((await store.getFse(entry.invoiceNumber)).bytes)), `digest of FSE ${entry.invoiceNumber}`);
  }
}

test('lots per destination, numbered from 001, signed with the CPS; the FSEs go in-lot; a bad FSE stays out', async (t) => {
  const store = await tempStore();
  const { world, session } = await cps({ verified: true });
  await putAll(store, [
    ...[11, 12, 13].map((id) => securedFseRecord(id, { regime: '01', caisse: '751' })),
    ...[21, 22].map((id) => securedFseRecord(id, { regime: '01', caisse: '691' })),
    securedFseRecord(31, { regime: '02', caisse: '741' }),
  ]);
  await store.putFse({ id: 99, capturedAt: 0, destination: '751', amountCents: 1, securingMode: 'F', bytes: Uint8Array.of(0xe2, 0x00) });
  const output = await start({ store, channel: session, clock: PARIS_CLOCK, device: DEVICE, situation: MAY_SIGN }).done;
  t.is(output.result, 'done');
  t.deepEqual(output.built.map((l) => [l.destination, l.number, l.fseCount]), [['002', 1, 1], ['691', 1, 2], ['751', 1, 3]]);
  t.deepEqual(output.unbatchable.map((u) => [u.id, u.reason]), [[99, 'bad-bytes']]);
  t.deepEqual((await store.listFses({ state: 'stored' })).map((f) => f.id), [99]);
  t.is((await store.listFses({ state: 'in-lot' })).length, 6);
  await checkLots(t, store);
  await world.close();
  await store.close();
});

test('1,002 FSEs for one destination make two lots, 999 and 3; after lot 999 the numbering wraps to 001', async (t) => {
  const store = await tempStore();
  const { world, session } = await cps({ verified: true });
  // 998 earlier lots of 751 (the counter at 998), acknowledged and freed.
  for (let n = 1; n <= 998; n++) {
    await store.putFse(securedFseRecord(5_000 + n));
    await store.createLot({ destination: '751', number: n, fseIds: [5_000 + n], bytes: Uint8Array.of(n & 0xff), signature: Uint8Array.of(1) });
  }
  await store.acknowledge({ lotIds: (await store.listLots()).map((l) => l.id) });
  await store.free();
  await putAll(store, Array.from({ length: 1002 }, (_, i) => securedFseRecord(1002 - i)));
  const output = await start({ store, channel: session, clock: PARIS_CLOCK, device: DEVICE, situation: MAY_SIGN }).done;
  t.is(output.result, 'done');
  t.deepEqual(output.built.map((l) => [l.number, l.fseCount]), [[999, 999], [1, 3]]);
  t.is(await store.nextLotNumber('751'), 2);
  const first = await store.getLot(output.built[0]!.id);
  t.is(first.fseIds[0], 1);
  t.is(first.fseIds.at(-1), 999);
  await checkLots(t, store);
  await world.close();
  await store.close();
});

test('a CPS pulled during the signature leaves no lot and every FSE stored', async (t) => {
  const store = await tempStore();
  let signing!: () => void;
  const reachedSignature = new Promise<void>((resolve) => (signing = resolve));
  const isPsoCds = (c: Uint8Array) => c[1] === 0x2a && c[2] === 0x9e;
  const { world, session } = await cps({ verified: true, script: (c) => (isPsoCds(c) ? (signing(), 'hang') : undefined) });
  await putAll(store, [1, 2, 3].map((id) => securedFseRecord(id)));
  const run = start({ store, channel: session, clock: PARIS_CLOCK, device: DEVICE, situation: MAY_SIGN });
  await reachedSignature;
  await world.transport.remove('CPS');
  const output = await run.done;
  t.is(output.result, 'failed');
  t.deepEqual(output.failure, { kind: 'card-removed' });
  t.deepEqual(await store.listLots(), []);
  t.deepEqual((await store.listFses({ state: 'stored' })).map((f) => f.id), [1, 2, 3]);
  t.is(await store.nextLotNumber('751'), 1, 'no lot number spent');
  await world.close();
  await store.close();
});

test('a lapsed CPS session: the card answers 6982, the PIN is asked again, then the same lot is signed', async (t) => {
  const store = await tempStore();
  const { world, session } = await cps({ verified: false });
  await putAll(store, [1, 2].map((id) => securedFseRecord(id)));
  const run = start({ store, channel: session, clock: PARIS_CLOCK, device: DEVICE, situation: MAY_SIGN });
  await new Promise<void>((resolve) => run.actor.subscribe((s) => s.matches('needsPin') && resolve()));
  t.deepEqual(run.pinNeeded, [1], 'lots.pin-needed emitted once');
  t.deepEqual(lotsView(run.actor.getSnapshot()), { kind: 'cps-lapsed' });
  t.deepEqual(await store.listLots(), [], 'nothing written while the PIN is missing');
  await verifyPin(session); // what the CPS session's PIN entry does on the card
  run.actor.send({ type: 'cps.authenticated' });
  const output = await run.done;
  t.is(output.result, 'done');
  t.deepEqual(output.built.map((l) => [l.number, l.fseCount]), [[1, 2]]);
  t.is(run.actor.getSnapshot().context.pinRequests, 1);
  await checkLots(t, store);
  await world.close();
  await store.close();
});

test('cancel while the PIN is asked: no lot, the FSEs stay stored', async (t) => {
  const store = await tempStore();
  const { world, session } = await cps({ verified: false });
  await putAll(store, [securedFseRecord(7)]);
  const run = start({ store, channel: session, clock: PARIS_CLOCK, device: DEVICE, situation: MAY_SIGN });
  await new Promise<void>((resolve) => run.actor.subscribe((s) => s.matches('needsPin') && resolve()));
  run.actor.send({ type: 'key.cancel' });
  const output = await run.done;
  t.is(output.result, 'cancelled');
  t.deepEqual(await store.listLots(), []);
  t.deepEqual((await store.listFses({ state: 'stored' })).map((f) => f.id), [7]);
  await world.close();
  await store.close();
});

test('pure transitions: no lot right → failed; nothing stored → done; 6982 → needsPin with the emit; card.removed while waiting → failed', async (t) => {
  const store = await tempStore();
  const base = { store, channel: { transmit: () => Promise.reject(new Error('unused')), transmitRaw: () => Promise.reject(new Error('unused')) }, clock: PARIS_CLOCK, device: DEVICE };
  const [refused] = initialTransition(lotsMachine, { ...base, situation: { rights: { signFse: true, signLot: false } } });
  t.true(refused.matches('failed'));
  t.deepEqual(refused.context.failure, { kind: 'not-allowed' });
  t.deepEqual(refused.output?.result, 'failed');

  const [planning] = initialTransition(lotsMachine, { ...base, situation: MAY_SIGN });
  t.true(planning.matches('planning'));
  const [empty] = transition(lotsMachine, planning, { type: 'xstate.done.actor.0.lots.planning', output: { groups: [], unbatchable: [] } } as never);
  t.true(empty.matches('done'));

  const group = { destination: '751', entries: [] };
  const [reading] = transition(lotsMachine, planning, { type: 'xstate.done.actor.0.lots.planning', output: { groups: [group], unbatchable: [] } } as never);
  t.true(reading.matches('readingCertificate'));
  const [signing] = transition(lotsMachine, reading, { type: 'xstate.done.actor.0.lots.readingCertificate', output: new Uint8Array(3) } as never);
  t.true(signing.matches('signing'));
  const { CardOperationError } = await import('../machines/index.js');
  const [waiting, actions] = transition(lotsMachine, signing, { type: 'xstate.error.actor.0.lots.signing', error: new CardOperationError({ kind: 'card-refused', sw: 0x6982, command: 'PSO CDS' }) } as never);
  t.true(waiting.matches('needsPin'));
  t.deepEqual(actions.map((a) => a.type), ['xstate.stopChild', 'xstate.emit'], 'the signing actor stops, lots.pin-needed is emitted');
  t.is(waiting.context.pinRequests, 1);
  const [refusedOther] = transition(lotsMachine, signing, { type: 'xstate.error.actor.0.lots.signing', error: new CardOperationError({ kind: 'card-refused', sw: 0x6a82, command: 'PSO CDS' }) } as never);
  t.true(refusedOther.matches('failed'));
  const [removed] = transition(lotsMachine, waiting, { type: 'card.removed' });
  t.true(removed.matches('failed'));
  t.deepEqual(removed.context.failure, { kind: 'card-removed' });
  t.deepEqual(lotsView(removed), { kind: 'card-removed', duringOperation: true });
  await store.close();
});
