/**
 * The terminal-host link over any {@link LinkPort}: runs the pure link
 * session of `protocol/` (frames, CRC, window, retransmission,
 * fragmentation) with real or injected time, and carries typed requests
 * and answers on top. Both ends use it: the host calls `request`, the
 * terminal answers through `onMessage`.
 * @module
 */
import {
  createLinkSession,
  describeError,
  encodeLinkMessage,
  isLinkRequest,
  LINK_ERROR,
  LINK_MAX_FRAME,
  linkRequestIdOf,
  parseLinkMessage,
  type LinkAnswer,
  type LinkAnswerKinds,
  type LinkErrorAnswer,
  type LinkRequest,
  type LinkSessionOptions,
  type LinkSessionState,
  type LinkSessionStats,
  type LinkStep,
  concatBytes,
} from '../../protocol/index.js';
import { DriverError } from '../core/errors.js';
import type { LinkPort } from '../core/link-port.js';

/** The time source of a link; tests inject a simulated one. */
export interface LinkClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link openLink}: the session's, plus the clock and request time limit. */
export interface OpenLinkOptions extends LinkSessionOptions {
  /** Default: `performance.now()` and the global timers. */
  readonly clock?: LinkClock;
  /** Default time limit of {@link Link.request}. Default 10,000 ms. */
  readonly requestTimeoutMs?: number;
  /** This start's 32-bit reset nonce. Default: random. */
  readonly nonce?: number;
}

/** A link message as the caller writes it: the runner assigns the request id. */
export type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/** A request as the caller writes it: the link assigns the request id. */
export type LinkRequestBody = WithoutRequestId<LinkRequest>;
/** An answer as a handler returns it: the link copies the request's id. */
export type LinkAnswerBody = WithoutRequestId<LinkAnswer>;
/** What a request of kind `K` resolves with: its answer, or the other end's error answer. */
export type LinkAnswerTo<K extends LinkRequest['kind']> = LinkAnswerKinds[K] | LinkErrorAnswer;
/** The terminal side: answer a request (throwing sends an `internal` error answer). */
export type LinkRequestHandler = (request: LinkRequest) => LinkAnswerBody | Promise<LinkAnswerBody>;

/** Options of one request. */
export interface LinkRequestOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/** One end of the link. */
export interface Link {
  /** Where the link stands; `closed` after {@link close} or when the port went away. */
  readonly state: LinkSessionState | 'closed';
  readonly stats: LinkSessionStats;
  /**
   * Send a request and wait for its answer. Rejects with a DriverError:
   * `timeout` (no answer in time, or the link failed), `canceled`,
   * `reader-gone` (the other end restarted or the port closed), `closed`,
   * `protocol-error` (an answer that does not parse). An error answer from
   * the other end resolves (it is data, like an SW).
   */
  request<R extends LinkRequestBody>(request: R, options?: LinkRequestOptions): Promise<LinkAnswerTo<R['kind']>>;
  /** Answer the other end's requests (one handler; a new one replaces it). Returns the function that removes it. */
  onMessage(handler: LinkRequestHandler): () => void;
  /** Reject pending requests with `closed`, stop timers, close the port. Idempotent. */
  close(): Promise<void>;
}

const systemClock: LinkClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function randomNonce(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

interface Pending {
  readonly kind: string;
  resolve(answer: LinkAnswer): void;
  reject(error: DriverError): void;
}

/**
 * Open a link over `port` and start its reset handshake. Requests made
 * before the other end answers wait for it (within their time limit).
 * @example
 * const [hostPort, terminalPort] = createMemoryLinkPair();
 * const terminal = openLink(terminalPort);
 * terminal.onMessage(() => ({ kind: 'identity', model: 'TLA', serial: '1', firmware: '0.1', agreementNumber: '9999999' }));
 * const host = openLink(hostPort);
 * await host.request({ kind: 'identify' }); // { kind: 'identity', requestId: 1, model: 'TLA', ... }
 */
export function openLink(port: LinkPort, options: OpenLinkOptions = {}): Link {
  if (port.maxWrite < LINK_MAX_FRAME) throw new DriverError('not-supported', `a ${port.kind} port writes at most ${port.maxWrite} bytes at a time; the link needs ${LINK_MAX_FRAME}`);
  const clock = options.clock ?? systemClock;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const session = createLinkSession(options);
  const pending = new Map<number, Pending>();
  let handler: LinkRequestHandler | null = null;
  let timer: unknown = null;
  let closed = false;
  let lastRequestId = 0;
  let writing: Promise<void> = Promise.resolve();

  function write(out: readonly Uint8Array[]): void {
    if (out.length === 0) return;
    const writes = port.maxWrite === Infinity ? [out.length === 1 ? out[0]! : concatBytes(...out)] : out;
    for (const bytes of writes) {
      writing = writing.then(() => (closed ? undefined : port.write(bytes)));
    }
    writing = writing.catch((error: unknown) => {
      shutdown(error instanceof DriverError ? error : new DriverError('transport-error', 'writing to the link port failed', { cause: error }));
    });
  }

  function rejectAll(error: DriverError): void {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(error);
  }

  function schedule(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    const at = session.nextDeadline;
    if (at === null || closed) return;
    timer = clock.setTimeout(() => {
      timer = null;
      apply(session.tick(clock.now()));
    }, Math.max(0, at - clock.now()));
  }

  function apply(step: LinkStep): void {
    if (closed) return;
    write(step.out);
    if (step.peerRestarted !== null) rejectAll(new DriverError('reader-gone', 'the other end of the link restarted before answering: send the request again'));
    if (step.failed !== null) rejectAll(new DriverError('timeout', `the link failed: ${step.failed.message}; check the cable or the terminal`));
    for (const message of step.delivered) onDelivered(message);
    schedule();
  }

  function send(bytes: Uint8Array): void {
    apply(session.send(bytes, clock.now()));
  }

  function answer(requestId: number, body: LinkAnswerBody): void {
    let bytes: Uint8Array;
    try {
      bytes = encodeLinkMessage({ ...body, requestId } as LinkAnswer);
    } catch {
      bytes = encodeLinkMessage({ kind: 'error', requestId, code: LINK_ERROR.internal, text: 'the answer could not be encoded' });
    }
    send(bytes);
  }

  async function serve(request: LinkRequest): Promise<void> {
    const current = handler;
    if (current === null) {
      answer(request.requestId, { kind: 'error', code: LINK_ERROR.unknownRequest, text: `this end answers no ${request.kind} request` });
      return;
    }
    let body: LinkAnswerBody;
    try {
      body = await current(request);
    } catch {
      // The handler's error may carry secrets (a PIN in a message): the wire gets a fixed text.
      body = { kind: 'error', code: LINK_ERROR.internal, text: `the ${request.kind} request failed on this end` };
    }
    if (!closed) answer(request.requestId, body);
  }

  function onDelivered(bytes: Uint8Array): void {
    const parsed = parseLinkMessage(bytes);
    const requestId = parsed.ok ? parsed.value.requestId : linkRequestIdOf(bytes);
    if (requestId === null) return;
    if (!parsed.ok) {
      const waiting = bytes[0]! >= 0x80 ? pending.get(requestId) : undefined;
      if (waiting !== undefined) {
        pending.delete(requestId);
        waiting.reject(new DriverError('protocol-error', `the answer to ${waiting.kind} request ${requestId} does not parse: ${describeError(parsed.error)}`));
      } else if (bytes[0]! < 0x80) {
        const code = parsed.error.reason === 'unknown-type' ? LINK_ERROR.unknownRequest : LINK_ERROR.badRequest;
        answer(requestId, { kind: 'error', code, text: describeError(parsed.error) });
      }
      return;
    }
    const message = parsed.value;
    if (isLinkRequest(message)) {
      void serve(message);
      return;
    }
    const waiting = pending.get(requestId);
    if (waiting === undefined) return; // late: its request timed out or was canceled
    pending.delete(requestId);
    waiting.resolve(message);
  }

  function shutdown(error: DriverError): void {
    if (closed) return;
    closed = true;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    unlisten();
    rejectAll(error);
  }

  const unlisten = port.onEvent((event) => {
    if (event.type === 'data') apply(session.receive(event.bytes, clock.now()));
    else shutdown(new DriverError('reader-gone', `the ${port.kind} link port closed: the terminal was unplugged or the other end went away`, { cause: event.error }));
  });
  apply(session.start(clock.now(), options.nonce ?? randomNonce()));

  function nextRequestId(): number {
    for (let i = 0; i < 0x10000; i++) {
      lastRequestId = (lastRequestId + 1) & 0xffff;
      if (!pending.has(lastRequestId)) return lastRequestId;
    }
    throw new DriverError('not-supported', 'more than 65,535 requests are waiting for an answer');
  }

  return {
    get state() {
      return closed ? 'closed' : session.state;
    },
    get stats() {
      return session.stats;
    },
    request(body, requestOptions = {}) {
      const signal = requestOptions.signal;
      const timeoutMs = requestOptions.timeoutMs ?? requestTimeoutMs;
      if (closed) return Promise.reject(new DriverError('closed', 'the link is closed'));
      if (signal?.aborted === true) return Promise.reject(new DriverError('canceled', `the ${body.kind} request was canceled`, { cause: signal.reason }));
      const requestId = nextRequestId();
      const bytes = encodeLinkMessage({ ...body, requestId } as LinkRequest);
      return new Promise<LinkAnswerTo<(typeof body)['kind']>>((resolve, reject) => {
        const done = () => {
          clock.clearTimeout(deadline);
          signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          pending.delete(requestId);
          done();
          reject(new DriverError('canceled', `the ${body.kind} request was canceled`, { cause: signal?.reason }));
        };
        const deadline = clock.setTimeout(() => {
          pending.delete(requestId);
          done();
          reject(new DriverError('timeout', `no answer to the ${body.kind} request within ${timeoutMs} ms`));
        }, timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(requestId, {
          kind: body.kind,
          resolve: (a) => {
            done();
            resolve(a as LinkAnswerTo<(typeof body)['kind']>);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
        if (session.state === 'failed') apply(session.start(clock.now(), randomNonce()));
        send(bytes);
      });
    },
    onMessage(next) {
      handler = next;
      return () => {
        if (handler === next) handler = null;
      };
    },
    async close() {
      shutdown(new DriverError('closed', 'the link was closed'));
      await writing;
      await port.close();
    },
  };
}
