/**
 * Personas (doctors holding a CPS, patients holding a carte Vitale) and
 * the test PKI's index: types, checks, loaders and seeded generators.
 * @module
 */
export type { Beneficiary, CoveragePeriod, CoverageSituation, Doctor, Insured, IsoDate, Patient, Persona, PracticeMode, Quality, Replacement, RightsPeriod, Situation, Structure } from './types.js';
export { PersonaError, type PersonaErrorCode, type PersonaResult } from './persona-error.js';
export { checkDoctor, checkPatient, checkPersonaSet, type PkiCheck } from './check.js';
export { loadDoctors, loadPatients, loadPersona, loadPersonas, type PersonaSet, type PersonaSource } from './load.js';
export { loadPkiIndex, pkiOnDisk, type CertificateKeyUsage, type PkiEntry, type PkiIndex, type PkiPurpose } from './pki-index.js';
export { generateDoctors, generatePatients } from './generate.js';
export { hasLuhnKey, luhnKey } from './luhn.js';
export { PERSONAS_DIR, PKI_DIR } from './schemas.js';
