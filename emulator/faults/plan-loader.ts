/**
 * Checking and loading fault plans with ajv against
 * `test-vectors/faults/schema/fault-plan.schema.json`, the schema the
 * vector-file test also checks the shipped plans with.
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FaultPlan } from './fault-plan.js';

/** `test-vectors/faults/schema/fault-plan.schema.json`. */
export const FAULT_PLAN_SCHEMA = fileURLToPath(new URL('../../test-vectors/faults/schema/fault-plan.schema.json', import.meta.url));

/** Why a plan was refused. */
export type FaultPlanErrorCode = 'unreadable' | 'bad-json' | 'schema';

/**
 * A fault plan that cannot be used. The message names the source and the
 * JSON pointer of the field, never its value (a prefix could hold a PIN).
 */
export class FaultPlanError extends Error {
  override readonly name = 'FaultPlanError';
  constructor(
    readonly code: FaultPlanErrorCode,
    /** The file, or `'api'` for a plan given as an object. */
    readonly source: string,
    /** JSON pointer of the offending field, `''` for the whole document. */
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${source}${path === '' ? '' : ` at ${path}`}: ${message}`, options);
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
    compiled = ajv.compile(JSON.parse(readFileSync(FAULT_PLAN_SCHEMA, 'utf8')) as object);
  }
  return compiled;
}

/**
 * Check `value` against the fault plan schema. Returns it typed, or
 * throws {@link FaultPlanError} with code 'schema' and the field's pointer.
 */
export function checkFaultPlan(value: unknown, source = 'api'): FaultPlan {
  const validate = validator();
  if (validate(value)) return value as FaultPlan;
  const first = validate.errors?.[0];
  throw new FaultPlanError('schema', source, first?.instancePath ?? '', `not a fault plan: ${first?.message ?? 'invalid'}`);
}

/** Read, parse and check a fault plan file; rejects with {@link FaultPlanError}. */
export async function loadFaultPlan(path: string): Promise<FaultPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FaultPlanError('unreadable', path, '', 'cannot read the file', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // No cause: V8's message quotes the text, which must not reach a log.
    throw new FaultPlanError('bad-json', path, '', 'not JSON');
  }
  return checkFaultPlan(value, path);
}
