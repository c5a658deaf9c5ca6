import test from 'ava';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateNir } from '../../protocol/index.js';
import { loadDoctors, loadPatients, loadPersona, loadPersonas, PersonaError, PERSONAS_DIR, PKI_DIR, type PersonaErrorCode } from './index.js';

test('the shipped personas load with their PKI: at least 4 doctors and 30 patients', async (t) => {
  const { doctors, patients } = await loadPersonas();
  t.true(doctors.length >= 4);
  t.true(patients.length >= 30);
  t.deepEqual(await loadDoctors(), doctors);
  t.deepEqual(await loadPatients(), patients);
  t.true(doctors.every((d) => d.pki !== undefined && d.rpps.startsWith('99')));
  t.true(patients.every((p) => p.pki !== undefined));
});

test('every NIR of every shipped patient is valid', async (t) => {
  const { patients } = await loadPersonas();
  const nirs = patients.flatMap((p) => [p.insured.nir, ...p.beneficiaries.map((b) => b.nir)]);
  t.true(nirs.length > 40);
  for (const nir of nirs) t.deepEqual(validateNir(nir), { valid: true }, nir);
});

test('the shipped patients cover the cases the issue lists', async (t) => {
  const { patients } = await loadPersonas();
  const all = patients.flatMap((p) => p.beneficiaries);
  const periods = all.flatMap((b) => b.coverage);
  const department = (nir: string) => (/^9[78]/.test(nir.slice(5, 7)) ? nir.slice(5, 8) : nir.slice(5, 7));
  const departments = new Set(all.map((b) => department(b.nir)));
  t.true(periods.some((c) => c.ald), 'ALD');
  t.true(periods.some((c) => c.situation === 'c2s'), 'C2S');
  t.true(periods.some((c) => c.situation === 'maternity'), 'maternity');
  t.true(all.some((b) => b.quality === '06'), 'children on a parent\'s card');
  t.true(all.some((b) => b.amoRights.length > 0 && b.amoRights.every((r) => r.end !== undefined && r.end < '2026-01-01')), 'expired rights');
  for (const d of ['2A', '2B', '971', '972', '973', '974', '976', '99']) t.true(departments.has(d), `born in ${d}`);
  t.true(patients.some((p) => p.beneficiaries.length === 6), 'a card with 6 beneficiaries');
  t.true(patients.some((p) => p.card.generation === 'vitale-1'), 'a Vitale 1 card');
  t.true(all.some((b) => /[^\x20-\x7e]/.test(b.firstName) || /[^\x20-\x7e]/.test(b.lastName)), 'Latin-1 names');
});

test('one doctor is a substitute working on other doctors\' situations', async (t) => {
  const { doctors } = await loadPersonas();
  const substitutes = doctors.filter((d) => d.situations.some((s) => s.practiceMode === 'substitute'));
  t.is(substitutes.length, 1);
  const replaced = substitutes[0]!.situations.map((s) => s.replaces?.doctorId);
  t.true(replaced.every((id) => id !== undefined && doctors.some((d) => d.id === id)));
  t.true(doctors.some((d) => d.situations.length === 16), 'a CPS with all 16 situations');
});

test('loadPersona finds doctors and patients by id, and refuses unknown ids', async (t) => {
  t.is((await loadPersona('dr-moreau')).kind, 'doctor');
  t.is((await loadPersona('pt-specimen')).kind, 'patient');
  const error = await t.throwsAsync(loadPersona('pt-nobody'), { instanceOf: PersonaError });
  t.is(error?.code, 'not-found');
});

/** A temporary copy of the personas, changed by `edit(dir)`. */
async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bifente-personas-'));
  await cp(join(PERSONAS_DIR, 'doctors'), join(dir, 'doctors'), { recursive: true });
  await cp(join(PERSONAS_DIR, 'patients'), join(dir, 'patients'), { recursive: true });
  await edit(dir);
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

async function editJson(file: string, change: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(value);
  await writeFile(file, JSON.stringify(value));
}

type Json = Record<string, unknown> & { beneficiaries: Record<string, unknown>[]; situations: Record<string, unknown>[]; insured: Record<string, unknown> };
const patient = (dir: string, id: string) => join(dir, 'patients', `${id}.json`);
const doctor = (dir: string, id: string) => join(dir, 'doctors', `${id}.json`);

const broken: [string, PersonaErrorCode, string, (dir: string) => Promise<void>][] = [
  ['a NIR with a wrong key', 'bad-nir', '/beneficiaries/0/nir', (dir) => editJson(patient(dir, 'pt-specimen'), (v) => { (v as Json).beneficiaries[0]!.nir = '269054958815781'; })],
  ['an insured NIR with a wrong key', 'bad-nir', '/insured/nir', (dir) => editJson(patient(dir, 'pt-corse-2a'), (v) => { (v as Json).insured.nir = '253072A07300470'; })],
  ['a NIR that disagrees with the birth date', 'inconsistent', '/beneficiaries/0/nir', (dir) => editJson(patient(dir, 'pt-student'), (v) => { (v as Json).beneficiaries[0]!.birthDate = '2007-05-15'; })],
  ['an unknown médecin traitant', 'unknown-doctor', '/beneficiaries/0/medecinTraitant', (dir) => editJson(patient(dir, 'pt-specimen'), (v) => { (v as Json).beneficiaries[0]!.medecinTraitant = 'dr-nobody'; })],
  ['a period ending before it starts', 'bad-period', '/beneficiaries/0/amoRights/0', (dir) => editJson(patient(dir, 'pt-specimen'), (v) => { (v as Json).beneficiaries[0]!.amoRights = [{ start: '2026-01-01', end: '2025-01-01' }]; })],
  ['seven beneficiaries', 'schema', '/beneficiaries', (dir) => editJson(patient(dir, 'pt-durand-family'), (v) => { const b = (v as Json).beneficiaries; b.push(b[5]!); })],
  ['a file that is not JSON', 'bad-json', '', (dir) => writeFile(patient(dir, 'pt-specimen'), '{ "id": ')],
  ['an id that is not the file name', 'id-mismatch', '/id', (dir) => editJson(patient(dir, 'pt-specimen'), (v) => { v.id = 'pt-other'; })],
  ['a PIN of 5 digits', 'schema', '/pin', (dir) => editJson(doctor(dir, 'dr-lefebvre'), (v) => { v.pin = '12345'; })],
  ['a billing number with a wrong key', 'bad-key', '/situations/0/billingNumber', (dir) => editJson(doctor(dir, 'dr-rousseau'), (v) => { const s = (v as Json).situations[0]!; s.billingNumber = `${String(s.billingNumber).slice(0, 8)}${(Number(String(s.billingNumber)[8]) + 1) % 10}`; })],
  ['a substitute replacing nobody', 'unknown-doctor', '/situations/0/replaces/doctorId', (dir) => editJson(doctor(dir, 'dr-moreau'), (v) => { (v as Json).situations[0]!.replaces = { doctorId: 'dr-nobody', situation: 0 }; })],
  ['a substitute replacing a missing situation', 'unknown-situation', '/situations/0/replaces/situation', (dir) => editJson(doctor(dir, 'dr-moreau'), (v) => { (v as Json).situations[0]!.replaces = { doctorId: 'dr-lefebvre', situation: 9 }; })],
  ['a substitute situation without replaces', 'bad-replacement', '/situations/0', (dir) => editJson(doctor(dir, 'dr-moreau'), (v) => { delete (v as Json).situations[0]!.replaces; })],
  ['a PKI entry of someone else', 'missing-pki', '/pki/signature', (dir) => editJson(doctor(dir, 'dr-lefebvre'), (v) => { v.pki = { authentication: 'dr-lefebvre-auth', signature: 'dr-rousseau-sign' }; })],
  ['a duplicate id across kinds', 'duplicate-id', '/id', async (dir) => {
    await editJson(patient(dir, 'pt-specimen'), (v) => { v.id = 'dr-lefebvre'; });
    await cp(patient(dir, 'pt-specimen'), patient(dir, 'dr-lefebvre'));
    await rm(patient(dir, 'pt-specimen'));
  }],
];

for (const [title, code, path, edit] of broken) {
  test(`a persona file with ${title} is refused with code ${code}`, async (t) => {
    const copy = await brokenCopy(edit);
    try {
      const error = await t.throwsAsync(loadPersonas({ personasDir: copy.dir }), { instanceOf: PersonaError });
      t.is(error?.code, code);
      t.is(error?.path, path);
      t.true(error?.message.includes(path));
    } finally {
      await copy.done();
    }
  });
}

test('a PIN or unblocking code never appears in an error message', async (t) => {
  for (const [field, secret] of [['pin', '98a7'], ['unblockingCode', '5551234x']] as const) {
    const copy = await brokenCopy((dir) => editJson(doctor(dir, 'dr-lefebvre'), (v) => { v[field] = secret; }));
    try {
      const error = await t.throwsAsync(loadPersonas({ personasDir: copy.dir }), { instanceOf: PersonaError });
      t.is(error?.code, 'schema');
      t.false(error?.message.includes(secret));
      t.false(JSON.stringify(error).includes(secret));
    } finally {
      await copy.done();
    }
  }
});

test('a missing PKI file is refused with code missing-pki', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bifente-pki-'));
  try {
    await cp(PKI_DIR, dir, { recursive: true });
    await rm(join(dir, 'vitale', 'pt-specimen-card.key.pem'));
    const error = await t.throwsAsync(loadPersonas({ pkiDir: dir }), { instanceOf: PersonaError });
    t.is(error?.code, 'missing-pki');
    t.is(error?.source, 'pt-specimen');
    t.regex(error?.message ?? '', /gen-pki/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
