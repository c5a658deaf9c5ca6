import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition, waitFor, type SnapshotFrom } from 'xstate';
import type { CardChannel } from '../../drivers/index.js';
import { parseSecuredFse, verifySecuredFse } from '../../protocol/index.js';
import { renderCaptureView } from '../ui/capture-screens.js';
import type { KeyEvent } from '../ui/index.js';
import { secureVisitNow, type SecureVisitInput } from './capture-actors.js';
import { CA_PEM, DEVICE, tariffBook, visitWorld, type VisitWorld } from './test-support.js';
import { visitView } from './visit-view.js';
import { visitMachine, type VisitInput } from './visit.machine.js';

const ACT_DATE = '2026-03-14';
const AT = Date.UTC(2026, 2, 14, 8, 41, 7);
const clock = { now: () => AT, utcOffsetMinutes: () => 60 };
const BOOK = tariffBook();
const key = (type: Exclude<KeyEvent['type'], 'key.digit'>): KeyEvent => ({ type }) as KeyEvent;
const digits = (text: string): KeyEvent[] => [...text].map((d) => ({ type: 'key.digit', digit: Number(d) }) as KeyEvent);

function inputOf(world: VisitWorld, extra: Partial<VisitInput> = {}, situation = 0): VisitInput {
  return {
    actDate: ACT_DATE,
    invoiceNumber: 1,
    tariffs: BOOK,
    clock,
    cps: { channel: world.cps, signer: world.signer, situation: world.situations[situation]! },
    device: DEVICE,
    replacedDoctors: world.replacedDoctors,
    store: world.store,
    ...extra,
  };
}

type Snapshot = SnapshotFrom<typeof visitMachine>;
const fakeChannel = {} as CardChannel;

test('pure: a refusal from the device ends at once; otherwise wait for the Vitale', (t) => {
  const world = { cps: fakeChannel, signer: { rpps: '99900000045', name: 'X', certificate: new Uint8Array() }, situations: [{}], replacedDoctors: () => undefined, store: { putFse: () => Promise.reject(new Error('no')) } } as unknown as VisitWorld;
  const [refused] = initialTransition(visitMachine, inputOf(world, { refusal: 'battery-low' }));
  t.is(refused.value, 'refused');
  t.deepEqual(refused.output, { result: 'refused', problem: 'battery-low' });
  const [old] = initialTransition(visitMachine, inputOf(world, { actDate: '2020-01-01' }));
  t.like(old.output, { result: 'refused', problem: 'no-tariff' });
  const [waiting] = initialTransition(visitMachine, inputOf(world));
  t.is(waiting.value, 'waitingVitale');
  const [keyed, actions] = transition(visitMachine, waiting, key('key.validate'));
  t.is(keyed.value, 'keyingPatient');
  t.deepEqual(actions, [], 'assign actions only: no side effect');
  const [typed] = transition(visitMachine, keyed, { type: 'key.digit', digit: 2 } as KeyEvent);
  t.like(typed.context, { entry: '2', entryInvalid: false });
  const [tooEarly] = transition(visitMachine, typed, key('key.validate'));
  t.like(tooEarly.context, { entry: '2', entryInvalid: true, patient: undefined });
  const [cancelled] = transition(visitMachine, keyed, key('key.cancel'));
  t.deepEqual(cancelled.output, { result: 'cancelled' });
  t.deepEqual(renderCaptureView(visitView(waiting as Snapshot)), ['Inserer carte Vitale', '                    ', 'Valider: sans carte ', '   (mode degrade)   ']);
});

interface Run {
  readonly actor: ReturnType<typeof createActor<typeof visitMachine>>;
  send(...events: KeyEvent[]): void;
  state(): string;
}

function start(input: VisitInput, machine = visitMachine): Run {
  const actor = createActor(machine, { input, clock: new SimulatedClock() });
  actor.start();
  return { actor, send: (...events) => events.forEach((e) => actor.send(e)), state: () => JSON.stringify(actor.getSnapshot().value) };
}

const settled = (run: Run) => waitFor(run.actor, (s) => s.status === 'done', { timeout: 5000 });
const at = (run: Run, value: string) => waitFor(run.actor, (s) => s.value === value, { timeout: 5000 });

/** Choose acts by code from the menu, then "Suite". */
function chooseActs(run: Run, codes: readonly string[], km?: number, pdsa = false): void {
  const lines = () => (visitView(run.actor.getSnapshot()) as { items: readonly string[] }).items;
  const moveTo = (match: (line: string) => boolean) => {
    const target = lines().findIndex(match);
    const cursor = run.actor.getSnapshot().context.cursor;
    for (let i = cursor; i < target; i++) run.send(key('key.down'));
    for (let i = cursor; i > target; i--) run.send(key('key.up'));
  };
  for (const code of codes) {
    moveTo((l) => l.startsWith(`[ ] ${code} `));
    run.send(key('key.validate'));
  }
  if (km !== undefined) {
    moveTo((l) => l.startsWith('IK'));
    run.send(key('key.validate'), ...digits(String(km)), key('key.validate'));
  }
  if (pdsa) {
    moveTo((l) => l.startsWith('Urgence'));
    run.send(key('key.validate'));
  }
  moveTo((l) => l === 'Suite');
  run.send(key('key.validate'));
}

async function captureWithVitale(world: VisitWorld, patientId: string, beneficiary: number, codes: readonly string[], km?: number, extra: Partial<VisitInput> = {}) {
  const vitale = await world.insertVitale(patientId);
  const run = start(inputOf(world, { vitale, ...extra }));
  await at(run, 'choosingBeneficiary');
  for (let i = 0; i < beneficiary; i++) run.send(key('key.down'));
  const choice = renderCaptureView(visitView(run.actor.getSnapshot()));
  run.send(key('key.validate'));
  chooseActs(run, codes, km);
  const review = run.actor.getSnapshot();
  t_assertReview(review);
  const reviewScreen = renderCaptureView(visitView(review));
  run.send(key('key.validate'));
  const done = await settled(run);
  await world.removeVitale();
  return { done, choice, reviewScreen, review };
}

function t_assertReview(snapshot: Snapshot): void {
  if (snapshot.value !== 'reviewing') throw new Error(`expected reviewing, got ${JSON.stringify(snapshot.value)}`);
}

async function storedFse(world: VisitWorld, id: number) {
  const stored = await world.store.getFse(id);
  const verdict = verifySecuredFse(stored.bytes, { ca: CA_PEM, cpsCertificate: world.signer.certificate });
  if (!verdict.ok) throw new Error(verdict.message);
  return { stored, secured: verdict.value, verdicts: verdict.verdicts };
}

test('a C2S patient: full third party, mode S, both signatures verify', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const { done, reviewScreen } = await captureWithVitale(world, 'pt-c2s', 0, ['VG', 'MD']);
    t.like(done.output, { result: 'stored', stored: { invoiceNumber: 1, securing: 'S', totalCents: 4000 } });
    t.is(reviewScreen[2].trim(), 'Tiers payant total');
    t.is(reviewScreen[1].trim(), 'A payer 0,00 EUR');
    const { secured, verdicts } = await storedFse(world, 1);
    t.is(secured.fse.thirdParty, '15');
    t.is(secured.fse.capturedAt, '2026-03-14T09:41:07+01:00');
    t.deepEqual(verdicts.map((v) => v.signer), ['vitale', 'cps']);
    t.deepEqual(renderCaptureView(visitView(done))[0], '  FSE enregistree   ');
  } finally {
    await world.close();
  }
});

test('an ALD patient: AMO-only third party at 100 %, IK in the situation zone', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const { done } = await captureWithVitale(world, 'pt-ald-cancer', 0, ['VG'], 8);
    t.like(done.output, { result: 'stored', stored: { securing: 'S' } });
    const { secured } = await storedFse(world, 1);
    t.is(secured.fse.thirdParty, '05');
    t.true(secured.fse.coverage.ald);
    const ik = secured.fse.acts.find((a) => a.code === 'IK');
    t.is(ik?.ik?.oneWayKm, 8);
    t.is(ik?.ik?.zone, world.situations[0]!.ikZone);
  } finally {
    await world.close();
  }
});

test('a child on a parent card: the chosen beneficiary, the parent as insured', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const { done, choice } = await captureWithVitale(world, 'pt-children-on-parent', 1, ['G']);
    t.like(done.output, { result: 'stored' });
    t.regex(choice[0], /Beneficiaire 2\//);
    const { secured } = await storedFse(world, 1);
    t.is(secured.fse.beneficiary.quality, '06');
    t.not(secured.fse.beneficiary.nir, secured.fse.insured.nir);
  } finally {
    await world.close();
  }
});

test('expired rights: shown, still captured, no third party', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const { done, choice, reviewScreen } = await captureWithVitale(world, 'pt-expired-rights', 0, ['VG']);
    t.is(choice[3].trim(), 'Droits expires');
    t.is(reviewScreen[2].trim(), 'Droits expires');
    t.like(done.output, { result: 'stored' });
    const { secured } = await storedFse(world, 1);
    t.false(secured.fse.coverage.rightsValid);
    t.is(secured.fse.thirdParty, '00');
  } finally {
    await world.close();
  }
});

test('a Vitale 1: mode F, the CPS signature alone', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const { done } = await captureWithVitale(world, 'pt-vitale1', 0, ['VG']);
    t.like(done.output, { result: 'stored', stored: { securing: 'F' } });
    const { secured, verdicts } = await storedFse(world, 1);
    t.is(secured.vitale, undefined);
    t.deepEqual(verdicts.map((v) => v.signer), ['cps']);
  } finally {
    await world.close();
  }
});

test('degraded mode: NIR, birth date and rang keyed in, mode D', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const run = start(inputOf(world));
    run.send(key('key.validate'), ...digits('269054958815781'), key('key.validate'));
    t.is(renderCaptureView(visitView(run.actor.getSnapshot()))[3].trim(), 'Saisie invalide');
    run.send(key('key.correction'), ...digits('0'), key('key.validate'));
    run.send(...digits('12051969'), key('key.validate'), ...digits('1'), key('key.validate'));
    t.is(run.state(), '"choosingActs"');
    chooseActs(run, ['VG'], undefined, true);
    t.is(renderCaptureView(visitView(run.actor.getSnapshot()))[2].trim(), 'Mode degrade');
    run.send(key('key.validate'));
    const done = await settled(run);
    t.like(done.output, { result: 'stored', stored: { securing: 'D', totalCents: 3650 } });
    const { secured } = await storedFse(world, 1);
    t.is(secured.fse.beneficiary.nir, '269054958815780');
    t.is(secured.fse.beneficiary.birthDate, '1969-05-12');
    t.true(secured.fse.pdsaUrgent);
    t.is(secured.fse.insured.caisse, DEVICE.localFund.caisse);
  } finally {
    await world.close();
  }
});

test('a substitute: both identities in the FSE, from the replacement registry', async (t) => {
  const world = await visitWorld('dr-moreau');
  try {
    const vitale = await world.insertVitale('pt-ald-diabetes');
    const run = start(inputOf(world, { vitale }, 1));
    await at(run, 'choosingBeneficiary');
    run.send(key('key.validate'));
    chooseActs(run, ['VG'], 6);
    run.send(key('key.validate'));
    t.like((await settled(run)).output, { result: 'stored' });
    const { secured } = await storedFse(world, 1);
    t.like(secured.fse.professional, { id: '99900000045', name: 'LUCAS MOREAU', replaced: { billingNumber: world.replacedDoctors({ doctorId: 'dr-rousseau', situation: 0 })?.billingNumber } });
  } finally {
    await world.close();
  }
});

const STEPS: readonly [string, (run: Run) => Promise<void> | void][] = [
  ['waitingVitale', () => undefined],
  ['choosingBeneficiary', (run) => at(run, 'choosingBeneficiary').then(() => undefined)],
  ['choosingActs', (run) => run.send(key('key.validate'))],
  ['enteringKm', (run) => run.send(key('key.up'), key('key.up'), key('key.up'), key('key.validate'))],
  ['reviewing', (run) => { run.send(key('key.cancel')); }],
];

test('cancel at each step leaves nothing stored', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    for (const [name] of STEPS) {
      const waiting = name === 'waitingVitale';
      const vitale = waiting ? undefined : await world.insertVitale('pt-c2s');
      const run = start(inputOf(world, vitale === undefined ? {} : { vitale }));
      if (!waiting) {
        await at(run, 'choosingBeneficiary');
        if (name !== 'choosingBeneficiary') run.send(key('key.validate'));
        if (name === 'enteringKm') chooseIk(run);
        if (name === 'reviewing') chooseActs(run, ['VG']);
      }
      t.is(run.actor.getSnapshot().value as string, name, name);
      run.send(key('key.cancel'));
      const done = await settled(run);
      t.deepEqual(done.output, { result: 'cancelled' }, name);
      t.is(renderCaptureView(visitView(done))[1].trim(), 'Saisie annulee');
      if (!waiting) await world.removeVitale();
    }
    const keyed = start(inputOf(world));
    keyed.send(key('key.validate'), ...digits('2690'), key('key.cancel'));
    t.like((await settled(keyed)).output, { result: 'cancelled' });
    t.deepEqual(await world.store.listFses(), []);
  } finally {
    await world.close();
  }
});

function chooseIk(run: Run): void {
  const items = (visitView(run.actor.getSnapshot()) as { items: readonly string[] }).items;
  const target = items.findIndex((l) => l.startsWith('IK'));
  for (let i = 0; i < target; i++) run.send(key('key.down'));
  run.send(key('key.validate'));
}

test('the Vitale pulled during signing: clear message, nothing stored', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const vitale = await world.insertVitale('pt-c2s');
    const pulling = visitMachine.provide({
      actors: {
        secureVisit: fromPromise<Awaited<ReturnType<typeof secureVisitNow>>, SecureVisitInput>(async ({ input }) => {
          await world.removeVitale();
          return secureVisitNow(input);
        }),
      },
    });
    const run = start(inputOf(world, { vitale }), pulling);
    await at(run, 'choosingBeneficiary');
    run.send(key('key.validate'));
    chooseActs(run, ['VG']);
    run.send(key('key.validate'));
    const done = await settled(run);
    t.like(done.output, { result: 'failed', failure: { kind: 'card-removed' } });
    t.deepEqual(renderCaptureView(visitView(done)).map((l) => l.trim()), ['FSE non enregistree', 'Carte retiree', '', 'Valider']);
    t.deepEqual(await world.store.listFses(), []);
  } finally {
    await world.close();
  }
});

test('the CPS without its PIN verified: the signature is refused, nothing stored', async (t) => {
  const world = await visitWorld('dr-garnier', { verifyPin: false });
  try {
    const { done } = await captureWithVitale(world, 'pt-c2s', 0, ['VG']);
    t.like(done.output, { result: 'failed', failure: { kind: 'card-refused', sw: 0x6982 } });
    t.is(renderCaptureView(visitView(done))[1].trim(), 'CPS: code requis');
    t.deepEqual(await world.store.listFses(), []);
  } finally {
    await world.close();
  }
});

test('a full store: the commit is refused, the display says so', async (t) => {
  const world = await visitWorld('dr-garnier', { capacity: 1 });
  try {
    t.like((await captureWithVitale(world, 'pt-c2s', 0, ['VG'])).done.output, { result: 'stored' });
    const { done } = await captureWithVitale(world, 'pt-c2s', 0, ['VG'], undefined, { invoiceNumber: 2 });
    t.like(done.output, { result: 'failed', failure: { kind: 'store', code: 'store-full' } });
    t.is(renderCaptureView(visitView(done))[1].trim(), 'Memoire pleine');
    t.is((await world.store.listFses()).length, 1);
    t.true(parseSecuredFse((await world.store.getFse(1)).bytes).ok);
  } finally {
    await world.close();
  }
});
