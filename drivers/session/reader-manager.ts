/**
 * The session layer over any {@link ReaderTransport}, built once (STYLE.md
 * "Drivers"): readers, hot-plug events, waiting for a card, and sessions
 * that end when their card or reader goes (issue 5 "One interface").
 * @module
 */
import { DriverError } from '../core/errors.js';
import type { CardProtocol, ReaderDescriptor, ReaderTransport, ShareMode, TransportEvent } from '../core/transport.js';
import { openSession, type CallOptions, type CardSession, type ManagedSession } from './card-session.js';
import { checkTimeout, withDeadline } from './deadline.js';

/** Options of {@link createReaderManager}. */
export interface ReaderManagerOptions {
  /** Default time limit of every exchange, connection and wait, in ms (default 30,000). */
  readonly timeoutMs?: number;
}

/** Options of {@link Reader.connect}. */
export interface ConnectOptions extends CallOptions {
  /** Default `'shared'` (PC/SC SCARD_SHARE_SHARED). */
  readonly share?: ShareMode;
  /** Acceptable protocols; default both. */
  readonly protocols?: readonly CardProtocol[];
}

/** One reader of a {@link ReaderManager}. */
export interface Reader {
  readonly name: string;
  /** Whether a card sits in the reader now; `not-found` when the reader is not there. */
  cardPresent(): Promise<boolean>;
  /** Listen to this reader's events only; returns the function that stops listening. */
  onEvent(listener: (event: TransportEvent) => void): () => void;
  /** Resolves with the ATR of the card in the reader, at once if one is in, else when one is inserted. */
  waitForCard(options?: CallOptions): Promise<Uint8Array>;
  /** Power the card and open a session to it. */
  connect(options?: ConnectOptions): Promise<CardSession>;
}

/**
 * Readers and sessions over one transport. `close()` ends every session
 * (`closed`), stops watching and closes the transport, which the manager
 * owns. Every wait is bounded by `timeoutMs` or the call's own limits.
 */
export interface ReaderManager {
  readonly transport: ReaderTransport;
  /** The readers now, with card presence. */
  listReaders(): Promise<ReaderDescriptor[]>;
  /** The reader called `name` (it need not be plugged in yet). */
  reader(name: string): Reader;
  /** Listen to every event: `reader.added/removed`, `card.inserted/removed`, `service.down/up`. */
  onEvent(listener: (event: TransportEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Build the session layer over `transport`.
 * @example
 * const manager = createReaderManager(createInProcessTransport());
 * const session = await manager.reader('Vitale').connect();
 * const fci = await session.transmit(hex('00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45'));
 */
export function createReaderManager(transport: ReaderTransport, options: ReaderManagerOptions = {}): ReaderManager {
  return new SessionManager(transport, checkTimeout(options.timeoutMs ?? 30_000));
}

const readerOf = (event: TransportEvent): string | undefined => ('reader' in event ? event.reader : undefined);

class SessionManager implements ReaderManager {
  readonly #listeners = new Set<(event: TransportEvent) => void>();
  readonly #sessions = new Set<ManagedSession>();
  readonly #atrs = new Map<string, Uint8Array>();
  readonly #stopWatching: () => void;
  #closed = false;

  constructor(
    readonly transport: ReaderTransport,
    readonly timeoutMs: number,
  ) {
    this.#stopWatching = transport.watch((event) => this.#dispatch(event));
  }

  listReaders(): Promise<ReaderDescriptor[]> {
    this.checkOpen();
    return this.transport.list();
  }

  reader(name: string): Reader {
    if (typeof name !== 'string' || name === '') throw new TypeError('a reader name is a non-empty string');
    return new ManagedReader(this, name);
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatching();
    const sessions = [...this.#sessions];
    await Promise.allSettled(sessions.map((s) => s.disconnect('leave')));
    this.#listeners.clear();
    await this.transport.close();
  }

  /** The last ATR seen for `reader` (from `card.inserted` or a session). */
  knownAtr(reader: string): Uint8Array | undefined {
    return this.#atrs.get(reader);
  }

  adopt(session: ManagedSession): CardSession {
    this.#atrs.set(session.reader, session.atr);
    this.#sessions.add(session);
    return session;
  }

  forget(session: ManagedSession): void {
    this.#sessions.delete(session);
  }

  checkOpen(): void {
    if (this.#closed) throw new DriverError('closed', 'the reader manager was closed');
  }

  #dispatch(event: TransportEvent): void {
    const reader = readerOf(event);
    if (event.type === 'card.inserted') this.#atrs.set(event.reader, event.atr);
    if (event.type === 'card.removed' || event.type === 'reader.removed') this.#atrs.delete(event.reader);
    const ending = endingError(event);
    if (ending !== undefined) {
      for (const session of [...this.#sessions]) if (reader === undefined || session.reader === reader) session.end(ending);
    }
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** The error a session gets when `event` takes its card away. */
function endingError(event: TransportEvent): DriverError | undefined {
  switch (event.type) {
    case 'card.removed':
      return new DriverError('card-removed', `the card was removed from ${event.reader}`);
    case 'reader.removed':
      return new DriverError('reader-gone', `the reader ${event.reader} was unplugged`);
    case 'service.down':
      return new DriverError('no-service', `the reader service went away: ${event.error.message}`, { cause: event.error });
    default:
      return undefined;
  }
}

class ManagedReader implements Reader {
  constructor(
    readonly manager: SessionManager,
    readonly name: string,
  ) {}

  async cardPresent(): Promise<boolean> {
    const found = (await this.manager.listReaders()).find((r) => r.name === this.name);
    if (found === undefined) throw new DriverError('not-found', `no reader named ${this.name}`);
    return found.cardPresent;
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    return this.manager.onEvent((event) => {
      if (readerOf(event) === this.name) listener(event);
    });
  }

  waitForCard(options: CallOptions = {}): Promise<Uint8Array> {
    this.manager.checkOpen();
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.manager.timeoutMs);
    let stop: () => void = () => undefined;
    const work = async (signal: AbortSignal): Promise<Uint8Array> => {
      const inserted = new Promise<Uint8Array>((resolve) => {
        stop = this.onEvent((event) => {
          if (event.type === 'card.inserted') resolve(event.atr);
        });
      });
      if (await this.#presentNow()) {
        return this.manager.knownAtr(this.name) ?? (await this.#readAtr(signal));
      }
      return inserted;
    };
    const waiting = withDeadline(work, { timeoutMs, signal: options.signal }, {
      timeout: (ms) => `no card was inserted in ${this.name} within ${ms} ms`,
      canceled: `canceled while waiting for a card in ${this.name}`,
    });
    return waiting.finally(() => stop());
  }

  async connect(options: ConnectOptions = {}): Promise<CardSession> {
    this.manager.checkOpen();
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.manager.timeoutMs);
    const openOptions = { share: options.share ?? 'shared', protocols: options.protocols ?? ['T=0', 'T=1'] } as const;
    const port = await withDeadline(
      (signal) => this.manager.transport.open(this.name, { ...openOptions, signal }),
      { timeoutMs, signal: options.signal },
      { timeout: (ms) => `the card in ${this.name} was not powered within ${ms} ms`, canceled: `canceled while connecting to the card in ${this.name}` },
      // A port opened after the caller gave up is released at once; nobody is left to hear its failure.
      (late) => void late.close('leave').catch(() => undefined),
    );
    const session: ManagedSession = openSession(port, { timeoutMs: this.manager.timeoutMs, onEnd: () => this.manager.forget(session) });
    return this.manager.adopt(session);
  }

  async #presentNow(): Promise<boolean> {
    const found = (await this.manager.listReaders()).find((r) => r.name === this.name);
    return found?.cardPresent === true;
  }

  /** The ATR of a card already in the reader before this manager watched: a shared connection reads it. */
  async #readAtr(signal: AbortSignal): Promise<Uint8Array> {
    const port = await this.manager.transport.open(this.name, { share: 'shared', protocols: ['T=0', 'T=1'], signal });
    await port.close('leave');
    return port.atr;
  }
}
