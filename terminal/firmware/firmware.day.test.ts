// The firmware end to end: the emulator's real cards in-process, a real
// store, a SimulatedClock, and a host on the other end of an in-memory
// link: boot, CPS, PIN, three visits (C2S with a Vitale 2, a Vitale 1, a
// degraded one), the lots signed with the CPS, then the host's sync (list,
// fetch, verify, acknowledge, freed).
import test from 'ava';
import { X509Certificate, verify } from 'node:crypto';
import { parseSignedLot, signedLotCheck, toHex, type LinkFseEntry, sha256, verifySecuredFse, LOT_LINK_FLAG } from '../../protocol/index.js';
import { authenticate, CA_PEM, chooseActs, dismiss, keyIn, newVisit, rig, text, transfer, visitWithVitale } from './test-support.js';

test('a home-visit day: three visits (S, F, D), lots signed, the host fetches, verifies and acknowledges; all freed', async (t) => {
  const r = await rig({ host: true });
  const host = r.host!;
  try {
    t.like(await host.request({ kind: 'identify' }), { kind: 'identity', serial: 'BF000042', agreementNumber: 'BF-TLA-0001' });
    t.like(await host.request({ kind: 'list-fses' }), { kind: 'error' }, 'outside "Transfert poste" the terminal answers busy');
    await authenticate(r, 'dr-garnier');

    // 1. C2S, Vitale 2 in the slot before the visit: full third party, mode S.
    await r.insertVitale('pt-c2s');
    const c2s = await visitWithVitale(r, 0, ['VG', 'MD']);
    t.like(c2s, { result: 'stored', stored: { invoiceNumber: 1, securing: 'S' } });
    t.is(text(r.firmware.display()), 'FSE enregistree|No 1|Securisee Vitale|Valider');
    await dismiss(r);
    await r.transport.remove('Vitale');
    r.clock.increment(2000);

    // 2. Vitale 1 inserted once the capture waits for it: mode F.
    await newVisit(r);
    await r.until('waiting for the Vitale', (s) => s.capture === 'waitingVitale');
    t.is(text(r.firmware.display()), 'Inserer carte Vitale||Valider: sans carte|(mode degrade)');
    await r.insertVitale('pt-vitale1');
    await r.until('beneficiary choice', (s) => s.capture === 'choosingBeneficiary');
    r.press('key.validate');
    await r.until('acts', (s) => s.capture === 'choosingActs');
    chooseActs(r, ['VG']);
    await r.until('review', (s) => s.capture === 'reviewing');
    r.press('key.validate');
    await r.until('stored', (s) => s.lastVisit !== undefined);
    t.like(r.firmware.state().lastVisit, { result: 'stored', stored: { invoiceNumber: 2, securing: 'F' } });
    await dismiss(r);
    await r.transport.remove('Vitale');
    r.clock.increment(2000);

    // 3. Degraded: no Vitale, the patient keyed in: mode D.
    await newVisit(r);
    await r.until('waiting for the Vitale', (s) => s.capture === 'waitingVitale');
    r.press('key.validate');
    keyIn(r, '269054958815780');
    keyIn(r, '12051969');
    keyIn(r, '1');
    await r.until('acts', (s) => s.capture === 'choosingActs');
    chooseActs(r, ['VG'], { km: 7 });
    await r.until('review', (s) => s.capture === 'reviewing');
    t.is(r.firmware.display()[2].trim(), 'Mode degrade');
    r.press('key.validate');
    await r.until('stored', (s) => s.lastVisit !== undefined);
    t.like(r.firmware.state().lastVisit, { result: 'stored', stored: { invoiceNumber: 3, securing: 'D' } });
    await dismiss(r);
    r.press('key.cancel');
    await r.until('idle counts three FSEs', (s) => s.device === 'on.idle' && s.held?.fses === 3);
    t.regex(text(r.firmware.display()), /^CPS prete\|.+\|3 FSE - 0 lot\(s\)\|Batterie \d+%$/);

    // The lots, then the host's sync.
    await transfer(r);
    await r.until('serving the host', (s) => s.transfer === 'serving');
    const built = r.firmware.state().lastLots;
    t.is(built?.result, 'done');
    t.true((built?.built.length ?? 0) >= 1);
    t.is(built?.built.reduce((n, l) => n + l.fseCount, 0), 3);
    await r.until('lots counted', (s) => s.held?.lots === built!.built.length);
    t.is(text(r.firmware.display()), `Transfert en cours|3 FSE - ${built!.built.length} lot(s)|${built!.built.length} lot(s) signe(s)|Valider: terminer`);
    t.is(r.firmware.state().slots.cps, 'ready.idle', 'the CPS slot was told the signing ended');

    const list = await host.request({ kind: 'list-fses' });
    if (list.kind !== 'fse-list') return t.fail(`list: ${JSON.stringify(list)}`);
    const fses = list.fses.filter((e: LinkFseEntry) => e.id < LOT_LINK_FLAG);
    const lots = list.fses.filter((e: LinkFseEntry) => e.id >= LOT_LINK_FLAG);
    t.deepEqual(fses.map((e) => e.id), [1, 2, 3]);
    const digests = new Map<number, string>();
    const modes: string[] = [];
    for (const entry of fses) {
      const fetched = await host.request({ kind: 'fetch-fse', id: entry.id });
      if (fetched.kind !== 'fse') return t.fail(`fetch ${entry.id}`);
      const verdict = verifySecuredFse(fetched.bytes, { ca: CA_PEM });
      t.true(verdict.ok, `FSE ${entry.id} verifies against the test CA`);
      if (verdict.ok) modes.push(verdict.value.fse.securing);
      digests.set(entry.id, toHex(sha256(fetched.bytes)));
    }
    t.deepEqual(modes, ['S', 'F', 'D']);
    for (const entry of lots) {
      const fetched = await host.request({ kind: 'fetch-lot', id: entry.id });
      if (fetched.kind !== 'lot') return t.fail(`fetch lot ${entry.id}`);
      const parsed = parseSignedLot(fetched.bytes);
      if (!parsed.ok) return t.fail('the lot parses');
      const check = signedLotCheck(parsed.value);
      t.true(verify('sha256', check.data, new X509Certificate(check.certificate).publicKey, check.signature), 'the lot CPS signature verifies');
      t.true(parsed.value.lot.portable);
      t.is(parsed.value.lot.deviceAgreement, 'BF-TLA-0001');
      for (const e of parsed.value.lot.fses) t.is(toHex(e.digest), digests.get(e.invoiceNumber) ?? '', `lot digest of FSE ${e.invoiceNumber}`);
    }
    const acknowledged = await host.request({ kind: 'acknowledge', ids: lots.map((e) => e.id) });
    t.like(acknowledged, { kind: 'acknowledged' });
    await r.until('the display counts nothing left', (s) => s.held?.fses === 0 && s.held.lots === 0);
    t.deepEqual(await r.firmware.store!.listFses(), []);
    r.press('key.validate');
    await r.until('menu', (s) => s.device === 'on.menu' && s.transfer === undefined);

    // Invoice numbers are never given again after free().
    await r.insertVitale('pt-c2s');
    t.like(await visitWithVitale(r, 0, ['VG']), { result: 'stored', stored: { invoiceNumber: 4 } });
  } finally {
    await r.close();
  }
});
