/**
 * The host's client of the teleservices (OURS HTTP API, emulator/teleservice
 * README): CPS authentication by challenge (the challenge signed by the
 * signer's authentication key), the bearer token reused until shortly
 * before it expires, authenticated again once on a 401 token error; every
 * request bounded by a timeout (AbortSignal) and its failures typed
 * ({@link TeleserviceClientError}).
 * @module
 */
import type { ChallengeAnswer, ChallengeRequest, ErrorAnswer, TokenAnswer, TokenProfessional, TokenRequest } from '../../protocol/index.js';
import type { HostClock } from '../database/host-database.js';
import { isSignerError, type HostCpsSigner } from '../signing/host-signer.js';
import { createRetrier, type Retrier, type RetryPolicy } from './retry.js';
import { TeleserviceClientError } from './teleservice-error.js';

/** Options of {@link connectTeleservice}. */
export interface TeleserviceClientOptions {
  /** The CPS that answers the challenges. */
  readonly signer: HostCpsSigner;
  /** The host's time: when a token is too old to reuse. */
  readonly clock: HostClock;
  /** The fetch to use; default the global one (tests pass a proxying or failing one). */
  readonly fetch?: typeof fetch;
  /** One request's time limit; default 10 s. Past it: `unreachable`. */
  readonly timeoutMs?: number;
  /** Retries of the callers that retry (upload); see {@link RetryPolicy}. */
  readonly retry?: RetryPolicy;
  /** A token is renewed this long before its expiry; default 30 s. */
  readonly renewBeforeMs?: number;
}

/** The professional the token was given to (protocol's `TokenProfessional`). */
export type Professional = TokenProfessional;

/** An authenticated session (the token stays inside the client). */
export interface TeleserviceSession {
  readonly professional: Professional;
  /** When the server said the token expires, ms since 1970. */
  readonly expiresAt: number;
}

/** One request's options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Send the bearer token (authenticating first if needed); default true. */
  readonly auth?: boolean;
}

/** A connection to one teleservice. */
export interface TeleserviceClient {
  readonly baseUrl: string;
  /** The host clock given at connection (token expiry, cache ages). */
  readonly clock: HostClock;
  /** The retrier built from the options' policy (seeded jitter), shared by the callers that retry. */
  readonly retrier: Retrier;
  /** The current session, if authenticated and not expired. */
  session(): TeleserviceSession | undefined;
  /** Authenticate now (challenge → CPS signature → token), even if a token is held. */
  authenticate(signal?: AbortSignal): Promise<TeleserviceSession>;
  /**
   * One JSON request: `body` sent as JSON when given; resolves with the
   * parsed 2xx answer. A 401 token error (`expired-token`, `invalid-token`,
   * `missing-token`) authenticates again and sends once more. No other
   * retry: wrap in {@link TeleserviceClient.retrier} for that.
   */
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown, options?: CallOptions): Promise<T>;
}

const TOKEN_ERRORS: ReadonlySet<string> = new Set(['expired-token', 'invalid-token', 'missing-token']);

/** `Retry-After` (seconds or an HTTP date) in ms from `now`. */
function retryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^[0-9]+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether `signal` has fired (a function: TypeScript keeps no narrowing across an await). */
const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

/**
 * A client of the teleservice at `baseUrl` (`http://127.0.0.1:8443`). Lazy:
 * nothing is sent before the first call, so a host offline can still open
 * it (the rights cache answers). Throws a TypeError for a URL that is not
 * http(s).
 * @example
 * const client = await connectTeleservice('http://127.0.0.1:8443', { signer: cardCpsSigner(cps, { pin }), clock: { now: Date.now } });
 * const { professional } = await client.authenticate();
 */
export async function connectTeleservice(baseUrl: string, options: TeleserviceClientOptions): Promise<TeleserviceClient> {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`a teleservice URL is http(s), not ${url.protocol}`);
  const root = url.href.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const renewBeforeMs = options.renewBeforeMs ?? 30_000;
  const retrier = createRetrier(options.retry);
  let held: (TeleserviceSession & { readonly token: string }) | undefined;
  let pending: Promise<TeleserviceSession & { readonly token: string }> | undefined;

  async function send<T>(method: string, path: string, body: unknown, token: string | undefined, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted === true) throw new TeleserviceClientError('canceled', `${method} ${path}: canceled`, { cause: signal.reason });
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(`${root}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (cause) {
      if (aborted(signal)) throw new TeleserviceClientError('canceled', `${method} ${path}: canceled`, { cause });
      if (timeout.aborted) throw new TeleserviceClientError('unreachable', `${method} ${path}: no answer from ${root} within ${timeoutMs} ms`, { cause });
      throw new TeleserviceClientError('unreachable', `${method} ${path}: ${root} cannot be reached (${(cause as { cause?: { code?: string } }).cause?.code ?? String(cause)})`, { cause });
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (cause) {
      throw new TeleserviceClientError('http', `${method} ${path}: HTTP ${response.status} without a JSON body`, { status: response.status, cause });
    }
    if (response.ok) return json as T;
    // Read defensively: a proxy or another server may answer anything, not our ErrorAnswer.
    const error = (json as Partial<Record<keyof ErrorAnswer, { code?: unknown; message?: unknown }>> | null)?.error;
    const serverCode = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    const wait = retryAfter(response.headers.get('retry-after'), options.clock.now());
    const details = { status: response.status, ...(serverCode === undefined ? {} : { serverCode }), ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    if (response.status === 423) throw new TeleserviceClientError('locked', `${method} ${path}: the account is locked (${message})`, details);
    if (response.status >= 400 && response.status < 500 && response.status !== 429 && serverCode !== undefined) throw new TeleserviceClientError('refused', `${method} ${path}: ${serverCode}: ${message}`, details);
    throw new TeleserviceClientError('http', `${method} ${path}: HTTP ${response.status}${serverCode === undefined ? '' : ` ${serverCode}`}: ${message}`, details);
  }

  async function login(signal?: AbortSignal): Promise<TeleserviceSession & { readonly token: string }> {
    let certificate: Uint8Array;
    let signature: Uint8Array;
    let challenge: ChallengeAnswer;
    try {
      certificate = await options.signer.authenticationCertificate(signal);
      challenge = await send<ChallengeAnswer>('POST', '/v1/auth/challenge', { certificate: base64url(certificate) } satisfies ChallengeRequest, undefined, signal);
      signature = await options.signer.authenticate(fromBase64(challenge.challenge), signal);
    } catch (error) {
      if (isSignerError(error)) throw new TeleserviceClientError(error.canceled ? 'canceled' : 'signer-failed', `authentication: ${error.message}`, { cause: error });
      throw error;
    }
    const answer = await send<TokenAnswer>(
      'POST', '/v1/auth/token', { challengeId: challenge.challengeId, signature: base64url(signature), certificate: base64url(certificate) } satisfies TokenRequest, undefined, signal,
    );
    const expiresAt = Date.parse(answer.expiresAt);
    if (typeof answer.token !== 'string' || Number.isNaN(expiresAt)) throw new TeleserviceClientError('http', 'authentication: the token answer is not the documented one');
    return { token: answer.token, expiresAt, professional: answer.professional };
  }

  function authenticate(signal?: AbortSignal): Promise<TeleserviceSession & { readonly token: string }> {
    pending ??= login(signal).then(
      (session) => {
        held = session;
        pending = undefined;
        return session;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }

  const fresh = (): (TeleserviceSession & { readonly token: string }) | undefined => (held !== undefined && options.clock.now() < held.expiresAt - renewBeforeMs ? held : undefined);
  const publicView = (s: TeleserviceSession): TeleserviceSession => ({ professional: s.professional, expiresAt: s.expiresAt });

  return {
    baseUrl: root,
    clock: options.clock,
    retrier,
    session: () => {
      const s = fresh();
      return s === undefined ? undefined : publicView(s);
    },
    authenticate: async (signal) => publicView(await authenticate(signal)),
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, callOptions: CallOptions = {}): Promise<T> {
      if (callOptions.auth === false) return send<T>(method, path, body, undefined, callOptions.signal);
      const session = fresh() ?? (await authenticate(callOptions.signal));
      try {
        return await send<T>(method, path, body, session.token, callOptions.signal);
      } catch (error) {
        if (!(error instanceof TeleserviceClientError) || error.status !== 401 || !TOKEN_ERRORS.has(error.serverCode ?? '')) throw error;
        if (held === session) held = undefined;
        const renewed = await authenticate(callOptions.signal);
        return send<T>(method, path, body, renewed.token, callOptions.signal);
      }
    },
  };
}
