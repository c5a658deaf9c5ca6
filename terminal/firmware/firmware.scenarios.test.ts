// Scenarios of the composed firmware on the emulator's real cards: the
// substitute doctor, a blocked CPS, a card pulled during signing, a full
// store, a low battery, the PIN asked again for the lots, and the idle
// timer counting the keys other machines take.
import test from 'ava';
import { fromCard, openCps, openVitale } from '../../emulator/index.js';
import { scripted } from '../machines/test-support.js';
import { authenticate, CA_PEM, chooseActs, dismiss, newVisit, pinOf, rig, shows, text, transfer, typePin, visitWithVitale } from './test-support.js';
import { verifySecuredFse } from '../../protocol/index.js';

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
