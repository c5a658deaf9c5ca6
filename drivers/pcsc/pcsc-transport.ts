/**
 * The PC/SC transport: readers and cards through pcscd with the `pcsclite`
 * npm module. It survives pcscd restarts: when the daemon goes away it
 * reports `service.down`, fails the open ports with `reader-gone`, and
 * makes a new context with backoff until pcscd answers again (`service.up`,
 * then the readers again).
 * @module
 */
import { DriverError } from '../core/errors.js';
import type { OpenOptions, ReaderDescriptor, ReaderPort, ReaderTransport, TransportEvent } from '../core/transport.js';
import { eventCount, PcscContext, present } from './pcsc-context.js';
import { pcscError } from './pcsc-errors.js';
import { cardProtocol, PcscPort } from './pcsc-port.js';
import { loadPcsclite, type PcscliteFactory, type PcscliteImporter } from './pcsclite-module.js';
import { processReaderLocks } from './transaction-lock.js';

/** Reconnection to pcscd: `min(maxMs, initialMs * 2 ** attempt)` between attempts. */
export interface PcscBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Options of {@link createPcscTransport}. */
export interface PcscTransportOptions {
  /** Between attempts to reach pcscd again after it went away; default 100 ms doubling up to 2 s. */
  readonly backoff?: PcscBackoff;
  /** How long `list()` and `open()` wait for pcscd's first reader list and statuses; default 5 s. */
  readonly settleTimeoutMs?: number;
  /** How long `beginTransaction()` waits for another session of this process to end its transaction; default 30 s. */
  readonly transactionTimeoutMs?: number;
  /** How `pcsclite` is imported (tests pass one that fails); default a dynamic import of the npm module. */
  readonly importer?: PcscliteImporter;
}

const DEFAULT_BACKOFF: PcscBackoff = { initialMs: 100, maxMs: 2000 };

/**
 * Make a PC/SC transport (kind `pcsc`). Nothing native is loaded until the
 * first `list`, `watch` or `open`. PC/SC leaves 61XX / 6CXX to the host
 * (`chainsResponses: false`). pcsclite has one card handle per reader
 * object: the first port on a reader uses the transport's context, each
 * further one a context of its own (two pcscd connections that pcsclite
 * frees only at garbage collection).
 * Transactions are an in-process lock (transaction-lock.ts).
 * @example
 * const transport = createPcscTransport();
 * const [reader] = await transport.list();
 * const port = await transport.open(reader!.name, { share: 'shared', protocols: ['T=0', 'T=1'] });
 * await port.transmit(hex('00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45'));
 * await port.close('leave');
 * await transport.close();
 */
export function createPcscTransport(options: PcscTransportOptions = {}): ReaderTransport {
  return new PcscTransport(options);
}

class PcscTransport implements ReaderTransport {
  readonly kind = 'pcsc';
  private readonly listeners = new Set<(event: TransportEvent) => void>();
  /** The open ports, by reader. */
  private readonly ports = new Map<string, Set<PcscPort>>();
  private factory: PcscliteFactory | undefined;
  private context: PcscContext | undefined;
  private connecting: Promise<PcscContext> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** pcscd went away since the last context: the next one announces `service.up`. */
  private down = false;
  private closed = false;
  /** Contexts closing (their native threads park first, pcsc-context.ts): close() waits for them. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly backoff: PcscBackoff;
  private readonly settleTimeoutMs: number;
  private readonly transactionTimeoutMs: number;

  constructor(private readonly options: PcscTransportOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 5000;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 30_000;
  }

  async list(): Promise<ReaderDescriptor[]> {
    return (await this.ready()).list();
  }

  watch(listener: (event: TransportEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.context === undefined && this.connecting === undefined && this.retryTimer === undefined && !this.closed) {
      this.ready().catch((error: unknown) => {
        if (error instanceof DriverError && error.code === 'no-service') this.serviceLost(error);
        else this.emit({ type: 'service.down', error: error instanceof Error ? error : new Error(String(error)) });
      });
    }
    return () => void this.listeners.delete(listener);
  }

  open(reader: string, options: OpenOptions): Promise<ReaderPort> {
    if (options.protocols.length === 0) throw new RangeError('open needs at least one protocol (T=0, T=1)');
    return this.connectCard(reader, options);
  }

  private async connectCard(reader: string, options: OpenOptions): Promise<ReaderPort> {
    const context = await this.ready(options.signal);
    const entry = context.readers.get(reader);
    if (entry === undefined) {
      const names = [...context.readers.keys()].map((n) => `"${n}"`).join(', ') || 'none';
      throw new DriverError('not-found', `there is no reader "${reader}" (pcscd lists: ${names})`);
    }
    if (!present(entry)) throw new DriverError('no-card', `there is no card in "${reader}"`);
    // pcsclite has one card handle per reader object: a second port on a reader gets a context of its own.
    // (A bare CardReader would do without the context's threads, but pcsclite 1.0.1 leaves its thread id
    // unset when no status thread started, and its destructor then aborts the process: README.)
    const own = (this.ports.get(reader)?.size ?? 0) > 0 ? await this.handleContext(reader) : undefined;
    const native = own?.readers.get(reader)?.reader ?? entry.reader;
    const protocolMask = options.protocols.reduce((mask, p) => mask | (p === 'T=0' ? native.SCARD_PROTOCOL_T0 : native.SCARD_PROTOCOL_T1), 0);
    const ports = this.ports.get(reader) ?? new Set<PcscPort>();
    this.ports.set(reader, ports);
    const port: PcscPort = new PcscPort(
      {
        native,
        share: options.share,
        protocolMask,
        locks: processReaderLocks,
        transactionTimeoutMs: this.transactionTimeoutMs,
        atr: () => entry.atr,
        eventCount: () => eventCount(entry),
        cardLeft: (since, ms) => context.cardLeft(reader, since, ms),
        detach: () => {
          ports.delete(port);
          if (own !== undefined) this.retire(own);
        },
        track: (call) => (own ?? context).track(reader, call),
      },
      reader,
      entry.atr,
      'T=1',
    );
    ports.add(port);
    let value: number;
    try {
      value = await new Promise<number>((resolve, reject) => {
        const share = options.share === 'exclusive' ? native.SCARD_SHARE_EXCLUSIVE : native.SCARD_SHARE_SHARED;
        native.connect({ share_mode: share, protocol: protocolMask }, (error, protocol) =>
          error ? reject(pcscError(error, `connecting to the card in "${reader}"`, 'context')) : resolve(protocol),
        );
      });
    } catch (error) {
      ports.delete(port);
      if (own !== undefined) this.retire(own);
      throw error;
    }
    const protocol = cardProtocol(native, value);
    if (protocol === undefined || options.signal?.aborted === true || this.closed) {
      await port.close('leave');
      if (this.closed) throw new DriverError('closed', 'the PC/SC transport was closed during open');
      if (protocol === undefined) throw new DriverError('not-supported', `the card in "${reader}" speaks neither T=0 nor T=1 (PC/SC protocol ${value})`);
      throw new DriverError('canceled', `opening "${reader}" was canceled`);
    }
    port.protocol = protocol;
    port.atr = entry.atr;
    return port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.ports.values()].flatMap((ports) => [...ports].map((port) => port.close('leave'))));
    this.listeners.clear();
    await this.connecting?.catch(() => undefined);
    if (this.context !== undefined) this.retire(this.context);
    this.context = undefined;
    await Promise.all(this.retiring);
  }

  /** Close `context`; {@link close} waits until its native threads are closed. */
  private retire(context: PcscContext): void {
    const closing = context.close();
    this.retiring.add(closing);
    void closing.finally(() => this.retiring.delete(closing));
  }

  /** A settled context, made now if there is none. */
  private async ready(signal?: AbortSignal): Promise<PcscContext> {
    if (this.closed) throw new DriverError('closed', 'the PC/SC transport is closed');
    if (signal?.aborted === true) throw new DriverError('canceled', 'the call was canceled');
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<PcscContext> {
    const factory = await loadPcsclite(this.options.importer);
    this.factory = factory;
    if (this.context !== undefined) return this.context;
    // The new context's first readers are announced after `service.up`, once it settled.
    let early: TransportEvent[] | undefined = [];
    const context = new PcscContext(factory, {
      event: (event) => (early === undefined ? this.observe(event) : early.push(event)),
      failed: (error) => this.contextFailed(context, error),
    });
    const settled = await context.settled(this.settleTimeoutMs);
    const first = early;
    early = undefined;
    if (context.failure !== undefined) throw context.failure;
    if (!settled) {
      this.retire(context);
      throw new DriverError('timeout', `pcscd did not report its readers within ${this.settleTimeoutMs} ms`);
    }
    if (this.closed) {
      this.retire(context);
      throw new DriverError('closed', 'the PC/SC transport was closed while it connected to pcscd');
    }
    this.context = context;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    if (this.down) {
      this.down = false;
      this.emit({ type: 'service.up' });
    }
    for (const event of first) this.observe(event);
    return context;
  }

  /**
   * A context of its own for a second port on `reader` (its events are the
   * main context's too, so it reports none). Costs pcscd connections that
   * pcsclite releases only when the objects are garbage-collected.
   */
  private async handleContext(reader: string): Promise<PcscContext> {
    const own = new PcscContext(this.factory!, { event: () => undefined, failed: () => undefined });
    if (!(await own.settled(this.settleTimeoutMs)) || own.failure !== undefined || !own.readers.has(reader)) {
      this.retire(own);
      throw own.failure ?? new DriverError('reader-gone', `"${reader}" did not show in a new pcscd context within ${this.settleTimeoutMs} ms`);
    }
    return own;
  }

  /** A context's event: ports in a reader or card that left are over; listeners hear it. */
  private observe(event: TransportEvent): void {
    for (const port of 'reader' in event ? (this.ports.get(event.reader) ?? []) : []) {
      if (event.type === 'card.removed') port.markGone(new DriverError('card-removed', `the card was removed from "${event.reader}"`));
      if (event.type === 'reader.removed') port.markGone(new DriverError('reader-gone', `the reader "${event.reader}" went away`));
    }
    this.emit(event);
  }

  private contextFailed(context: PcscContext, error: DriverError): void {
    this.retire(context);
    if (this.context !== context) return; // failed while connecting: connect() reports it
    this.context = undefined;
    const gone = new DriverError('reader-gone', `pcscd went away: the session is over; connect again once it is back (${error.message})`, { cause: error });
    for (const ports of this.ports.values()) for (const port of ports) port.markGone(gone);
    this.serviceLost(error);
  }

  /** pcscd is unreachable: say so once, and try again with backoff while anyone watches. */
  private serviceLost(error: DriverError): void {
    if (this.closed) return;
    if (!this.down) {
      this.down = true;
      this.emit({ type: 'service.down', error });
    }
    if (this.listeners.size === 0 || this.retryTimer !== undefined) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ready().catch((failure: unknown) => {
        if (failure instanceof DriverError && failure.code !== 'closed') this.serviceLost(failure);
      });
    }, delay);
  }

  private emit(event: TransportEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
