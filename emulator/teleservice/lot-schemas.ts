/**
 * JSON Schemas of the lot reception routes (OURS, README "Lot
 * reception"): request validation, answer serialisation and the OpenAPI
 * document, as in `schemas.ts`.
 * @module
 */
const BINARY = '^[A-Za-z0-9+/_-]+={0,2}$';
const ERROR = { $ref: 'Error#' } as const;
const YYMMDD = { type: 'string', pattern: '^[0-9]{6}$' } as const;
const PARTNER = { type: 'string', pattern: '^[0-9]{9}$' } as const;
const DESTINATION = { type: 'string', pattern: '^[0-9]{3}$' } as const;
const LOT_NUMBER = { type: 'integer', minimum: 1, maximum: 999 } as const;
const CENTS = { type: 'integer', minimum: 0 } as const;
const INVOICE = { type: 'integer', minimum: 1, maximum: 999_999_999 } as const;
const REASON = { type: 'string', pattern: '^[A-Z][0-9]{4}$' } as const;
const TIME = { type: 'string', format: 'date-time' } as const;
const security = [{ bearer: [] }];

const receipt = {
  description: 'the lot was received; its verdict is in the ARL',
  type: 'object',
  required: ['receiptId', 'lotHash', 'partner', 'destination', 'lotNumber', 'invoiceCount', 'totalCents', 'amoCents', 'receivedAt', 'arlAvailableAt'],
  additionalProperties: false,
  properties: {
    receiptId: { type: 'string' },
    lotHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the signed lot bytes (the idempotency key)' },
    partner: PARTNER,
    destination: DESTINATION,
    lotNumber: LOT_NUMBER,
    invoiceCount: { type: 'integer', minimum: 1, maximum: 999 },
    totalCents: CENTS,
    amoCents: CENTS,
    receivedAt: TIME,
    arlAvailableAt: TIME,
  },
} as const;

/** `POST /v1/lots`. */
export const lotUploadSchema = {
  summary: 'Send a signed lot and its B2 file',
  description: 'A well-formed lot is received (201; the same signed lot again: 200 and the same receipt) and judged: the ARL tells the verdict after a delay. An unreadable B2 file or signed lot is 422 and stores nothing.',
  tags: ['lots'],
  security,
  body: {
    type: 'object',
    required: ['b2', 'signedLot'],
    additionalProperties: false,
    properties: {
      b2: { type: 'string', pattern: BINARY, minLength: 4, description: 'the B2 file (one lot), base64' },
      signedLot: { type: 'string', pattern: BINARY, minLength: 4, description: 'the signed lot envelope (E4), base64' },
    },
  },
  response: { 200: { ...receipt, description: 'this signed lot was received before: the same receipt' }, 201: receipt, '4xx': ERROR },
} as const;

/** `GET /v1/lots/{receiptId}/arl`. */
export const arlSchema = {
  summary: 'The ARL (accusé de réception logique) of a received lot',
  description: 'Pending (202) until the delay after the reception has passed, then the ARL record and its fields (200).',
  tags: ['lots'],
  security,
  params: { type: 'object', required: ['receiptId'], additionalProperties: false, properties: { receiptId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } },
  response: {
    200: {
      description: 'the ARL: positive, or negative with its reason',
      type: 'object',
      required: ['receiptId', 'arl', 'status', 'destination', 'lotNumber', 'partner', 'receivedOn', 'certification'],
      additionalProperties: false,
      properties: {
        receiptId: { type: 'string' },
        arl: { type: 'string', pattern: BINARY, description: 'the 128-character ARL record (protocol/b2 encodeArl), base64url' },
        status: { type: 'string', enum: ['positive', 'negative'] },
        destination: DESTINATION,
        lotNumber: LOT_NUMBER,
        partner: PARTNER,
        receivedOn: YYMMDD,
        certification: { type: 'string', pattern: '^[0-9A-F]{32}$' },
        reason: REASON,
        label: { type: 'string' },
        invoiceNumber: INVOICE,
        message: { type: 'string' },
      },
    },
    202: {
      description: 'the ARL is not available yet',
      type: 'object',
      required: ['status', 'availableAt'],
      additionalProperties: false,
      properties: { status: { type: 'string', enum: ['pending'] }, availableAt: TIME },
    },
    '4xx': ERROR,
  },
} as const;

const notice = {
  type: 'object',
  required: ['code', 'line', 'label'],
  additionalProperties: false,
  properties: { code: REASON, line: { type: 'integer', minimum: 0, maximum: 99 }, label: { type: 'string' } },
} as const;

/** `GET /v1/returns`. */
export const returnsSchema = {
  summary: 'The NOEMIE-like returns that became available',
  description: 'One return per positively acknowledged lot this professional sent, available a delay after its reception; `since` is the cursor of the previous answer.',
  tags: ['lots'],
  security,
  querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'string', pattern: '^[0-9]{1,15}$' } } },
  response: {
    200: {
      description: 'the new returns, oldest first, and the next cursor',
      type: 'object',
      required: ['returns', 'next'],
      additionalProperties: false,
      properties: {
        next: { type: 'integer', minimum: 0 },
        returns: {
          type: 'array',
          items: {
            type: 'object',
            required: ['returnId', 'receiptId', 'availableAt', 'noemie', 'destination', 'lotNumber', 'partner', 'invoices'],
            additionalProperties: false,
            properties: {
              returnId: { type: 'integer', minimum: 1 },
              receiptId: { type: 'string' },
              availableAt: TIME,
              noemie: { type: 'string', pattern: BINARY, description: 'the NOEMIE-like file (protocol/b2 encodeNoemieReturn), base64url' },
              destination: DESTINATION,
              lotNumber: LOT_NUMBER,
              partner: PARTNER,
              invoices: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['invoiceNumber', 'status', 'rejections', 'warnings'],
                  additionalProperties: false,
                  properties: {
                    invoiceNumber: INVOICE,
                    status: { type: 'string', enum: ['paid', 'rejected'] },
                    paidOn: YYMMDD,
                    amoCents: CENTS,
                    rejections: { type: 'array', items: notice },
                    warnings: { type: 'array', items: notice },
                  },
                },
              },
            },
          },
        },
      },
    },
    '4xx': ERROR,
  },
} as const;
