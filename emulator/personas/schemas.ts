/**
 * The JSON Schemas of personas and of the PKI index, compiled once with
 * ajv (draft 2020-12, the options `test-vectors/vector-files.test.ts` uses).
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PersonaError } from './persona-error.js';

/** `test-vectors/personas/`, where the shipped personas live. */
export const PERSONAS_DIR = fileURLToPath(new URL('../../test-vectors/personas/', import.meta.url));
/** `test-vectors/pki/`, where scripts/gen-pki.ts writes the test PKI. */
export const PKI_DIR = fileURLToPath(new URL('../../test-vectors/pki/', import.meta.url));

const SCHEMA_FILES = {
  doctor: `${PERSONAS_DIR}schema/doctor.schema.json`,
  patient: `${PERSONAS_DIR}schema/patient.schema.json`,
  pkiIndex: `${PKI_DIR}schema/pki-index.schema.json`,
} as const;

/** Which schema. */
export type SchemaName = keyof typeof SCHEMA_FILES;

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILES[name], 'utf8')) as object);
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * Check `value` against a schema; the error says where and which rule
 * failed, never the offending value (ajv's messages do not quote data).
 */
export function checkSchema(name: SchemaName, value: unknown, source: string): PersonaError | undefined {
  const validate = validator(name);
  if (validate(value)) return undefined;
  const first = validate.errors?.[0];
  return new PersonaError('schema', source, first?.instancePath ?? '', `does not match ${name} schema: ${first?.message ?? 'invalid'}`);
}
