// Scenarios of the composed firmware on the emulator's real cards: the
// substitute doctor, a blocked CPS, a card pulled during signing, a full
// store, a low battery, the PIN asked again for the lots, and the idle
// timer counting the keys other machines take, and a corrupt store the
// host takes and releases.
import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listQuarantined, openTerminalStore } from '../../drivers/index.js';
import { fromCard, openCps, openVitale } from '../../emulator/index.js';
import { takeQuarantine } from '../host/test-support.js';
import { putAll, securedFseRecord } from '../lots/test-support.js';
import { scripted } from '../machines/test-support.js';
import { authenticate, CA_PEM, chooseActs, dismiss, MARCH_2026, newVisit, pinOf, rig, shows, text, transfer, typePin, visitWithVitale } from './test-support.js';
import { LINK_ERROR, verifySecuredFse } from '../../protocol/index.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('a substitute works with their own CPS on the replaced doctor\'s situation: both identities in the FSE', async (t) => {
  const r = await rig();
  try {
    await authenticate(r, 'dr-moreau', 1);
    t.regex(text(r.firmware.display()), /^Rempl\. dr-rousseau\|/);
    await r.insertVitale('pt-ald-diabetes');
    t.like(await visitWithVitale(r, 0, ['VG'], { km: 6 }), { result: 'stored', stored: { invoiceNumber: 1 } });
    const verdict = verifySecuredFse((await r.firmware.store!.getFse(1)).bytes, { ca: CA_PEM });
    if (!verdict.ok) return t.fail(verdict.message);
    t.like(verdict.value.fse.professional, { id: '99900000045', name: 'LUCAS MOREAU' });
    t.truthy(verdict.value.fse.professional.replaced?.billingNumber, 'the replaced doctor is named');
  } finally {
    await r.close();
  }
});

test('three wrong PINs block the CPS: "Carte bloquee", and no visit can start', async (t) => {
  const r = await rig();
  try {
    await r.until('idle', (s) => s.device === 'on.idle');
    await r.insertCps('dr-benali');
    const wrong = (await pinOf('dr-benali')) === '0000' ? '9999' : '0000';
    for (const left of [2, 1]) {
      await r.until('PIN asked', shows('Code porteur'));
      typePin(r.firmware, wrong);
      await r.until(`${left} tries left`, shows(`Code faux - ${left} essai`));
    }
    typePin(r.firmware, wrong);
    await r.until('blocked', (s) => s.cpsSession === 'blocked');
    t.is(text(r.firmware.display()), '|Carte bloquee||Retirer la carte');
    t.false(r.screens.some((lines) => lines.join('').includes(wrong)), 'no PIN on any screen');
    await r.transport.remove('CPS');
    r.clock.increment(2000);
    await newVisit(r);
    await r.until('refused', (s) => s.refusal === 'cps-not-ready');
  } finally {
    await r.close();
  }
});

test('the Vitale pulled while it signs: "Operation abandonnee", the visit fails, nothing stored, the number is not reused', async (t) => {
  const r = await rig();
  try {
    await authenticate(r, 'dr-garnier');
    // A real card that hangs on PSO COMPUTE DIGITAL SIGNATURE until pulled (the emulator answers at once).
    const card = scripted(fromCard(await openVitale('pt-c2s', { stateDir: r.cardDir })), (command) => (command[1] === 0x2a && command[2] === 0x9e ? 'hang' : undefined));
    await r.transport.insert('Vitale', card);
    await r.until('Vitale seen', (s) => s.slots.vitale !== 'empty');
    r.clock.increment(50);
    await r.until('Vitale ready', (s) => s.slots.vitale.startsWith('ready'));
    await newVisit(r);
    await r.until('beneficiary', (s) => s.capture === 'choosingBeneficiary');
    r.press('key.validate');
    await r.until('acts', (s) => s.capture === 'choosingActs');
    chooseActs(r, ['VG']);
    await r.until('review', (s) => s.capture === 'reviewing');
    r.press('key.validate');
    await r.until('signing', (s) => s.capture === 'securing' && s.slots.vitale === 'ready.busy');
    await r.transport.remove('Vitale');
    await r.until('visit failed', (s) => s.lastVisit !== undefined && s.slots.vitale === 'removed');
    t.like(r.firmware.state().lastVisit, { result: 'failed', failure: { kind: 'card-removed' } });
    t.is(text(r.firmware.display()), 'Carte retiree|Operation abandonnee||');
    r.clock.increment(2000);
    await r.until('outcome shown', shows('FSE non enregistree'));
    t.deepEqual(await r.firmware.store!.listFses(), []);
    await dismiss(r);
    await r.insertVitale('pt-c2s');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored', stored: { invoiceNumber: 2 } });
  } finally {
    await r.close();
  }
});

test('a full store refuses the next visit ("Memoire pleine") and spends no invoice number', async (t) => {
  const r = await rig({ capacity: 1 });
  try {
    await authenticate(r, 'dr-garnier');
    await r.insertVitale('pt-c2s');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored', stored: { invoiceNumber: 1 } });
    await dismiss(r);
    await newVisit(r);
    await r.until('refused', (s) => s.lastVisit !== undefined);
    t.like(r.firmware.state().lastVisit, { result: 'refused', problem: 'store-full' });
    t.is(text(r.firmware.display()), 'Saisie impossible|Memoire pleine||Transfert au poste');
    t.is(await r.firmware.store!.getSetting('invoice.last'), 1);
  } finally {
    await r.close();
  }
});

test('low battery: a visit is refused, the transfer still builds the lots and serves the host', async (t) => {
  const r = await rig({ battery: { charge: 120, charging: false }, host: true });
  try {
    await authenticate(r, 'dr-garnier');
    await r.insertVitale('pt-c2s');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored' });
    await dismiss(r);
    r.firmware.send({ type: 'operation.done', operation: 'transfer' });
    for (let i = 0; i < 5; i++) r.firmware.send({ type: 'operation.done', operation: 'capture' });
    await r.until('below the threshold', (s) => s.battery < 100);
    await newVisit(r);
    await r.until('refused', (s) => s.device === 'on.lowBattery');
    r.press('key.cancel');
    await transfer(r);
    await r.until('serving', (s) => s.transfer === 'serving');
    t.is(r.firmware.state().lastLots?.result, 'done');
    t.like(await r.host!.request({ kind: 'list-fses' }), { kind: 'fse-list' });
  } finally {
    await r.close();
  }
});

test('the CPS lapsed before the lots: the run waits, the PIN is asked again through the CPS session, the lot is signed', async (t) => {
  const r = await rig({ sessionLifetimeMs: 50_000 });
  try {
    await authenticate(r, 'dr-garnier');
    await r.insertVitale('pt-c2s');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored' });
    await dismiss(r);
    r.press('key.down');
    r.clock.increment(50_000);
    await r.until('session locked, still in the menu', (s) => s.device === 'on.menu' && s.cpsSession === 'locked');
    r.press('key.validate');
    await r.until('the lot run waits for the PIN', (s) => s.lots === 'needsPin');
    t.regex(text(r.firmware.display()), /^Session CPS expiree\|\|Valider pour\|saisir le code/);
    r.press('key.validate');
    await r.until('PIN asked', shows('Code porteur'));
    typePin(r.firmware, await pinOf('dr-garnier'));
    await r.until('lots signed, serving', (s) => s.transfer === 'serving');
    t.like(r.firmware.state().lastLots, { result: 'done' });
    t.is((await r.firmware.store!.listLots()).length, 1);
  } finally {
    await r.close();
  }
});

test('the idle timer counts the keys the PIN entry takes: a slow PIN does not put the terminal to sleep', async (t) => {
  const r = await rig();
  try {
    await r.until('idle', (s) => s.device === 'on.idle');
    await r.transport.insert('CPS', fromCard(await openCps('dr-garnier', { stateDir: r.cardDir })));
    await r.until('seen', (s) => s.slots.cps !== 'empty');
    r.clock.increment(50);
    await r.until('PIN asked', shows('Code porteur'));
    const pin = await pinOf('dr-garnier');
    for (const digit of pin) {
      r.clock.increment(25_000);
      r.press(Number(digit));
    }
    r.clock.increment(25_000);
    t.is(r.firmware.state().device, 'on.idle', '100 s of PIN entry, never 60 s without a key');
    r.press('key.validate');
    await r.until('authenticated', (s) => s.cpsSession === 'authenticated');
  } finally {
    await r.close();
  }
});

test('a corrupt store end to end: kept aside, captures refused, the host takes every file and releases it, invoices go on from 42', async (t) => {
  let path = '';
  const r = await rig({
    host: true,
    boot: async (dir, clock) => {
      path = join(dir, 'terminal.db');
      const first = await openTerminalStore(path, { capacity: 50, clock });
      if (first.boot !== 'ok') throw new Error('expected a fresh store');
      await putAll(first.store, Array.from({ length: 41 }, (_, i) => securedFseRecord(i + 1)));
      await first.store.setSetting('invoice.last', 41);
      await first.store.close();
      // A flash page gone bad: the fourth 4 KiB page overwritten with 0xFF.
      const bytes = readFileSync(path);
      bytes.fill(0xff, 3 * 4096, 4 * 4096);
      writeFileSync(path, bytes);
      return openTerminalStore(path, { capacity: 50, clock });
    },
  });
  try {
    await r.until('idle', (s) => s.device === 'on.idle');
    t.is(r.firmware.state().storage, 'quarantined');
    const [moved] = listQuarantined(path);
    t.is(moved?.reason, 'corrupt', moved?.detail);
    t.regex(text(r.firmware.display()), /^Memoire illisible\|Saisie impossible\|Connecter le PC/);
    const host = r.host!;
    t.like(await host.request({ kind: 'list-quarantined' }), { kind: 'error', code: LINK_ERROR.busy }, 'the doctor starts the transfer first');

    await authenticate(r, 'dr-garnier');
    await r.insertVitale('pt-c2s');
    await newVisit(r);
    await r.until('refused', (s) => s.refusal === 'storage-quarantined');
    r.press('key.validate');
    await r.until('menu', (s) => s.device === 'on.menu' && s.refusal === undefined);
    await transfer(r);
    await r.until('serving', (s) => s.transfer === 'serving');
    t.is(text(r.firmware.display()), 'Transfert en cours|Memoire illisible||Valider: terminer');

    t.like(await host.request({ kind: 'list-fses' }), { kind: 'error', code: LINK_ERROR.quarantined });
    t.like(await host.request({ kind: 'set-clock', epochMs: MARCH_2026 + 3_600_000, utcOffsetMinutes: 60 }), { kind: 'clock-set', previousEpochMs: r.clock.now() });
    const files = await takeQuarantine(host, 1, 4096);
    t.deepEqual([...files.keys()], moved!.files.map((f) => basename(f)));
    for (const file of moved!.files) t.is(sha256(files.get(basename(file))!), sha256(readFileSync(file)), `${basename(file)} identical`);
    t.like(await host.request({ kind: 'release-quarantined', id: 2, nextInvoiceNumber: 42 }), { kind: 'error', code: LINK_ERROR.notFound });
    t.is(r.firmware.state().storage, 'quarantined', 'a wrong id releases nothing');

    t.like(await host.request({ kind: 'release-quarantined', id: 1, nextInvoiceNumber: 42 }), { kind: 'quarantine-released', id: 1, pending: 0 });
    t.is(r.firmware.state().storage, 'ok', 'the fresh store opened before the answer');
    await r.until('held counted', (s) => s.held !== undefined);
    t.is(text(r.firmware.display()), 'Transfert en cours|0 FSE - 0 lot(s)||Valider: terminer');
    t.like(await host.request({ kind: 'list-fses' }), { kind: 'fse-list', fses: [] });
    t.is(r.firmware.clock().now(), MARCH_2026 + 3_600_000, 'the time the host set in quarantine is kept in the fresh store');
    t.truthy(await r.firmware.store!.getSetting('clock.offset'));

    r.press('key.cancel');
    await r.until('menu', (s) => s.device === 'on.menu');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored', stored: { invoiceNumber: 42 } });
    await dismiss(r);
    r.press('key.cancel');
    await r.until('idle, back to normal', shows('CPS prete'));

    const log = (await r.firmware.store!.readEvents(0, 10)).entries.map((e) => `${e.kind}: ${e.detail}`);
    t.true(log.some((l) => l.startsWith('store.quarantined: quarantaine 0001: corrupt')), log.join('\n'));
    t.true(log.includes('store.quarantine-released: quarantaine 0001 liberee par le poste; factures reprises a 42'), log.join('\n'));
    t.true(existsSync(moved!.movedTo), 'the quarantined file stays on disk');
  } finally {
    await r.close();
  }
});
