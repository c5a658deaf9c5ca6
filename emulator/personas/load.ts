/**
 * Loading personas from `test-vectors/personas/` (or a copy): each file is
 * read, schema-checked and checked by {@link checkDoctor} / {@link checkPatient},
 * then the whole set by {@link checkPersonaSet}. Failures reject with a
 * {@link PersonaError}.
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkDoctor, checkPatient, checkPersonaSet } from './check.js';
import { PersonaError, type PersonaResult } from './persona-error.js';
import { pkiOnDisk } from './pki-index.js';
import { PERSONAS_DIR, PKI_DIR } from './schemas.js';
import type { Doctor, Patient, Persona } from './types.js';

/** Where to load from. */
export interface PersonaSource {
  /** A folder with `doctors/`, `patients/` and `schema/`; default `test-vectors/personas/`. */
  readonly personasDir?: string;
  /** The PKI folder whose `index.json` persona `pki` ids refer to; default `test-vectors/pki/`; `false`: do not check PKI references (scripts/gen-pki.ts, which writes them). */
  readonly pkiDir?: string | false;
}

/** Every shipped persona, checked as a set. */
export interface PersonaSet {
  readonly doctors: readonly Doctor[];
  readonly patients: readonly Patient[];
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PersonaError('unreadable', file, '', 'cannot read the file', { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PersonaError('bad-json', file, '', 'not JSON', { cause });
  }
}

async function loadFolder<T>(dir: string, check: (value: unknown, source: string, fileId: string) => PersonaResult<T>): Promise<T[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (cause) {
    throw new PersonaError('unreadable', dir, '', 'cannot list the folder', { cause });
  }
  const out: T[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const result = check(await readJson(file), file, name.slice(0, -'.json'.length));
    if (!result.ok) throw result.error;
    out.push(result.value);
  }
  return out;
}

/**
 * Load and check every doctor and patient persona, then their references
 * (substitutes, médecins traitants, PKI entries and files).
 */
export async function loadPersonas(source: PersonaSource = {}): Promise<PersonaSet> {
  const dir = source.personasDir ?? PERSONAS_DIR;
  const doctors = await loadFolder(join(dir, 'doctors'), checkDoctor);
  const patients = await loadFolder(join(dir, 'patients'), checkPatient);
  const pkiDir = source.pkiDir ?? PKI_DIR;
  const error = checkPersonaSet(doctors, patients, pkiDir === false ? undefined : await pkiOnDisk(pkiDir));
  if (error) throw error;
  return { doctors, patients };
}

/** Every doctor persona (the whole set is checked, see {@link loadPersonas}). */
export async function loadDoctors(source: PersonaSource = {}): Promise<readonly Doctor[]> {
  return (await loadPersonas(source)).doctors;
}

/** Every patient persona (the whole set is checked, see {@link loadPersonas}). */
export async function loadPatients(source: PersonaSource = {}): Promise<readonly Patient[]> {
  return (await loadPersonas(source)).patients;
}

/**
 * One persona by id (`bifente card serve --persona <id>`), doctor or
 * patient; rejects with code `not-found` when there is none.
 */
export async function loadPersona(id: string, source: PersonaSource = {}): Promise<Persona> {
  const { doctors, patients } = await loadPersonas(source);
  const found = [...doctors, ...patients].find((p) => p.id === id);
  if (found === undefined) throw new PersonaError('not-found', id, '', 'no persona with this id');
  return found;
}
