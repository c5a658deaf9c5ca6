/**
 * The emulated teleservices (issue 7, OURS: no public API exists for ADRi,
 * DOMAIN.md "Teleservices"): a real HTTP server (fastify) with CPS
 * authentication, rights lookup, one error shape, body and rate limits, and
 * its OpenAPI document at {@link OPENAPI_PATH}, over a SQLite store.
 * fastify and better-sqlite3 load when a teleservice is created.
 * @module
 */
import { randomBytes as nodeRandomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ChallengeRequest, LotUpload, RightsQuery, TokenRequest } from '../../protocol/index.js';
import { loadDoctors, loadPatients, PKI_DIR, type Doctor, type Patient } from '../personas/index.js';
import { createAuthService, DEFAULT_CHALLENGE_LIFETIME_MS, DEFAULT_LOCKOUT, DEFAULT_TOKEN_LIFETIME_MS, type LockoutPolicy } from './auth.js';
import type { TeleserviceTrust } from './certificate.js';
import { revokedSerials } from './crl.js';
import { classifyError, errorBody } from './errors.js';
import { createLotReception, DEFAULT_ARL_DELAY_MS, DEFAULT_RETURN_DELAY_MS } from './lot-reception.js';
import { DEFAULT_RETURN_RULES, type ReturnRule } from './lot-returns.js';
import { arlSchema, lotUploadSchema, returnsSchema } from './lot-schemas.js';
import { lotStoreOver } from './lot-store.js';
import { createPartnerBook } from './partners.js';
import { createRightsBook } from './rights.js';
import { challengeSchema, rightsSchema, SHARED_SCHEMAS, tokenSchema } from './schemas.js';
import { openTeleserviceStore, type TeleserviceStore } from './store.js';

/** Where the OpenAPI 3.1 document is served (a well-known path of ours). */
export const OPENAPI_PATH = '/openapi.json';
/** The default database file, next to the emulated cards' state. */
export const DEFAULT_TELESERVICE_DB = '.bifente/teleservice.db';
/** Default largest request body: 64 KiB (a certificate and a signature are about 2 KiB). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Default largest `POST /v1/lots` body: 2 MiB (a lot of 999 FSEs is about 640 KB of B2, 850 KB in base64). */
export const DEFAULT_LOT_BODY_LIMIT = 2 * 1024 * 1024;
/** Default rate limit per client address: 1,200 requests a minute (a busy practice makes a few). */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 1200, windowMs: 60_000 };

/** At most `max` requests per client address in each `windowMs`. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** The trust anchors: the CA, and the revoked serials given or read from a CRL the CA signed. */
export interface TrustOptions {
  /** The CA certificate, PEM or DER. */
  readonly ca: string | Uint8Array;
  /** A CRL (PEM or DER) signed by the CA; its serials are revoked. */
  readonly crl?: string | Uint8Array;
  /** More revoked serials (hex, as X509Certificate.serialNumber spells them). */
  readonly revokedSerials?: Iterable<string>;
}

/** How to build a teleservice; every field has a default. */
export interface TeleserviceOptions {
  /** SQLite file (created with its folder), or `:memory:`. Default {@link DEFAULT_TELESERVICE_DB}. */
  readonly database?: string;
  /** Default: the test CA `test-vectors/pki/ca/ca.cert.pem` and its CRL `ca/crl.pem`. */
  readonly trust?: TrustOptions;
  /** The time, ms since 1970 (default `Date.now`): token, challenge, lock and certificate validity. */
  readonly clock?: { now(): number };
  /** The people whose rights are looked up (default: the shipped personas). */
  readonly personas?: { readonly patients: readonly Patient[]; readonly doctors: readonly Doctor[] };
  readonly tokenLifetimeMs?: number;
  readonly challengeLifetimeMs?: number;
  readonly lockout?: Partial<LockoutPolicy>;
  /** Largest body in bytes; larger gets 413. Default {@link DEFAULT_BODY_LIMIT}. */
  readonly bodyLimit?: number;
  /** Largest `POST /v1/lots` body in bytes. Default {@link DEFAULT_LOT_BODY_LIMIT}. */
  readonly lotBodyLimit?: number;
  /** Delay on the clock between a lot's reception and its ARL. Default 10 minutes. */
  readonly arlDelayMs?: number;
  /** Delay on the clock between a lot's reception and its NOEMIE-like return. Default 1 day. */
  readonly returnDelayMs?: number;
  /** Rejections and warnings of the returns (README "Payment rule"). Default: closed rights reject (F0011). */
  readonly returnRules?: readonly ReturnRule[];
  /** Default {@link DEFAULT_RATE_LIMIT}; `false` for none (load benchmarks). */
  readonly rateLimit?: RateLimit | false;
  /** Randomness of challenges and tokens (default node:crypto). */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Where an internal error (a bug: 500) is reported. Default: stderr. */
  readonly log?: (line: string) => void;
}

/** A running (or ready to run) teleservice. */
export interface Teleservice {
  /** The fastify instance (tests may `inject`; the OpenAPI document is `app.swagger()`). */
  readonly app: FastifyInstance;
  readonly store: TeleserviceStore;
  /** Listen on `port` (default 0: a free one) and `host` (default 127.0.0.1); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening, then close the database. */
  close(): Promise<void>;
}

function readTrust(options: TrustOptions | undefined): TeleserviceTrust {
  const given = options ?? { ca: readFileSync(join(PKI_DIR, 'ca/ca.cert.pem'), 'utf8'), crl: readFileSync(join(PKI_DIR, 'ca/crl.pem'), 'utf8') };
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(given.ca);
  } catch (cause) {
    throw new TypeError('trust.ca is not an X.509 certificate', { cause });
  }
  const serials = new Set([...(given.revokedSerials ?? [])].map((s) => s.toUpperCase()));
  if (given.crl !== undefined) {
    const crl = revokedSerials(given.crl, ca);
    if (!crl.ok) throw new TypeError(`trust.crl refused: ${crl.message}`);
    for (const s of crl.revokedSerials) serials.add(s);
  }
  return { ca, revokedSerials: serials };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive whole number, not ${value}`);
  return value;
}

const today = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The reason codes' labels (`test-vectors/b2/reason-codes.json`), looked up by code. */
function reasonLabels(): (code: string) => string {
  const file = JSON.parse(readFileSync(join(PKI_DIR, '../b2/reason-codes.json'), 'utf8')) as { codes: { code: string; label: string }[] };
  const labels = new Map(file.codes.map((c) => [c.code, c.label]));
  return (code) => labels.get(code) ?? code;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of ms, not ${value}`);
  return value;
}

/**
 * Build a teleservice: open the store (migrating it), read the trust
 * anchors and personas, and register the routes (README "Routes").
 * @throws TypeError or RangeError for bad options; `TeleserviceStoreError` for a database it must not use.
 */
export async function createTeleservice(options: TeleserviceOptions = {}): Promise<Teleservice> {
  const trust = readTrust(options.trust);
  const lockout = { ...DEFAULT_LOCKOUT, ...options.lockout };
  positive(lockout.maxFailures, 'lockout.maxFailures');
  positive(lockout.lockMs, 'lockout.lockMs');
  const bodyLimit = positive(options.bodyLimit ?? DEFAULT_BODY_LIMIT, 'bodyLimit');
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rateLimit !== false) {
    positive(rateLimit.max, 'rateLimit.max');
    positive(rateLimit.windowMs, 'rateLimit.windowMs');
  }
  const personas = options.personas ?? { patients: await loadPatients(), doctors: await loadDoctors() };
  const now = options.clock === undefined ? () => Date.now() : () => options.clock!.now();
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const database = options.database ?? DEFAULT_TELESERVICE_DB;
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  const randomBytes = options.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
  const store = await openTeleserviceStore(database);
  try {
    const auth = createAuthService({
      store,
      trust,
      now,
      lockout,
      tokenLifetimeMs: positive(options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, 'tokenLifetimeMs'),
      challengeLifetimeMs: positive(options.challengeLifetimeMs ?? DEFAULT_CHALLENGE_LIFETIME_MS, 'challengeLifetimeMs'),
      randomBytes,
    });
    const rights = createRightsBook(personas.patients, personas.doctors);
    const lots = createLotReception({
      store,
      lots: lotStoreOver(store.db),
      trust,
      partners: createPartnerBook(personas.doctors, personas.patients),
      now,
      randomBytes,
      arlDelayMs: nonNegative(options.arlDelayMs ?? DEFAULT_ARL_DELAY_MS, 'arlDelayMs'),
      returnDelayMs: nonNegative(options.returnDelayMs ?? DEFAULT_RETURN_DELAY_MS, 'returnDelayMs'),
      returnRules: options.returnRules ?? DEFAULT_RETURN_RULES,
      label: reasonLabels(),
    });
    const lotBodyLimit = positive(options.lotBodyLimit ?? DEFAULT_LOT_BODY_LIMIT, 'lotBodyLimit');
    const app = await buildApp({ bodyLimit, rateLimit, log });
    app.post('/v1/auth/challenge', { schema: challengeSchema }, async (request) => auth.challenge(request.body as ChallengeRequest));
    app.post('/v1/auth/token', { schema: tokenSchema }, async (request) => auth.token(request.body as TokenRequest));
    app.post('/v1/rights', { schema: rightsSchema }, async (request) => {
      auth.bearer(request.headers.authorization);
      return rights.lookup(request.body as RightsQuery, today(now()));
    });
    app.post('/v1/lots', { schema: lotUploadSchema, bodyLimit: lotBodyLimit }, async (request, reply) => {
      const sender = auth.bearer(request.headers.authorization).rpps;
      const { created, receipt } = lots.receive(sender, request.body as LotUpload);
      return reply.code(created ? 201 : 200).send(receipt);
    });
    app.get('/v1/lots/:receiptId/arl', { schema: arlSchema }, async (request, reply) => {
      const sender = auth.bearer(request.headers.authorization).rpps;
      const answer = lots.arl(sender, (request.params as { receiptId: string }).receiptId);
      return reply.code(answer.status).send(answer.body);
    });
    app.get('/v1/returns', { schema: returnsSchema }, async (request) => {
      const sender = auth.bearer(request.headers.authorization).rpps;
      return lots.returns(sender, Number((request.query as { since?: string }).since ?? '0'));
    });
    await app.ready();
    return {
      app,
      store,
      listen: (port = 0, host = '127.0.0.1') => app.listen({ port, host }),
      close: async () => {
        await app.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

async function buildApp(settings: { bodyLimit: number; rateLimit: RateLimit | false; log: (line: string) => void }): Promise<FastifyInstance> {
  const [{ default: fastify }, { default: swagger }, { default: rateLimitPlugin }] = await Promise.all([import('fastify'), import('@fastify/swagger'), import('@fastify/rate-limit')]);
  const app = fastify({
    bodyLimit: settings.bodyLimit,
    // Strict validation: unknown properties and wrong types are refused, not removed or coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });
  app.removeContentTypeParser('text/plain');
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'bifente emulated teleservices',
        version: '1.0.0',
        description: 'OURS: no public API exists for ADRi or lot reception (DOMAIN.md "Teleservices"). Test material only. See emulator/teleservice/README.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /v1/auth/token' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `schema-${i}`) },
  });
  if (settings.rateLimit !== false) {
    await app.register(rateLimitPlugin, {
      max: settings.rateLimit.max,
      timeWindow: settings.rateLimit.windowMs,
      errorResponseBuilder: (_request, context) => Object.assign(new Error(`rate limit of ${context.max} requests reached: retry in ${context.after}`), { statusCode: 429 }),
    });
  }
  app.setErrorHandler((error, _request, reply) => {
    const mapped = classifyError(error);
    if (mapped.status >= 500) settings.log(`bifente teleservice: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
    return reply.code(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('unknown-route', `no route ${request.method} ${request.url.slice(0, 200)}`)));
  app.get(OPENAPI_PATH, { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
  return app;
}
