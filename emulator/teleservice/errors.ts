/**
 * The one error shape of every teleservice route (OURS):
 * `{ error: { code, message } }` with a 4xx status, the `code` a machine
 * code from {@link TELESERVICE_ERRORS}, the `message` a sentence for people.
 * fastify's own failures (bad JSON, wrong content type, body too large,
 * schema validation, rate limit) are mapped to the same shape.
 * @module
 */

/** Every machine code a teleservice answer can carry, with its HTTP status and meaning (the README's table). */
import type { ErrorAnswer } from '../../protocol/index.js';
export const TELESERVICE_ERRORS = {
  'bad-json': { status: 400, meaning: 'the body is not valid JSON' },
  'empty-body': { status: 400, meaning: 'the route needs a JSON body and none came' },
  'invalid-request': { status: 400, meaning: 'the body, query or headers do not match the route\'s schema' },
  'bad-request': { status: 400, meaning: 'the request is malformed at the HTTP level' },
  'missing-token': { status: 401, meaning: 'no `Authorization: Bearer <token>` header' },
  'invalid-token': { status: 401, meaning: 'the bearer token is unknown' },
  'expired-token': { status: 401, meaning: 'the bearer token has expired: authenticate again' },
  'unknown-challenge': { status: 401, meaning: 'no such challenge id' },
  'challenge-used': { status: 401, meaning: 'the challenge was already answered once' },
  'challenge-expired': { status: 401, meaning: 'the challenge expired before it was answered' },
  'bad-certificate': { status: 401, meaning: 'the certificate is not an X.509 DER certificate' },
  'certificate-usage': { status: 401, meaning: 'the certificate is not a CPS authentication certificate (client authentication usage, RPPS in the subject)' },
  'wrong-professional': { status: 401, meaning: 'the certificate names another professional than the challenge' },
  'untrusted-certificate': { status: 401, meaning: 'the certificate was not issued by the trusted CA' },
  'expired-certificate': { status: 401, meaning: 'the certificate is not valid at the server\'s time' },
  'revoked-certificate': { status: 401, meaning: 'the CA revoked the certificate' },
  'bad-signature': { status: 401, meaning: 'the signature over the challenge does not verify with the certificate\'s key' },
  'not-your-lot': { status: 403, meaning: 'the lot\'s signer or partner is not the authenticated professional (nor their substitute)' },
  'unknown-route': { status: 404, meaning: 'no route has this method and path' },
  'unknown-person': { status: 404, meaning: 'no beneficiary matches the NIR, birth date and rank' },
  'unknown-receipt': { status: 404, meaning: 'no lot receipt with this id for this professional' },
  'ambiguous-person': { status: 409, meaning: 'several beneficiaries with different rights match: add the card serial number' },
  'body-too-large': { status: 413, meaning: 'the body is larger than the server accepts' },
  'unsupported-media-type': { status: 415, meaning: 'the body is not application/json' },
  'unreadable-b2': { status: 422, meaning: 'the B2 file does not parse (parseB2File)' },
  'unreadable-lot': { status: 422, meaning: 'the signed lot does not parse (parseSignedLot)' },
  'account-locked': { status: 423, meaning: 'too many failed authentications: the professional is locked out for a while (Retry-After)' },
  'rate-limited': { status: 429, meaning: 'too many requests from this client: slow down (Retry-After)' },
  'internal-error': { status: 500, meaning: 'a bug of the server (never expected; a test fails on it)' },
} as const satisfies Record<string, { readonly status: number; readonly meaning: string }>;

/** A teleservice machine error code. */
export type TeleserviceErrorCode = keyof typeof TELESERVICE_ERRORS;

/** The body of every error answer: protocol's {@link ErrorAnswer} with this server's codes. */
export interface ErrorBody extends ErrorAnswer {
  readonly error: { readonly code: TeleserviceErrorCode; readonly message: string };
}

/**
 * A refusal thrown by a route handler; the error handler turns it into its
 * status and {@link ErrorBody}. `retryAfterSeconds` becomes `Retry-After`.
 */
export class TeleserviceError extends Error {
  override readonly name = 'TeleserviceError';
  readonly status: number;
  constructor(
    readonly code: TeleserviceErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = TELESERVICE_ERRORS[code].status;
  }
}

/** The error body of `code` with `message`. */
export function errorBody(code: TeleserviceErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** What the error handler gets from fastify or a plugin. */
export interface FrameworkError {
  readonly code?: string | undefined;
  readonly statusCode?: number | undefined;
  readonly validation?: unknown;
  readonly message: string;
}

const FASTIFY_CODES: Readonly<Record<string, TeleserviceErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-json',
};

/**
 * Map any error a request met to the teleservice's code and message: ours
 * as they are, fastify's by their code, any other 4xx as `bad-request`,
 * the rest as `internal-error` (with a message that reveals nothing).
 */
export function classifyError(error: unknown): { readonly status: number; readonly body: ErrorBody; readonly retryAfterSeconds?: number } {
  if (error instanceof TeleserviceError) {
    const base = { status: error.status, body: errorBody(error.code, error.message) };
    return error.retryAfterSeconds === undefined ? base : { ...base, retryAfterSeconds: error.retryAfterSeconds };
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as FrameworkError;
  if (e.validation !== undefined) return { status: 400, body: errorBody('invalid-request', e.message) };
  // A JSON.parse failure inside fastify's parser keeps SyntaxError's message with status 400.
  const mapped = e.code === undefined ? undefined : FASTIFY_CODES[e.code];
  if (mapped === 'bad-json') return { status: 400, body: errorBody(mapped, `the body is not valid JSON: ${e.message}`) };
  if (mapped !== undefined) return { status: TELESERVICE_ERRORS[mapped].status, body: errorBody(mapped, TELESERVICE_ERRORS[mapped].meaning) };
  if (e.statusCode === 429) return { status: 429, body: errorBody('rate-limited', e.message) };
  if (error instanceof SyntaxError && e.statusCode === 400) return { status: 400, body: errorBody('bad-json', `the body is not valid JSON: ${e.message}`) };
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return { status: e.statusCode, body: errorBody('bad-request', e.message) };
  return { status: 500, body: errorBody('internal-error', 'the teleservice failed internally') };
}
