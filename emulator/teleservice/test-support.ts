/**
 * Test helpers of the teleservice: a server on loopback over a SQLite file
 * in a temp folder with a virtual clock, a `call` that checks every answer
 * against the served OpenAPI document, and the doctors' test keys.
 * @module
 */
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { b2FromLot, encodeB2File, encodeFse, encodeLot, encodeSecuredFse, encodeSignedLot, hex, makeLot, sha256, type Fse, type SecuredFse, type SignedLot } from '../../protocol/index.js';
import { PKI_DIR } from '../personas/index.js';
import { virtualClock, type VirtualClock } from '../timing/clock.js';
import { createTeleservice, OPENAPI_PATH, type Teleservice, type TeleserviceOptions } from './teleservice.js';

/** The tests' "now": 23 November 2026, noon UTC. */
export const TEST_NOW = Date.parse('2026-11-23T12:00:00Z');

/** One answer: status, parsed JSON body, headers. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** A teleservice listening on loopback, with its clock and a checked `call`. */
export interface Running {
  readonly service: Teleservice;
  readonly url: string;
  readonly clock: VirtualClock;
  readonly dir: string;
  /** Send a request; the answer is validated against the OpenAPI document (throws if it does not conform). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Send raw bytes or text with a content type (hostile input). */
  raw(method: string, path: string, body: string | Uint8Array | undefined, headers?: Record<string, string>): Promise<Answer>;
  stop(): Promise<void>;
}

/** Compile the validators of an OpenAPI 3.1 document's responses. */
export function openApiValidator(document: Record<string, unknown>): (method: string, path: string, status: number, body: unknown) => string | undefined {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const cache = new Map<string, ValidateFunction | undefined>();
  const pointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
  return (method, path, status, body) => {
    const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    // A templated path (`/v1/lots/{receiptId}/arl`) matches any one segment per parameter.
    const template = path in paths ? path : Object.keys(paths).find((p) => new RegExp(`^${p.replace(/\{[^/]+\}/g, '[^/]+')}$`).test(path));
    const route = template === undefined ? undefined : paths[template]?.[method.toLowerCase()];
    // The document does not describe itself; unknown routes answer the one error shape.
    if (route === undefined && method === 'GET' && path === OPENAPI_PATH && status === 200) return typeof body === 'object' && body !== null && 'openapi' in body ? undefined : 'not an OpenAPI document';
    if (route === undefined && status < 400) return `${method} ${path} is not documented yet answered ${status}`;
    const key = route === undefined ? undefined : String(status) in route.responses ? String(status) : `${String(status)[0]}XX` in route.responses ? `${String(status)[0]}XX` : undefined;
    if (route !== undefined && key === undefined) return `${method} ${path} does not document status ${status}`;
    const ref = route === undefined ? 'openapi.json#/components/schemas/Error' : `openapi.json#/paths/${pointer(template!)}/${method.toLowerCase()}/responses/${key}/content/application~1json/schema`;
    if (!cache.has(ref)) cache.set(ref, ajv.compile({ $ref: ref }));
    const validate = cache.get(ref)!;
    return validate(body) ? undefined : `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`;
  };
}

/** Start a teleservice on a free loopback port over a fresh SQLite file, clock at {@link TEST_NOW}. */
export async function startTeleservice(options: TeleserviceOptions = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-teleservice-'));
  const clock = virtualClock(TEST_NOW);
  const service = await createTeleservice({ database: join(dir, 'teleservice.db'), clock, rateLimit: false, log: () => undefined, ...options });
  const url = await service.listen();
  const document = (await (await fetch(`${url}${OPENAPI_PATH}`)).json()) as Record<string, unknown>;
  const check = openApiValidator(document);
  const raw = async (method: string, path: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    const problem = check(method, path.split('?')[0]!, response.status, parsed);
    if (problem !== undefined) throw new Error(`answer does not match the OpenAPI document: ${problem}`);
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    service,
    url,
    clock,
    dir,
    call: (method, path, body, headers = {}) => raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? headers : { 'content-type': 'application/json', ...headers }),
    raw,
    stop: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A doctor's test certificate (DER) and key from `test-vectors/pki/doctors/<id>-<use>`. */
export function doctorKeys(doctorId: string, use: 'auth' | 'sign' = 'auth'): { readonly certificate: Uint8Array; readonly sign: (data: Uint8Array) => Uint8Array } {
  const base = join(PKI_DIR, 'doctors', `${doctorId}-${use}`);
  const certificate = new Uint8Array(new X509Certificate(readFileSync(`${base}.cert.pem`)).raw);
  const key = createPrivateKey(readFileSync(`${base}.key.pem`, 'utf8'));
  return { certificate, sign: (data) => new Uint8Array(sign('sha256', data, key)) };
}

/** Base64 of bytes (the API's inputs). */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Run the challenge-token exchange for a doctor with their test key; the token answer (or error). */
export async function login(running: Running, doctorId: string, keys = doctorKeys(doctorId)): Promise<Answer> {
  const challenge = await running.call('POST', '/v1/auth/challenge', { certificate: b64(keys.certificate) });
  if (challenge.status !== 200) return challenge;
  const { challengeId, challenge: bytes } = challenge.body as { challengeId: string; challenge: string };
  return running.call('POST', '/v1/auth/token', { challengeId, signature: b64(keys.sign(new Uint8Array(Buffer.from(bytes, 'base64url')))), certificate: b64(keys.certificate) });
}

/** A bearer token for a doctor, or a thrown error. */
export async function bearer(running: Running, doctorId = 'dr-benali'): Promise<Record<string, string>> {
  const answer = await login(running, doctorId);
  if (answer.status !== 200) throw new Error(`login failed: ${JSON.stringify(answer.body)}`);
  return { authorization: `Bearer ${(answer.body as { token: string }).token}` };
}

/** A secured FSE of the protocol vectors (mode S: FONTAINE, caisse 751, dr-moreau replacing dr-rousseau), the base of the tests' lots. */
const BASE_FSE: Fse = (() => {
  const vectors = JSON.parse(readFileSync(join(PKI_DIR, '../protocol/fse.json'), 'utf8')) as { securedFse: { value: { fse: unknown } }[] };
  const bytes = new Set(['signature', 'certificate', 'digest']);
  return JSON.parse(JSON.stringify(vectors.securedFse[0]!.value.fse), (k, v: unknown) => (bytes.has(k) && typeof v === 'string' ? hex(v) : v)) as Fse;
})();

/** The doctors a test lot may come from: the vector's substitute, or a doctor billing under their own first situation. */
const OWN_SITUATION: Readonly<Record<string, { rpps: string; name: string; billingNumber: string }>> = {
  'dr-benali': { rpps: '99900000037', name: 'AMINA BENALI', billingNumber: '751000043' },
  'dr-garnier': { rpps: '99900000078', name: 'PAUL GARNIER', billingNumber: '331000307' },
};

/** What a test lot is made of. */
export interface TestLotOptions {
  /** Signing doctor: `dr-moreau` (the vector's substitute, partner dr-rousseau's 741000038) or a key of OWN_SITUATION. Default dr-moreau. */
  readonly signer?: string;
  readonly lotNumber?: number;
  /** Invoice numbers, ascending. Default [1, 2]. */
  readonly invoices?: readonly number[];
  /** The lot's creation time (another content under the same number). Default 2026-11-23T12:30:00+01:00. */
  readonly createdAt?: string;
  /** Closed rights on these invoices (the return rule). */
  readonly rightsClosed?: readonly number[];
}

/** A signed lot built from real secured FSEs signed with the test PKI keys, its B2 file, and their parts. */
export interface TestLot {
  readonly signed: SignedLot;
  readonly signedLot: Uint8Array;
  readonly b2: Uint8Array;
  readonly secured: readonly SecuredFse[];
}

const vitaleKeys = (() => {
  const base = join(PKI_DIR, 'vitale', 'pt-c2s-card');
  const key = createPrivateKey(readFileSync(`${base}.key.pem`, 'utf8'));
  return { certificate: new Uint8Array(new X509Certificate(readFileSync(`${base}.cert.pem`)).raw), sign: (data: Uint8Array) => new Uint8Array(sign('sha256', data, key)) };
})();

/** Build a test lot (README "Lot reception": the tests' material). */
export function testLot(options: TestLotOptions = {}): TestLot {
  const signer = options.signer ?? 'dr-moreau';
  const cps = doctorKeys(signer, 'sign');
  const own = OWN_SITUATION[signer];
  const professional = own === undefined ? BASE_FSE.professional : { ...BASE_FSE.professional, id: own.rpps, name: own.name, billingNumber: own.billingNumber, situationIndex: 0, replaced: undefined };
  const secured = (options.invoices ?? [1, 2]).map((invoiceNumber): SecuredFse => {
    const { replaced: _replaced, ...withoutReplaced } = professional;
    const fse = { ...BASE_FSE, invoiceNumber, professional: professional.replaced === undefined ? withoutReplaced : professional, coverage: { ...BASE_FSE.coverage, rightsValid: !(options.rightsClosed ?? []).includes(invoiceNumber) } } as Fse;
    const data = encodeFse(fse);
    return { fse, vitale: { signature: vitaleKeys.sign(data), certificate: vitaleKeys.certificate }, cps: { signature: cps.sign(data), certificate: cps.certificate } };
  });
  const lot = makeLot({
    destination: '751',
    lotNumber: options.lotNumber ?? 1,
    createdAt: options.createdAt ?? '2026-11-23T12:30:00+01:00',
    deviceAgreement: 'BFT-TLA-0001',
    portable: true,
    fses: secured.map((s) => ({ invoiceNumber: s.fse.invoiceNumber, digest: sha256(encodeSecuredFse(s)), securing: s.fse.securing, totalCents: s.fse.totals.totalCents, amoCents: s.fse.totals.amoCents })),
  });
  if (!lot.ok) throw new Error(`test lot: ${lot.error.message}`);
  const signed: SignedLot = { lot: lot.value, cps: { signature: cps.sign(encodeLot(lot.value)), certificate: cps.certificate } };
  const file = b2FromLot(signed, secured, { softwareAgreement: 'BFT-HOST-01' });
  if (!file.ok) throw new Error(`test B2: ${file.error.path}: ${file.error.message}`);
  return { signed, signedLot: encodeSignedLot(signed), b2: encodeB2File(file.value), secured };
}

/** The `POST /v1/lots` body of a test lot. */
export const lotBody = (lot: Pick<TestLot, 'b2' | 'signedLot'>): { b2: string; signedLot: string } => ({ b2: b64(lot.b2), signedLot: b64(lot.signedLot) });
