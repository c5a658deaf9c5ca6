// The composed firmware against the emulator's real cards (in-process
// transport), a real store in a temporary folder and a SimulatedClock:
// boot, the CPS from insertion to a chosen situation, removal, sleep, the
// refusals (low battery, store in quarantine, no CPS, no capture module).
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTerminalStore } from '../../drivers/index.js';
import { fromCard, openCps } from '../../emulator/index.js';
import { digitKey } from '../ui/index.js';
import { authenticate, newVisit, pinOf, rig, shows, text, typePin } from './test-support.js';

test('boots through self-test, storage and clock checks to the idle screen asking for the CPS', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  t.deepEqual(r.firmware.display().map((l) => l.trim()), ['bifente', 'Inserer carte CPS', '0 FSE - 0 lot(s)', 'Batterie 99%']);
  t.true(r.screens.some((lines) => text(lines).includes('Demarrage...')));
  t.is(r.firmware.state().battery, 995, 'boot drains 5 per mille');
  t.is(r.firmware.state().storage, 'ok');
  await r.close();
});

test('CPS inserted: PIN (masked), situation chosen, CPS ready; pulled: the session ends', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  await r.insertCps('dr-benali');
  await r.until('PIN asked', shows('Code porteur'));
  const pin = await pinOf('dr-benali');
  for (const digit of pin) r.firmware.send(digitKey(Number(digit)));
  t.is(r.firmware.display()[1].trim(), '****');
  r.firmware.send({ type: 'key.validate' });
  await r.until('situation choice', (s) => s.cpsSession === 'choosingSituation');
  t.is(r.firmware.state().device, 'on.idle', 'keys went to the session, not the menu');
  t.is(text(r.firmware.display()), 'Situation 1/2|CABINET DE PEDIATRIE|No 751000043|Valider ou choisir');
  r.firmware.send({ type: 'key.validate' });
  await r.until('authenticated', (s) => s.cpsSession === 'authenticated');
  t.is(r.firmware.state().situation, '751000043');
  t.regex(text(r.firmware.display()), /^CPS prete\|CABINET DE PEDIATRIE\|0 FSE - 0 lot\(s\)\|Batterie \d+%$/);
  t.false(r.screens.some((lines) => lines.join('').includes(pin)), 'the PIN never reaches the display');
  await r.transport.remove('CPS');
  await r.until('session ended', (s) => s.cpsSession === 'ended');
  t.is(r.firmware.state().cpsEnd, 'card-removed');
  t.is(text(r.firmware.display()), '|Carte retiree||');
  r.clock.increment(2000); // removedNotice
  await r.until('asks for a CPS again', shows('Inserer carte CPS'));
  await r.close();
});

test('a wrong PIN shows the tries left and the right one is still accepted', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  await r.insertCps('dr-garnier');
  await r.until('PIN asked', shows('Code porteur'));
  const pin = await pinOf('dr-garnier');
  typePin(r.firmware, pin === '0000' ? '9999' : '0000');
  await r.until('wrong PIN', shows('Code faux - 2 essais'));
  typePin(r.firmware, pin);
  // One billable situation: chosen without asking.
  await r.until('authenticated', (s) => s.cpsSession === 'authenticated');
  t.truthy(r.firmware.state().situation);
  await r.close();
});

test('a CPS already in its reader at boot is read without a new insertion', async (t) => {
  const r = await rig({ before: async (transport, cardDir) => void (await transport.insert('CPS', fromCard(await openCps('dr-garnier', { stateDir: cardDir })))) });
  await r.until('slot sees the card', (s) => s.slots.cps === 'inserted');
  r.clock.increment(50);
  await r.until('PIN asked', (s) => s.cpsSession === 'authenticating');
  t.is(r.firmware.state().slots.vitale, 'empty');
  await r.close();
});

test('after the idle time the terminal sleeps, the display goes dark and the CPS session lapses; a key wakes it', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  await r.insertCps('dr-garnier');
  await r.until('PIN asked', shows('Code porteur'));
  typePin(r.firmware, await pinOf('dr-garnier'));
  await r.until('authenticated', (s) => s.cpsSession === 'authenticated');
  r.clock.increment(60_000);
  await r.until('asleep, session locked', (s) => s.device === 'on.sleep' && s.cpsSession === 'locked');
  t.is(text(r.firmware.display()), '|||');
  r.firmware.send({ type: 'key.down' });
  await r.until('awake', (s) => s.device === 'on.idle');
  t.is(text(r.firmware.display()).split('|').slice(0, 3).join('|'), 'Session CPS expiree|Valider pour|saisir le code');
  r.firmware.send({ type: 'key.validate' });
  await r.until('PIN asked again', shows('Code porteur'));
  t.is(r.firmware.state().device, 'on.idle');
  await r.close();
});

test('low battery: "Nouvelle visite" is refused, the menu comes back', async (t) => {
  const r = await rig({ battery: { charge: 90, charging: false } });
  await r.until('idle', (s) => s.device === 'on.idle');
  r.firmware.send({ type: 'key.validate' });
  r.firmware.send({ type: 'key.validate' });
  await r.until('refused', (s) => s.device === 'on.lowBattery');
  t.is(text(r.firmware.display()), 'Batterie faible|Saisie impossible|Transfert possible|Batterie 8%');
  r.firmware.send({ type: 'key.cancel' });
  await r.until('menu', (s) => s.device === 'on.menu');
  t.is(r.firmware.state().firmware, 'running.standby');
  await r.close();
});

test('a foreign store file is quarantined: the display says so and captures are refused, transfers still open', async (t) => {
  const r = await rig({
    boot: async (dir) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'terminal.db'), 'not a database, a foreign file of 64 bytes...........................');
      return openTerminalStore(join(dir, 'terminal.db'), { capacity: 50 });
    },
  });
  await r.until('idle', (s) => s.device === 'on.idle');
  t.is(r.firmware.state().storage, 'quarantined');
  t.is(r.firmware.store, undefined);
  t.is(text(r.firmware.display()).split('|').slice(0, 3).join('|'), 'Memoire illisible|Saisie impossible|Connecter le PC');
  r.firmware.send({ type: 'key.validate' });
  r.firmware.send({ type: 'key.validate' });
  await r.until('refused', (s) => s.refusal === 'storage-quarantined');
  t.is(text(r.firmware.display()), 'Saisie impossible|Memoire illisible|Connecter le PC|Valider');
  r.firmware.send({ type: 'key.validate' });
  await r.until('menu', (s) => s.device === 'on.menu' && s.refusal === undefined);
  r.firmware.send({ type: 'key.down' });
  r.firmware.send({ type: 'key.validate' });
  await r.until('transfer', (s) => s.device === 'on.transfer' && s.firmware === 'running.serving');
  t.is(text(r.firmware.display()), 'Transfert en cours|Memoire illisible||Valider: terminer');
  r.firmware.send({ type: 'key.cancel' });
  await r.until('menu', (s) => s.device === 'on.menu');
  await r.close();
});

test('"Nouvelle visite" without an authenticated CPS is refused; without a local fund the capture is absent', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  await newVisit(r);
  await r.until('refused', (s) => s.refusal === 'cps-not-ready');
  t.is(r.firmware.display()[1].trim(), 'Carte CPS non prete');
  r.press('key.cancel');
  await r.until('menu', (s) => s.device === 'on.menu' && s.refusal === undefined);
  await r.close();
  const bare = await rig({ noLocalFund: true });
  await authenticate(bare, 'dr-garnier');
  await newVisit(bare);
  await bare.until('refused', (s) => s.refusal === 'capture-unavailable');
  t.is(text(bare.firmware.display()), 'Saisie impossible|Fonction absente||Valider');
  bare.press('key.validate');
  await bare.until('menu', (s) => s.device === 'on.menu' && s.firmware === 'running.standby');
  await bare.close();
});

test('a clock that lost its time fails the boot on the clock step', async (t) => {
  const r = await rig({ at: Date.UTC(2000, 0, 1) });
  await r.until('boot failed', (s) => s.device === 'bootFailed');
  t.regex(r.firmware.state().bootFailure ?? '', /^self-test: no tariff table/);
  await r.close();
  const late = await rig({ at: Date.UTC(2024, 11, 31) });
  await late.until('boot failed', (s) => s.device === 'bootFailed');
  t.regex(late.firmware.state().bootFailure ?? '', /^clock: the clock reads 2024-12-31/);
  t.is(text(late.firmware.display()), 'Demarrage impossible|Echec Horloge||Contacter support');
  await late.close();
});

test('stop() ends the card sessions and is idempotent', async (t) => {
  const r = await rig();
  await r.until('idle', (s) => s.device === 'on.idle');
  await r.insertCps('dr-garnier');
  await r.until('PIN asked', (s) => s.cpsSession === 'authenticating');
  await Promise.all([r.firmware.stop(), r.firmware.stop()]);
  await t.throwsAsync(r.transport.list(), undefined, 'the transport is closed');
  await r.firmware.store?.close();
});
