/**
 * One `pcsclite` context: the readers pcscd lists, each with its card
 * presence and ATR, turned into {@link TransportEvent}s. A context dies
 * with its pcscd connection; the transport makes a new one (pcsc-transport.ts).
 * @module
 */
import type { DriverError } from '../core/errors.js';
import type { ReaderDescriptor, TransportEvent } from '../core/transport.js';
import { pcscError } from './pcsc-errors.js';
import type { PcscliteContext, PcscliteFactory, PcscliteReader, PcscliteStatus } from './pcsclite-module.js';

/** pcsc-lite keeps a card event counter in the upper 16 bits of dwEventState (pcsc-lite winscard_clnt.c). */
const EVENT_COUNT_SHIFT = 16;

/**
 * How long a status thread must have been silent before its native close.
 * pcsclite 1.0.1's close() (src/cardreader.cpp, src/pcsclite.cpp) calls
 * SCardCancel five times over 50 ms and then joins the thread. SCardCancel
 * only reaches a thread already waiting inside SCardGetStatusChange: one
 * still connecting to pcscd, or between two calls, misses it, and then
 * either the join blocks the event loop for good or the thread ends without
 * telling the main thread (its pcscd context and libuv handle leak, the
 * process never exits). A thread has reached its wait once its first report
 * is in and none came for this long (README "pcsclite close race").
 */
export const PARK_MS = 100;
/** A thread that never reports is closed after this long anyway (pcscd itself is stuck then). */
const FIRST_REPORT_CAP_MS = 2000;

/** What the context knows of one reader. */
export interface ReaderEntry {
  readonly reader: PcscliteReader;
  /** Undefined until the reader's first status (pcsclite asks for it at once). */
  state: number | undefined;
  atr: Uint8Array;
  /** Called at each status of this reader (the port's wait for a removal). */
  readonly statusWaiters: Set<() => void>;
  /** Native card calls in flight: pcsclite's close() would block the event loop on the reader's mutex until they end. */
  busy: number;
  /** Called when the last call in flight ends. */
  readonly idleWaiters: Set<() => void>;
  /** When the status thread last reported (performance.now()); undefined before its first report. */
  lastReport: number | undefined;
}

/** What a context reports to its owner. */
export interface ContextSink {
  event(event: TransportEvent): void;
  /** The pcscd connection failed: the context is dead and closing (its close() promise says when it is closed). */
  failed(error: DriverError): void;
}

/** One live pcsclite context. */
export class PcscContext {
  readonly readers = new Map<string, ReaderEntry>();
  private listed = false;
  private closed = false;
  /** The pcscd connection broke: no more events, closing on the next turn. */
  private broken = false;
  private brokenBy: DriverError | undefined;
  private readonly settledWaiters = new Set<() => void>();
  private readonly native: PcscliteContext;
  /** When the reader-list thread last reported; undefined before its first list. */
  private lastList: number | undefined;
  private closing: Promise<void> | undefined;

  /** Throws a DriverError (`no-service` when pcscd is not running). */
  constructor(
    factory: PcscliteFactory,
    private readonly sink: ContextSink,
  ) {
    try {
      this.native = factory();
    } catch (error) {
      throw pcscError(error, 'connecting to pcscd', 'context');
    }
    // The factory starts its reader-list thread on the next tick and gives no
    // sign when a list arrived (none at all for an empty list): wrap its start
    // callback to learn that the first list is in.
    const start = this.native.start.bind(this.native);
    Object.defineProperty(this.native, 'start', {
      value: (callback: Parameters<PcscliteContext['start']>[0]) =>
        start((error, names) => {
          this.lastList = performance.now();
          callback(error, names);
          if (error === undefined && !this.closed) {
            this.listed = true;
            this.checkSettled();
          }
        }),
    });
    this.native.on('reader', (reader) => this.addReader(reader));
    this.native.on('error', (error) => this.fail(error));
  }

  /** Why the pcscd connection broke, once it did. */
  get failure(): DriverError | undefined {
    return this.brokenBy;
  }

  /** The readers now, with card presence (call after {@link settled}). */
  list(): ReaderDescriptor[] {
    return [...this.readers].map(([name, entry]) => ({ name, cardPresent: present(entry) }));
  }

  /** Resolves once the first reader list and each reader's first status are in; false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.isSettled()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.settledWaiters.delete(waiter);
        resolve(value);
      };
      const waiter = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.settledWaiters.add(waiter);
    });
  }

  /** Resolves true when `name` shows no card (or a different card) within `timeoutMs`. */
  async cardLeft(name: string, sinceCount: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = this.readers.get(name);
      if (entry === undefined || !present(entry) || eventCount(entry) !== sinceCount) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake() {
          clearTimeout(timer);
          entry!.statusWaiters.delete(wake);
          resolve();
        }
        entry.statusWaiters.add(wake);
      });
    }
  }

  /** Count `call` as in flight on `name`'s reader; a reader closed meanwhile is closed when its calls end. */
  track<T>(name: string, call: Promise<T>): Promise<T> {
    const entry = this.readers.get(name);
    if (entry === undefined) return call;
    entry.busy++;
    const idle = () => {
      if (--entry.busy === 0 && entry.idleWaiters.size > 0) for (const wake of [...entry.idleWaiters]) wake();
    };
    call.then(idle, idle);
    return call;
  }

  /**
   * Stop every status thread and the reader-list thread. No event is reported
   * after the call; the promise resolves once every native thread is closed,
   * each once parked (see {@link PARK_MS}), except a reader with a call in
   * flight: its thread closes when the call ends. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closed = true;
    const entries = [...this.readers.values()];
    for (const entry of entries) for (const wake of [...entry.statusWaiters]) wake();
    this.readers.clear();
    for (const waiter of [...this.settledWaiters]) waiter();
    this.closing = Promise.all(entries.map((entry) => this.closeReader(entry))).then(async () => {
      await parked(() => this.lastList);
      this.native.close();
    });
    return this.closing;
  }

  /** Close a reader's status thread once parked; one with a call in flight closes when the call ends, parked again (a mute card's call may never end: not awaited). */
  private async closeReader(entry: ReaderEntry): Promise<void> {
    await parked(() => entry.lastReport);
    if (entry.busy === 0) {
      entry.reader.close();
      return;
    }
    entry.idleWaiters.add(function closeWhenIdle(this: void) {
      entry.idleWaiters.delete(closeWhenIdle);
      void parked(() => entry.lastReport).then(() => entry.reader.close());
    });
  }

  private addReader(reader: PcscliteReader): void {
    const entry: ReaderEntry = { reader, state: undefined, atr: new Uint8Array(0), statusWaiters: new Set(), busy: 0, idleWaiters: new Set(), lastReport: undefined };
    // Before any other listener: the close waits on these times even after the context closed.
    reader.on('status', () => (entry.lastReport = performance.now()));
    reader.on('error', () => (entry.lastReport = performance.now()));
    if (this.closed) {
      void this.closeReader(entry);
      return;
    }
    this.readers.set(reader.name, entry);
    // pcsclite hangs or crashes the process when a reader's 'error' has no listener (DOMAIN.md).
    reader.on('error', (error) => {
      if (pcscError(error, 'watching a reader', 'context').code === 'no-service') this.fail(error);
    });
    reader.on('status', (status) => this.onStatus(entry, status));
    reader.on('end', () => {
      if (this.closed || this.broken || this.readers.get(reader.name) !== entry) return;
      this.readers.delete(reader.name);
      if (present(entry)) this.sink.event({ type: 'card.removed', reader: reader.name });
      this.sink.event({ type: 'reader.removed', reader: reader.name });
      for (const wake of [...entry.statusWaiters]) wake();
      this.checkSettled();
    });
    this.sink.event({ type: 'reader.added', reader: reader.name });
  }

  private onStatus(entry: ReaderEntry, status: PcscliteStatus): void {
    if (this.closed || this.broken) return;
    const name = entry.reader.name;
    const before = entry.state;
    const wasPresent = before !== undefined && present(entry);
    const swapped = wasPresent && eventCount(entry) !== status.state >>> EVENT_COUNT_SHIFT;
    entry.state = status.state;
    const isPresent = present(entry);
    if (isPresent && status.atr !== undefined && status.atr.length > 0) entry.atr = new Uint8Array(status.atr);
    if (wasPresent && (!isPresent || swapped)) this.sink.event({ type: 'card.removed', reader: name });
    if (isPresent && (!wasPresent || swapped)) this.sink.event({ type: 'card.inserted', reader: name, atr: entry.atr });
    for (const wake of [...entry.statusWaiters]) wake();
    if (before === undefined) this.checkSettled();
  }

  private isSettled(): boolean {
    return this.closed || this.broken || (this.listed && [...this.readers.values()].every((e) => e.state !== undefined));
  }

  private checkSettled(): void {
    if (this.isSettled()) for (const waiter of [...this.settledWaiters]) waiter();
  }

  private fail(error: Error): void {
    if (this.closed || this.broken) return; // pcsclite reports its own close as "Command cancelled"
    this.broken = true;
    this.brokenBy = pcscError(error, 'watching pcscd readers', 'context');
    // close() touches no native thread now: they close once parked, never from inside this callback.
    void this.close();
    this.sink.failed(this.brokenBy);
  }
}

/** Resolves, in a macrotask of its own, once a thread whose last report time `last` gives has been silent for {@link PARK_MS}, or never reported for {@link FIRST_REPORT_CAP_MS}. */
async function parked(last: () => number | undefined): Promise<void> {
  const since = performance.now();
  for (;;) {
    const at = last();
    const now = performance.now();
    const wait = at === undefined ? since + FIRST_REPORT_CAP_MS - now : at + PARK_MS - now;
    if (wait <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, at === undefined ? 10 : wait)));
  }
  // Always from a macrotask of its own: a pcsclite reader holds its mutex while it calls us back
  // (src/cardreader.cpp HandleReaderStatusChange), and node drains microtasks inside that callback
  // ('_end' goes through MakeCallback). A close() run there locks the same mutex again and the
  // process hangs for good (seen under a pcscd restart).
  await new Promise((resolve) => setImmediate(resolve));
}

/** True when the reader's last status shows a card (SCARD_STATE_PRESENT). */
export function present(entry: ReaderEntry): boolean {
  return entry.state !== undefined && (entry.state & entry.reader.SCARD_STATE_PRESENT) !== 0;
}

/** The card event counter of the reader's last status. */
export function eventCount(entry: ReaderEntry): number {
  return (entry.state ?? 0) >>> EVENT_COUNT_SHIFT;
}
