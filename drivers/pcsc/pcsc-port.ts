/**
 * A {@link ReaderPort} over one `pcsclite` CardReader's card handle
 * (SCardConnect / SCardTransmit / SCardDisconnect through pcscd).
 * @module
 */
import { DriverError, isDriverError } from '../core/errors.js';
import type { CardProtocol, Disposition, ReaderPort, ShareMode, TransmitOptions } from '../core/transport.js';
import { pcscError } from './pcsc-errors.js';
import type { PcscliteReader } from './pcsclite-module.js';
import type { ReaderLocks } from './transaction-lock.js';

/** Response buffer for a short command: Ne up to 256 plus SW1 SW2 (ISO/IEC 7816-4 §5.1). */
const SHORT_RESPONSE_MAX = 258;
/** Response buffer for an extended command: Ne up to 65536 plus SW1 SW2. */
const EXTENDED_RESPONSE_MAX = 65538;
/** pcscd notices a vanished card at its next presence poll, every 400 ms (DOMAIN.md); a loaded machine may take a few polls. */
const PRESENCE_POLL_GRACE_MS = 2000;

/** How long close() waits for SCardDisconnect: a pcscd that never answers must not hang the caller. */
const RELEASE_WAIT_MS = 5000;

/** `promise`, or nothing after `ms` (the promise goes on alone; its failure is dropped with it). */
async function boundedWait(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  promise.catch(() => undefined);
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a port needs from its transport. */
export interface PortLink {
  readonly native: PcscliteReader;
  readonly share: ShareMode;
  /** SCARD_PROTOCOL_* bits the caller accepts. */
  readonly protocolMask: number;
  readonly locks: ReaderLocks;
  readonly transactionTimeoutMs: number;
  /** The ATR pcscd last reported for the reader. */
  atr(): Uint8Array;
  /** The reader's card event counter now. */
  eventCount(): number;
  /** True once the reader shows no card, or another card, than at `sinceCount` (within `timeoutMs`). */
  cardLeft(sinceCount: number, timeoutMs: number): Promise<boolean>;
  /** The port is closed: the transport forgets it. */
  detach(): void;
  /** Count a native call as in flight on the reader (see PcscContext.track). */
  track<T>(call: Promise<T>): Promise<T>;
}

/** The card protocol pcsclite's `connect` agreed, by its SCARD_PROTOCOL_* value. */
export function cardProtocol(reader: PcscliteReader, value: number): CardProtocol | undefined {
  if (value === reader.SCARD_PROTOCOL_T0) return 'T=0';
  if (value === reader.SCARD_PROTOCOL_T1) return 'T=1';
  return undefined;
}

/** pcsclite's SCARD_* disposition for a {@link Disposition}. */
export function dispositionValue(reader: PcscliteReader, disposition: Disposition): number {
  switch (disposition) {
    case 'leave':
      return reader.SCARD_LEAVE_CARD;
    case 'reset':
      return reader.SCARD_RESET_CARD;
    case 'unpower':
      return reader.SCARD_UNPOWER_CARD;
    case 'eject':
      return reader.SCARD_EJECT_CARD;
  }
}

/** Callback-style native call to a promise, mapping its error. */
function nativeCall<T>(what: string, start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, value) => (error ? reject(pcscError(error, what, 'port')) : resolve(value)));
  });
}

interface Pending {
  readonly reject: (error: DriverError) => void;
}

/**
 * The port. Concurrency: one call at a time (a second is a programmer
 * error, thrown). An aborted call rejects `canceled` at once, but pcsclite
 * cannot cancel SCardTransmit: the card finishes it and its answer is
 * dropped. `close()` rejects a pending call with `closed`.
 */
export class PcscPort implements ReaderPort {
  readonly chainsResponses = false;
  private pending: Pending | undefined;
  /** Native calls not yet returned (an aborted or closed call goes on in pcsclite's thread). */
  private inFlight = 0;
  private gone: DriverError | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly link: PortLink,
    readonly reader: string,
    public atr: Uint8Array,
    public protocol: CardProtocol,
  ) {}

  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array> {
    if (!(command instanceof Uint8Array) || command.length < 4) throw new TypeError('transmit takes a command APDU of at least 4 bytes (CLA INS P1 P2)');
    return this.run(options?.signal, async () => {
      if (this.link.locks.heldByOther(this.reader, this)) {
        throw new DriverError('sharing-violation', `another session of this process holds a transaction on "${this.reader}"`);
      }
      const native = this.link.native;
      const extended = command.length > 5 && command[4] === 0;
      const count = this.link.eventCount();
      const removed = () => new DriverError('card-removed', `the card in "${this.reader}" was removed during the exchange`);
      let response: Buffer;
      try {
        response = await this.native<Buffer>(`sending an APDU to "${this.reader}"`, (done) =>
          native.transmit(Buffer.from(command.buffer, command.byteOffset, command.byteLength), extended ? EXTENDED_RESPONSE_MAX : SHORT_RESPONSE_MAX, this.protocolValue(), done),
        );
      } catch (error) {
        // A card pulled mid-exchange may also fail the exchange itself (SCARD_E_NOT_TRANSACTED) before pcscd's poll sees it gone.
        if (isDriverError(error, 'card-unresponsive') && (await this.link.cardLeft(count, PRESENCE_POLL_GRACE_MS))) throw removed();
        throw error;
      }
      if (response.length >= 2) return new Uint8Array(response);
      // vpcd answers an empty response when the card leaves mid-exchange; pcscd sees the removal at its next poll.
      if (await this.link.cardLeft(count, PRESENCE_POLL_GRACE_MS)) throw removed();
      throw new DriverError('protocol-error', `"${this.reader}" answered ${response.length} byte(s), no status word`);
    });
  }

  reset(kind: 'reset' | 'unpower'): Promise<Uint8Array> {
    return this.run(undefined, () => this.reconnect(kind));
  }

  beginTransaction(): Promise<void> {
    return this.run(undefined, () => this.link.locks.acquire(this.reader, this, this.link.transactionTimeoutMs));
  }

  endTransaction(disposition: Disposition): Promise<void> {
    if (!this.link.locks.holds(this.reader, this)) throw new Error(`no transaction is open on this port to "${this.reader}"`);
    return this.run(undefined, async () => {
      try {
        if (disposition !== 'leave') await this.reconnect(disposition === 'reset' ? 'reset' : 'unpower');
      } finally {
        this.link.locks.release(this.reader, this);
      }
    });
  }

  close(disposition: Disposition): Promise<void> {
    this.closing ??= this.shut(disposition);
    return this.closing;
  }

  /** The reader or pcscd went away: pending and later calls reject with `error`. */
  markGone(error: DriverError): void {
    this.gone ??= error;
    this.pending?.reject(error);
  }

  private async shut(disposition: Disposition): Promise<void> {
    this.pending?.reject(new DriverError('closed', `the port to "${this.reader}" was closed during the call`));
    this.link.locks.abandon(this.reader, this);
    this.link.detach();
    // Even when the card or reader is gone: pcsclite keeps its handle (and `connected`) until SCardDisconnect succeeds.
    const native = this.link.native;
    const busy = this.inFlight > 0;
    const release = this.native<void>(`releasing the card in "${this.reader}"`, (done) => native.disconnect(dispositionValue(native, disposition), done)).catch((error: unknown) => {
      // A card or reader already gone is released all the same.
      if (!(error instanceof DriverError && error.disconnected)) throw error;
    });
    // A call still in pcsclite's thread holds the reader until the card answers: close does not wait for it.
    if (busy) release.catch(() => undefined);
    else await boundedWait(release, RELEASE_WAIT_MS);
  }

  private native<T>(what: string, start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
    this.inFlight++;
    const call = this.link.track(nativeCall(what, start));
    const ended = () => void this.inFlight--;
    call.then(ended, ended);
    return call;
  }

  /** SCardDisconnect with RESET or UNPOWER, then SCardConnect again: pcsclite has no SCardReconnect. */
  private async reconnect(kind: 'reset' | 'unpower'): Promise<Uint8Array> {
    const native = this.link.native;
    const disposition = kind === 'reset' ? native.SCARD_RESET_CARD : native.SCARD_UNPOWER_CARD;
    await this.native<void>(`resetting the card in "${this.reader}"`, (done) => native.disconnect(disposition, done));
    const share = this.link.share === 'exclusive' ? native.SCARD_SHARE_EXCLUSIVE : native.SCARD_SHARE_SHARED;
    const value = await this.native<number>(`reconnecting to the card in "${this.reader}"`, (done) =>
      native.connect({ share_mode: share, protocol: this.link.protocolMask }, done),
    );
    this.protocol = cardProtocol(native, value) ?? this.protocol;
    this.atr = this.link.atr();
    return this.atr;
  }

  private protocolValue(): number {
    return this.protocol === 'T=0' ? this.link.native.SCARD_PROTOCOL_T0 : this.link.native.SCARD_PROTOCOL_T1;
  }

  /** One call at a time, rejected at once by close, loss of the reader or the signal. */
  private run<T>(signal: AbortSignal | undefined, body: () => Promise<T>): Promise<T> {
    if (this.pending !== undefined) throw new Error(`a call on the port to "${this.reader}" is still pending: one call at a time`);
    if (this.closing !== undefined) return Promise.reject(new DriverError('closed', `the port to "${this.reader}" is closed`));
    if (this.gone !== undefined) return Promise.reject(this.gone);
    if (signal?.aborted === true) return Promise.reject(canceled(this.reader));
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        this.pending = undefined;
        signal?.removeEventListener('abort', onAbort);
      };
      const pending: Pending = {
        reject: (error) => {
          if (this.pending !== pending) return;
          finish();
          reject(error);
        },
      };
      const onAbort = () => pending.reject(canceled(this.reader));
      this.pending = pending;
      signal?.addEventListener('abort', onAbort, { once: true });
      body().then(
        (value) => {
          if (this.pending !== pending) return;
          finish();
          resolve(value);
        },
        (error: unknown) => pending.reject(error instanceof DriverError ? error : new DriverError('transport-error', String(error), { cause: error })),
      );
    });
  }
}

function canceled(reader: string): DriverError {
  return new DriverError('canceled', `the call to "${reader}" was canceled; the card may still be working on it`);
}
