/**
 * Checks beyond the schema: NIR keys (INSEE; protocol's `parseNir`),
 * Luhn keys, periods, NIR against birth date, substitutes' replacements,
 * and the references between personas and to the PKI index.
 * @module
 */
import { parseNir } from '../../protocol/index.js';
import { hasLuhnKey } from './luhn.js';
import { PersonaError, type PersonaResult } from './persona-error.js';
import { checkSchema } from './schemas.js';
import type { Beneficiary, Doctor, Patient, RightsPeriod } from './types.js';
import type { PkiIndex, PkiPurpose } from './pki-index.js';

const ok = <T>(value: T): PersonaResult<T> => ({ ok: true, value });
const refuse = <T>(error: PersonaError): PersonaResult<T> => ({ ok: false, error });

function isRealDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function checkPeriods(periods: readonly RightsPeriod[], source: string, path: string): PersonaError | undefined {
  for (const [i, p] of periods.entries()) {
    const at = `${path}/${i}`;
    if (!isRealDate(p.start)) return new PersonaError('bad-period', source, `${at}/start`, 'not a calendar date');
    if (p.end !== undefined) {
      if (!isRealDate(p.end)) return new PersonaError('bad-period', source, `${at}/end`, 'not a calendar date');
      if (p.end < p.start) return new PersonaError('bad-period', source, at, 'the period ends before it starts');
    }
  }
  return undefined;
}

function checkNir(text: string, source: string, path: string): PersonaError | undefined {
  const parsed = parseNir(text);
  return parsed.ok ? undefined : new PersonaError('bad-nir', source, path, `invalid NIR (${parsed.error.reason})`);
}

function checkBeneficiary(b: Beneficiary, source: string, path: string): PersonaError | undefined {
  const nirError = checkNir(b.nir, source, `${path}/nir`);
  if (nirError) return nirError;
  if (!isRealDate(b.birthDate)) return new PersonaError('bad-period', source, `${path}/birthDate`, 'not a calendar date');
  const parsed = parseNir(b.nir);
  if (parsed.ok) {
    const year = Number(b.birthDate.slice(2, 4));
    const month = Number(b.birthDate.slice(5, 7));
    const { year: nirYear, month: nirMonth } = parsed.value;
    // The NIR records the birth year and, for months 1-12, the birth month; pseudo-months say "unknown".
    if (nirYear !== year || (nirMonth <= 12 && nirMonth !== month)) {
      return new PersonaError('inconsistent', source, `${path}/nir`, 'the NIR does not match the birth date');
    }
  }
  return checkPeriods(b.amoRights, source, `${path}/amoRights`) ?? checkPeriods(b.coverage, source, `${path}/coverage`);
}

/**
 * A doctor persona as read from a file (or generated): schema, id (when
 * `fileId` is given, it must be the file's name), Luhn keys of the RPPS-like
 * id and billing numbers, and the substitute rule (mode `substitute` if and
 * only if `replaces`). References to other doctors are checked by
 * {@link checkPersonaSet}.
 */
export function checkDoctor(value: unknown, source: string, fileId?: string): PersonaResult<Doctor> {
  const schemaError = checkSchema('doctor', value, source);
  if (schemaError) return refuse(schemaError);
  const doctor = value as Doctor;
  if (fileId !== undefined && doctor.id !== fileId) return refuse(new PersonaError('id-mismatch', source, '/id', `the id is not the file name "${fileId}"`));
  if (!hasLuhnKey(doctor.rpps)) return refuse(new PersonaError('bad-key', source, '/rpps', 'wrong Luhn key'));
  for (const [i, s] of doctor.situations.entries()) {
    const at = `/situations/${i}`;
    if (!hasLuhnKey(s.billingNumber)) return refuse(new PersonaError('bad-key', source, `${at}/billingNumber`, 'wrong Luhn key'));
    if ((s.practiceMode === 'substitute') !== (s.replaces !== undefined)) {
      return refuse(new PersonaError('bad-replacement', source, at, 'a substitute situation, and only one, names the situation it replaces'));
    }
  }
  return ok(doctor);
}

/**
 * A patient persona as read from a file (or generated): schema, id, every
 * NIR's key, each beneficiary's NIR against the birth date, periods, and
 * the insured's NIR against the quality 00 beneficiary (when there is one).
 */
export function checkPatient(value: unknown, source: string, fileId?: string): PersonaResult<Patient> {
  const schemaError = checkSchema('patient', value, source);
  if (schemaError) return refuse(schemaError);
  const patient = value as Patient;
  if (fileId !== undefined && patient.id !== fileId) return refuse(new PersonaError('id-mismatch', source, '/id', `the id is not the file name "${fileId}"`));
  const insuredError = checkNir(patient.insured.nir, source, '/insured/nir');
  if (insuredError) return refuse(insuredError);
  for (const [i, b] of patient.beneficiaries.entries()) {
    const error = checkBeneficiary(b, source, `/beneficiaries/${i}`);
    if (error) return refuse(error);
    if (b.quality === '00' && b.nir !== patient.insured.nir) {
      return refuse(new PersonaError('inconsistent', source, `/beneficiaries/${i}/nir`, 'the insured (quality 00) has another NIR than the card\'s insured'));
    }
  }
  return ok(patient);
}

/** Where the PKI files are, for {@link checkPersonaSet}. */
export interface PkiCheck {
  readonly index: PkiIndex;
  /** Whether a file (path relative to the PKI folder) exists. */
  readonly exists: (file: string) => boolean;
}

function checkPkiEntry(pki: PkiCheck, entryId: string, owner: string, purpose: PkiPurpose, path: string): PersonaError | undefined {
  const entry = pki.index.entries.find((e) => e.id === entryId);
  if (entry === undefined) return new PersonaError('missing-pki', owner, path, `no PKI entry "${entryId}"`);
  if (entry.owner !== owner || entry.purpose !== purpose) {
    return new PersonaError('missing-pki', owner, path, `PKI entry "${entryId}" is not the ${purpose} entry of this persona`);
  }
  for (const file of [entry.certificate, entry.key]) {
    if (!pki.exists(file)) return new PersonaError('missing-pki', owner, path, `PKI file ${file} is missing (run npx tsx scripts/gen-pki.ts)`);
  }
  return undefined;
}

/**
 * The references of a whole persona set: ids unique across doctors and
 * patients, each substitute's replaced doctor and situation exist (and are
 * not themselves a substitute's), each médecin traitant is a doctor, and,
 * when `pki` is given, each persona's PKI entries exist, are theirs, have
 * the right purpose and their files are present. Errors name the persona id.
 */
export function checkPersonaSet(doctors: readonly Doctor[], patients: readonly Patient[], pki?: PkiCheck): PersonaError | undefined {
  const seen = new Set<string>();
  for (const p of [...doctors, ...patients]) {
    if (seen.has(p.id)) return new PersonaError('duplicate-id', p.id, '/id', 'two personas have this id');
    seen.add(p.id);
  }
  const byId = new Map(doctors.map((d) => [d.id, d]));
  for (const d of doctors) {
    for (const [i, s] of d.situations.entries()) {
      if (s.replaces === undefined) continue;
      const at = `/situations/${i}/replaces`;
      const replaced = byId.get(s.replaces.doctorId);
      if (replaced === undefined || replaced.id === d.id) return new PersonaError('unknown-doctor', d.id, `${at}/doctorId`, `no other doctor "${s.replaces.doctorId}"`);
      const situation = replaced.situations[s.replaces.situation];
      if (situation === undefined || situation.practiceMode === 'substitute') {
        return new PersonaError('unknown-situation', d.id, `${at}/situation`, `"${replaced.id}" has no own situation ${s.replaces.situation}`);
      }
    }
    if (pki && d.pki) {
      const error =
        checkPkiEntry(pki, d.pki.authentication, d.id, 'cps-authentication', '/pki/authentication') ??
        checkPkiEntry(pki, d.pki.signature, d.id, 'cps-signature', '/pki/signature');
      if (error) return error;
    }
  }
  for (const p of patients) {
    for (const [i, b] of p.beneficiaries.entries()) {
      if (b.medecinTraitant !== undefined && !byId.has(b.medecinTraitant)) {
        return new PersonaError('unknown-doctor', p.id, `/beneficiaries/${i}/medecinTraitant`, `no doctor "${b.medecinTraitant}"`);
      }
    }
    if (pki && p.pki) {
      const error = checkPkiEntry(pki, p.pki.card, p.id, 'vitale-card', '/pki/card');
      if (error) return error;
    }
  }
  return undefined;
}
