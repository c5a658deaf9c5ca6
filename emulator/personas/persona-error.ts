/**
 * The one error type of persona and PKI loading (STYLE.md "Errors":
 * environment failures reject with an error carrying a literal `code`).
 * Messages name the file and the JSON pointer, never a value: a PIN or an
 * unblocking code can never leak through an error.
 * @module
 */

/** Why a persona, the persona set or the PKI index was refused. */
export type PersonaErrorCode =
  /** No persona or file with that id. */
  | 'not-found'
  /** The file could not be read. */
  | 'unreadable'
  /** The file is not JSON. */
  | 'bad-json'
  /** The JSON does not match its schema (`test-vectors/personas/schema/`, `test-vectors/pki/schema/`). */
  | 'schema'
  /** The `id` field is not the file's name. */
  | 'id-mismatch'
  /** Two personas share an id. */
  | 'duplicate-id'
  /** A NIR's key is wrong, or a field breaks a NIR rule. */
  | 'bad-nir'
  /** A NIR disagrees with the birth date, or the insured's NIR with the quality 00 beneficiary. */
  | 'inconsistent'
  /** An RPPS-like identifier or billing number whose Luhn key is wrong. */
  | 'bad-key'
  /** A period ends before it starts, or a date does not exist. */
  | 'bad-period'
  /** A substitute situation without `replaces`, or `replaces` on another mode. */
  | 'bad-replacement'
  /** A reference to a doctor persona that does not exist. */
  | 'unknown-doctor'
  /** A reference to a situation the replaced doctor does not have, or that is itself a substitute's. */
  | 'unknown-situation'
  /** A PKI entry that is missing, belongs to someone else, has the wrong purpose, or whose file is absent. */
  | 'missing-pki';

/** A persona file, the persona set or the PKI index is not usable. */
export class PersonaError extends Error {
  override readonly name = 'PersonaError';
  constructor(
    readonly code: PersonaErrorCode,
    /** The file (or persona id, for generated personas) the error is about. */
    readonly source: string,
    /** JSON pointer of the offending field, `''` for the whole document. */
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${source}${path === '' ? '' : ` at ${path}`}: ${message}`, options);
  }
}

/** A check's outcome: the typed value, or the first error found. */
export type PersonaResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PersonaError };
