// Rights lookup (ADRi-like, ours) over real loopback HTTP, from the shipped
// personas: the fields CDR showed (DOMAIN.md "Teleservices"), closed rights
// as an answer, unknown and ambiguous people as errors.
import test from 'ava';
import { loadDoctors, loadPatients, type Patient } from '../personas/index.js';
import { createRightsBook } from './rights.js';
import { bearer, startTeleservice, type Running } from './test-support.js';

const code = (body: unknown): string | undefined => (body as { error?: { code?: string } }).error?.code;

async function withService(run: (running: Running, headers: Record<string, string>) => Promise<void>, options = {}): Promise<void> {
  const running = await startTeleservice(options);
  try {
    await run(running, await bearer(running));
  } finally {
    await running.stop();
  }
}

test('a child on a parent\'s card: found by the child\'s own NIR or the insured\'s, with the insured\'s identity and caisse', async (t) => {
  await withService(async (running, headers) => {
    const own = await running.call('POST', '/v1/rights', { nir: '212017405604468', birthDate: '2012-01-28', birthRank: 1 }, headers);
    const byInsured = await running.call('POST', '/v1/rights', { nir: '178047405601862', birthDate: '2012-01-28', birthRank: 1, cardSerial: '1000079190' }, headers);
    t.is(own.status, 200);
    t.deepEqual(byInsured.body, own.body);
    t.like(own.body, {
      queryDate: '2026-11-23',
      card: { serialNumber: '1000079190', generation: 'vitale-2' },
      patient: { nir: '212017405604468', lastName: 'BOUVIER', firstName: 'CAMILLE', quality: '06' },
      insured: { nir: '178047405601862', lastName: 'BOUVIER', firstName: 'THIERRY', regime: '01', caisse: '741', centre: '1001', codeGestion: '10' },
      baseRights: { open: true, current: { start: '2024-01-01', end: '2027-12-31' } },
      c2s: { covered: false, participation: false },
      medecinTraitant: { declared: true, rpps: '99900000029', lastName: 'ROUSSEAU' },
    });
  });
});

test('ALD, C2S and maternity on the query date; no médecin traitant declared', async (t) => {
  await withService(async (running, headers) => {
    const ald = await running.call('POST', '/v1/rights', { nir: '261117511440267', birthDate: '1961-11-02', birthRank: 1 }, headers);
    t.like(ald.body, { exoneration: { ald: true, maternity: false, period: { start: '2023-02-01', end: '2028-01-31' } }, medecinTraitant: { declared: true, rpps: '99900000037' } });
    const c2s = await running.call('POST', '/v1/rights', { nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 }, headers);
    t.like(c2s.body, { c2s: { covered: true, participation: false, period: { start: '2026-02-01', end: '2027-01-31' } }, exoneration: { ald: false } });
    const maternity = await running.call('POST', '/v1/rights', { nir: '295076912350269', birthDate: '1995-07-12', birthRank: 1 }, headers);
    t.like(maternity.body, { exoneration: { maternity: true, ald: false } });
    const before = await running.call('POST', '/v1/rights', { nir: '295076912350269', birthDate: '1995-07-12', birthRank: 1, date: '2026-04-30' }, headers);
    t.like(before.body, { queryDate: '2026-04-30', exoneration: { maternity: false } });
    t.false('period' in (before.body as { exoneration: object }).exoneration);
    const none = await running.call('POST', '/v1/rights', { nir: '191097511549940', birthDate: '1991-09-09', birthRank: 1 }, headers);
    t.deepEqual((none.body as { medecinTraitant: unknown }).medecinTraitant, { declared: false });
  });
});

test('expired rights are a 200 answer with the rights closed', async (t) => {
  await withService(async (running, headers) => {
    const answer = await running.call('POST', '/v1/rights', { nir: '185106912372051', birthDate: '1985-10-14', birthRank: 1 }, headers);
    t.is(answer.status, 200);
    t.like(answer.body, { baseRights: { open: false, periods: [{ start: '2022-07-01', end: '2025-06-30' }] } });
    t.false('current' in (answer.body as { baseRights: object }).baseRights);
  });
});

test('unknown person: wrong rank, wrong birth date, wrong card, unknown NIR → 404 unknown-person', async (t) => {
  await withService(async (running, headers) => {
    for (const query of [
      { nir: '203036912312144', birthDate: '2003-03-30', birthRank: 1 },
      { nir: '185106912372051', birthDate: '1985-10-15', birthRank: 1 },
      { nir: '185106912372051', birthDate: '1985-10-14', birthRank: 1, cardSerial: '9999999999' },
      { nir: '100000000000000', birthDate: '1985-10-14', birthRank: 1 },
    ]) {
      const answer = await running.call('POST', '/v1/rights', query, headers);
      t.is(answer.status, 404);
      t.is(code(answer.body), 'unknown-person');
    }
  });
});

test('the same person on two cards with different rights is ambiguous (409) until the card serial is given', async (t) => {
  const patients = await loadPatients();
  const original = patients.find((p) => p.id === 'pt-expired-rights')!;
  const copy: Patient = {
    ...original,
    id: 'pt-copy',
    card: { ...original.card, serialNumber: '1000000001' },
    beneficiaries: original.beneficiaries.map((b) => ({ ...b, amoRights: [{ start: '2026-01-01' }] })),
  };
  await withService(
    async (running, headers) => {
      const query = { nir: '185106912372051', birthDate: '1985-10-14', birthRank: 1 };
      const ambiguous = await running.call('POST', '/v1/rights', query, headers);
      t.is(ambiguous.status, 409);
      t.is(code(ambiguous.body), 'ambiguous-person');
      const narrowed = await running.call('POST', '/v1/rights', { ...query, cardSerial: '1000000001' }, headers);
      t.like(narrowed.body, { baseRights: { open: true, current: { start: '2026-01-01' } } });
    },
    { personas: { patients: [...patients, copy], doctors: await loadDoctors() } },
  );
});

test('the same person on two cards with the same rights is one answer', async (t) => {
  const patients = await loadPatients();
  const original = patients.find((p) => p.id === 'pt-ald-cancer')!;
  const book = createRightsBook([original, { ...original, id: 'pt-twice', card: { ...original.card, serialNumber: '1000000002' } }], await loadDoctors());
  t.is(book.lookup({ nir: '261117511440267', birthDate: '1961-11-02', birthRank: 1 }, '2026-11-23').card.serialNumber, '1000031676');
});

test('every beneficiary of every persona is found by its own NIR, birth date and rank on its card', async (t) => {
  const [patients, doctors] = [await loadPatients(), await loadDoctors()];
  const book = createRightsBook(patients, doctors);
  let n = 0;
  for (const p of patients) {
    for (const b of p.beneficiaries) {
      const answer = book.lookup({ nir: b.nir, birthDate: b.birthDate, birthRank: b.birthRank, cardSerial: p.card.serialNumber }, '2026-11-23');
      t.is(answer.patient.firstName, b.firstName);
      n++;
    }
  }
  t.true(n > patients.length);
});
