/**
 * A session with one powered card: parsed exchanges with host-side GET
 * RESPONSE chaining, one exchange at a time, a time limit and an
 * AbortSignal on every call, transactions, reset, disconnect, and an
 * end when the card leaves its reader (issue 5 "One interface").
 * @module
 */
import { encodeCommandApdu, instructionName, toHex, type CommandApdu, type ResponseApdu } from '../../protocol/index.js';
import { DriverError, isDriverError } from '../core/errors.js';
import type { CardProtocol, Disposition, ReaderPort } from '../core/transport.js';
import { checkTimeout } from './deadline.js';
import { ExchangeQueue } from './exchange-queue.js';
import { redactCommand } from './redact.js';
import { chainResponses, responseOf } from './response-chaining.js';

/** Limits of one call; `timeoutMs` defaults to the manager's `timeoutMs`. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/** One exchange as {@link CardSession.onExchange} reports it: never a PIN. */
export interface ExchangeRecord {
  readonly reader: string;
  /** The command in upper-case hex, the body of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER replaced by `<redacted N bytes>`. */
  readonly command: string;
  /** The command's name (ISO/IEC 7816-4 §11), when it has one. */
  readonly name: string | undefined;
  /** The response (after GET RESPONSE chaining for `transmit`), when there was one. */
  readonly response?: ResponseApdu;
  readonly error?: DriverError;
  /** Wall time of the exchange, queueing excluded. */
  readonly ms: number;
}

/** What a transaction body may do with the card: exchanges only. */
export interface CardChannel {
  /**
   * Send a command APDU (short or extended, passed through unchanged) and
   * get the parsed response. Where the transport leaves it to the host,
   * 61XX is followed by GET RESPONSE and 6CXX by the same command with the
   * right Le (ISO/IEC 7816-4 §5.1.3). A card's refusal is an SW, not an error.
   */
  transmit(command: CommandApdu | Uint8Array, options?: CallOptions): Promise<ResponseApdu>;
  /** Send bytes as they are, once, and get the card's bytes back: no chaining, no parsing. */
  transmitRaw(bytes: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
}

/** Options of {@link CardSession.transaction}. */
export interface TransactionOptions extends CallOptions {
  /** What ending the transaction does to the card (PC/SC SCardEndTransaction); default `'leave'`. */
  readonly disposition?: Disposition;
}

/**
 * A connected card (PC/SC: a card handle).
 *
 * Concurrency: calls are queued and run one at a time, in call order.
 * During {@link transaction} only the body's channel reaches the card;
 * other calls on the session wait for the transaction to end.
 * Errors: every rejection is a `DriverError`: `timeout` / `canceled`
 * naming what was waited for, `card-removed` once the card has left (the
 * session is then `closed` and every later call rejects the same way),
 * `closed` after {@link disconnect}.
 */
export interface CardSession extends CardChannel {
  readonly reader: string;
  /** The ATR of the last power-on or reset. */
  readonly atr: Uint8Array;
  readonly protocol: CardProtocol;
  readonly closed: boolean;
  /**
   * Run `fn` with the card reserved for this session (PC/SC
   * SCardBeginTransaction / SCardEndTransaction); the transaction ends
   * with `disposition` also when `fn` throws.
   */
  transaction<T>(fn: (channel: CardChannel) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Warm reset or power cycle (ISO/IEC 7816-3 §6.2); resolves with the new ATR. */
  reset(kind: 'reset' | 'unpower', options?: CallOptions): Promise<Uint8Array>;
  /** Release the card with `disposition` (default `'leave'`); pending calls reject `closed`. Idempotent. */
  disconnect(disposition?: Disposition): Promise<void>;
  /** Listen to every exchange (for logs and traces; PIN bodies redacted); returns the function that stops listening. */
  onExchange(listener: (record: ExchangeRecord) => void): () => void;
}

/** A session as its manager holds it: it can end it when the card or the reader goes. */
export interface ManagedSession extends CardSession {
  /** End the session with `error` (card removed, reader gone): calls in flight and later reject with it. */
  end(error: DriverError): void;
}

/** What {@link openSession} needs besides the port. */
export interface SessionSettings {
  readonly timeoutMs: number;
  /** Called once when the session ends, whatever ended it. */
  readonly onEnd: () => void;
}

const DISCONNECTED_OK = ['card-removed', 'reader-gone', 'closed', 'no-service'] as const;

function describeCommand(bytes: Uint8Array): string {
  if (bytes.length < 4) return `a ${bytes.length}-byte command`;
  return instructionName(bytes[1]!, bytes[2]!, bytes[3]!) ?? `INS ${toHex(bytes.subarray(1, 2))}`;
}

function asDriverError(error: unknown, reader: string): unknown {
  if (isDriverError(error)) return error;
  return new DriverError('transport-error', `the transport failed while talking to the card in ${reader}`, { cause: error });
}

/** Wrap an open `port` in a {@link CardSession}. */
export function openSession(port: ReaderPort, settings: SessionSettings): ManagedSession {
  return new PortSession(port, settings);
}

class PortSession implements ManagedSession {
  readonly reader: string;
  readonly protocol: CardProtocol;
  #atr: Uint8Array;
  readonly #raw: ReaderPort;
  readonly #chained: ReaderPort;
  readonly #settings: SessionSettings;
  readonly #queue = new ExchangeQueue();
  readonly #listeners = new Set<(record: ExchangeRecord) => void>();
  #endedBy: DriverError | undefined;
  /** Ends the call in flight, if any (set while one runs). */
  #failCurrent: ((error: DriverError) => void) | undefined;
  #controller = new AbortController();
  #gate: Promise<void> | undefined;

  constructor(port: ReaderPort, settings: SessionSettings) {
    this.reader = port.reader;
    this.protocol = port.protocol;
    this.#atr = port.atr;
    this.#raw = port;
    this.#chained = chainResponses(port);
    this.#settings = settings;
  }

  get atr(): Uint8Array {
    return this.#atr;
  }

  get closed(): boolean {
    return this.#endedBy !== undefined;
  }

  onExchange(listener: (record: ExchangeRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  transmit(command: CommandApdu | Uint8Array, options?: CallOptions): Promise<ResponseApdu> {
    return this.#exchange(command instanceof Uint8Array ? command : encodeCommandApdu(command), options, false, true).then((bytes) => responseOf(this.reader, bytes));
  }

  transmitRaw(bytes: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    return this.#exchange(bytes, options, false, false);
  }

  async transaction<T>(fn: (channel: CardChannel) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // No await when the card is free, so that the gate is taken before any other call runs.
    while (this.#gate !== undefined) await this.#gate;
    let release: () => void = () => undefined;
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let active = true;
    const guard = (): void => {
      if (!active) throw new DriverError('closed', `the transaction on the card in ${this.reader} has ended`);
    };
    const channel: CardChannel = {
      transmit: async (command, o) => {
        guard();
        const bytes = await this.#exchange(command instanceof Uint8Array ? command : encodeCommandApdu(command), o, true, true);
        return responseOf(this.reader, bytes);
      },
      transmitRaw: async (bytes, o) => {
        guard();
        return this.#exchange(bytes, o, true, false);
      },
    };
    try {
      await this.#call('BEGIN TRANSACTION', options, () => this.#raw.beginTransaction(), () => void this.#raw.endTransaction('leave').catch(() => undefined));
      let result: T;
      try {
        result = await fn(channel);
      } catch (error) {
        active = false;
        // The body's error is the one to report; ending still happens, and its own failure is attached.
        const ended = await this.#endTransaction(options).then(() => undefined, (endError: unknown) => endError);
        if (ended !== undefined && error instanceof Error && error.cause === undefined) Object.defineProperty(error, 'cause', { value: ended });
        throw error;
      }
      active = false;
      await this.#endTransaction(options);
      return result;
    } finally {
      this.#gate = undefined;
      release();
    }
  }

  #endTransaction(options: TransactionOptions): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.#call('END TRANSACTION', { timeoutMs: options.timeoutMs }, () => this.#raw.endTransaction(options.disposition ?? 'leave'));
  }

  async reset(kind: 'reset' | 'unpower', options: CallOptions = {}): Promise<Uint8Array> {
    while (this.#gate !== undefined) await this.#gate;
    const atr = await this.#call(kind === 'reset' ? 'a warm reset' : 'a power cycle', options, () => this.#raw.reset(kind));
    this.#atr = atr;
    return atr;
  }

  async disconnect(disposition: Disposition = 'leave'): Promise<void> {
    if (this.closed) return;
    this.#finish(new DriverError('closed', `the session with the card in ${this.reader} was disconnected`));
    try {
      await this.#raw.close(disposition);
    } catch (error) {
      // The card or reader already went: releasing it has nothing left to do.
      if (!isDriverError(error, ...DISCONNECTED_OK)) throw asDriverError(error, this.reader);
    }
  }

  end(error: DriverError): void {
    if (this.closed) return;
    this.#finish(error);
    // The card is gone: closing its port can only fail for that same reason.
    this.#raw.close('leave').catch(() => undefined);
  }

  #finish(error: DriverError): void {
    this.#endedBy = error;
    this.#failCurrent?.(error);
    this.#settings.onEnd();
  }


  async #exchange(bytes: Uint8Array, options: CallOptions | undefined, inTransaction: boolean, chained: boolean): Promise<Uint8Array> {
    while (!inTransaction && this.#gate !== undefined) await this.#gate;
    const name = describeCommand(bytes);
    const port = chained ? this.#chained : this.#raw;
    if (this.#listeners.size === 0) return this.#call(name, options ?? {}, (signal) => port.transmit(bytes, { signal }));
    const start = performance.now();
    const record = { reader: this.reader, command: redactCommand(bytes), name };
    try {
      const answer = await this.#call(name, options ?? {}, (signal) => port.transmit(bytes, { signal }));
      this.#emit({ ...record, response: responseOf(this.reader, answer), ms: performance.now() - start });
      return answer;
    } catch (error) {
      this.#emit({ ...record, ...(isDriverError(error) ? { error } : {}), ms: performance.now() - start });
      throw error;
    }
  }

  #emit(record: ExchangeRecord): void {
    for (const listener of [...this.#listeners]) listener(record);
  }

  /** Queue `job`, bound it by the options' time and signal, end it early when the session ends. */
  #call<T>(what: string, options: CallOptions, job: (signal: AbortSignal) => Promise<T>, onLate?: (value: T) => void): Promise<T> {
    const timeoutMs = options.timeoutMs === undefined ? this.#settings.timeoutMs : checkTimeout(options.timeoutMs);
    return this.#queue.run(() => this.#bounded(what, timeoutMs, options.signal, job, onLate));
  }

  /**
   * Run one job with a time limit, the caller's signal and the session's
   * end racing it (the same contract as `withDeadline`, inlined on the
   * exchange path: one timer, no promise left behind per call).
   */
  #bounded<T>(what: string, timeoutMs: number, signal: AbortSignal | undefined, job: (signal: AbortSignal) => Promise<T>, onLate?: (value: T) => void): Promise<T> {
    if (this.#endedBy !== undefined) return Promise.reject(this.#endedBy);
    if (signal?.aborted === true) return Promise.reject(this.#canceled(what, signal));
    const controller = this.#controller;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#failCurrent = undefined;
        return true;
      };
      const fail = (error: DriverError): void => {
        if (!settle()) return;
        if (error.code === 'timeout' || error.code === 'canceled') {
          // Tell the transport to drop the call; the next call gets a fresh signal.
          this.#controller = new AbortController();
          controller.abort(error);
        }
        reject(error);
      };
      const onAbort = (): void => fail(this.#canceled(what, signal));
      const timer = setTimeout(() => fail(new DriverError('timeout', `no answer from the card in ${this.reader} within ${timeoutMs} ms to ${what}`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#failCurrent = fail;
      job(controller.signal).then(
        (value) => {
          if (settle()) resolve(value);
          else onLate?.(value);
        },
        (error: unknown) => {
          if (!settle()) return;
          const driverError = asDriverError(error, this.reader);
          if (isDriverError(driverError) && driverError.disconnected && driverError.code !== 'closed') this.end(driverError);
          reject(driverError);
        },
      );
    });
  }

  #canceled(what: string, signal: AbortSignal | undefined): DriverError {
    return new DriverError('canceled', `canceled while waiting for the card in ${this.reader} to answer ${what}`, { cause: signal?.reason });
  }
}
