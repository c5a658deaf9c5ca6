/**
 * The JSON Schemas of the teleservice's routes: fastify validates requests
 * and serialises answers with them, and @fastify/swagger builds the
 * OpenAPI document from them (one source of truth, OURS).
 * @module
 */
import { TELESERVICE_ERRORS } from './errors.js';

/** Base64 or base64url text (the inputs accept both alphabets; answers use base64url). */
const BINARY = '^[A-Za-z0-9+/_-]+={0,2}$';
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const RPPS = '^[0-9]{11}$';
const NIR = '^[0-9]{6}[0-9AB][0-9]{8}$';

const date = { type: 'string', pattern: DATE } as const;
const period = {
  type: 'object',
  required: ['start'],
  additionalProperties: false,
  properties: { start: date, end: date },
} as const;

/** The shared schemas, added to fastify by `$id` and to the OpenAPI document's components. */
export const SHARED_SCHEMAS = [
  {
    $id: 'Error',
    description: 'Every error answer (4xx): a machine code and a sentence for people.',
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: Object.keys(TELESERVICE_ERRORS) },
          message: { type: 'string' },
        },
      },
    },
  },
  { $id: 'Period', description: 'A validity period, `end` inclusive; no `end`: open-ended.', ...period },
] as const;

const ERROR = { $ref: 'Error#' } as const;
const PERIOD = { $ref: 'Period#' } as const;
const errors = { '4xx': ERROR } as const;

/** `POST /v1/auth/challenge`. */
export const challengeSchema = {
  summary: 'Ask for a challenge for the CPS to sign',
  description: 'Give the professional\'s RPPS number, or the CPS authentication certificate (DER) from which it is read. A locked-out professional gets 423.',
  tags: ['authentication'],
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      rpps: { type: 'string', pattern: RPPS },
      certificate: { type: 'string', pattern: BINARY, maxLength: 8192, description: 'CPS authentication certificate, DER, base64' },
    },
  },
  response: {
    200: {
      description: 'a challenge for this professional, usable once before it expires',
      type: 'object',
      required: ['challengeId', 'challenge', 'expiresAt'],
      additionalProperties: false,
      properties: {
        challengeId: { type: 'string' },
        challenge: { type: 'string', pattern: BINARY, description: '32 random bytes, base64url: the CPS signs these bytes' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
    ...errors,
  },
} as const;

/** `POST /v1/auth/token`. */
export const tokenSchema = {
  summary: 'Answer a challenge with the CPS signature and get a bearer token',
  description: 'The signature is RSA PKCS#1 v1.5 with SHA-256 over the challenge bytes, by the CPS authentication key (key 1). A failed answer counts towards the lock-out.',
  tags: ['authentication'],
  body: {
    type: 'object',
    required: ['challengeId', 'signature', 'certificate'],
    additionalProperties: false,
    properties: {
      challengeId: { type: 'string', minLength: 1, maxLength: 64 },
      signature: { type: 'string', pattern: BINARY, maxLength: 1024, description: 'base64' },
      certificate: { type: 'string', pattern: BINARY, maxLength: 8192, description: 'CPS authentication certificate, DER, base64' },
    },
  },
  response: {
    200: {
      description: 'a bearer token for this professional',
      type: 'object',
      required: ['token', 'tokenType', 'expiresAt', 'professional'],
      additionalProperties: false,
      properties: {
        token: { type: 'string', description: 'opaque; send it as "Authorization: Bearer <token>"' },
        tokenType: { type: 'string', enum: ['Bearer'] },
        expiresAt: { type: 'string', format: 'date-time' },
        professional: {
          type: 'object',
          required: ['rpps', 'name'],
          additionalProperties: false,
          properties: { rpps: { type: 'string', pattern: RPPS }, name: { type: 'string' } },
        },
      },
    },
    ...errors,
  },
} as const;

const coverageFlags = { type: 'boolean' } as const;

/** `POST /v1/rights`. */
export const rightsSchema = {
  summary: 'Look up a beneficiary\'s rights (ADRi-like)',
  description: 'By the carte Vitale\'s data (NIR, birth date, rank, card serial) or by NIR + birth date + rank. Rights closed on the date are an answer (200), not an error.',
  tags: ['rights'],
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    required: ['nir', 'birthDate', 'birthRank'],
    additionalProperties: false,
    properties: {
      nir: { type: 'string', pattern: NIR, description: 'the beneficiary\'s NIR or the insured\'s' },
      birthDate: date,
      birthRank: { type: 'integer', minimum: 1, maximum: 9 },
      cardSerial: { type: 'string', pattern: '^[0-9]{10}$' },
      date: { ...date, description: 'rights on this date (default: the server\'s today, UTC)' },
    },
  },
  response: {
    200: {
      description: 'the beneficiary\'s rights on the query date (possibly closed)',
      type: 'object',
      required: ['queryDate', 'card', 'patient', 'insured', 'baseRights', 'c2s', 'exoneration', 'medecinTraitant'],
      additionalProperties: false,
      properties: {
        queryDate: date,
        card: {
          type: 'object',
          required: ['serialNumber', 'generation'],
          additionalProperties: false,
          properties: { serialNumber: { type: 'string' }, generation: { type: 'string', enum: ['vitale-1', 'vitale-2'] } },
        },
        patient: {
          type: 'object',
          required: ['nir', 'lastName', 'firstName', 'birthDate', 'birthRank', 'quality'],
          additionalProperties: false,
          properties: {
            nir: { type: 'string', pattern: NIR },
            lastName: { type: 'string' },
            usualName: { type: 'string' },
            firstName: { type: 'string' },
            birthDate: date,
            birthRank: { type: 'integer' },
            quality: { type: 'string', pattern: '^[0-9]{2}$' },
          },
        },
        insured: {
          type: 'object',
          required: ['nir', 'regime', 'caisse', 'centre', 'codeGestion'],
          additionalProperties: false,
          properties: {
            nir: { type: 'string', pattern: NIR },
            lastName: { type: 'string' },
            firstName: { type: 'string' },
            regime: { type: 'string' },
            caisse: { type: 'string' },
            centre: { type: 'string' },
            codeGestion: { type: 'string' },
          },
        },
        baseRights: {
          type: 'object',
          required: ['open', 'periods'],
          additionalProperties: false,
          properties: { open: { type: 'boolean' }, current: PERIOD, periods: { type: 'array', items: PERIOD } },
        },
        c2s: {
          type: 'object',
          required: ['covered', 'participation'],
          additionalProperties: false,
          properties: { covered: coverageFlags, participation: coverageFlags, period: PERIOD },
        },
        exoneration: {
          type: 'object',
          required: ['ald', 'maternity', 'invalidity'],
          additionalProperties: false,
          properties: { ald: coverageFlags, maternity: coverageFlags, invalidity: coverageFlags, period: PERIOD },
        },
        medecinTraitant: {
          type: 'object',
          required: ['declared'],
          additionalProperties: false,
          properties: { declared: { type: 'boolean' }, rpps: { type: 'string', pattern: RPPS }, lastName: { type: 'string' }, firstName: { type: 'string' } },
        },
      },
    },
    ...errors,
  },
} as const;
