/**
 * The in-process card transport: readers that exist only in this process
 * and hold any object answering APDUs (the emulator's cards), with the
 * semantics of PC/SC (issue 5 "Transports"): reader and card events,
 * shared and exclusive access, transactions, dispositions, and a card
 * pulled mid-exchange rejecting it with `card-removed`.
 * @module
 */
import { parseAtr, protocolsOffered } from '../../protocol/index.js';
import { DriverError } from '../core/errors.js';
import type { CardProtocol, Disposition, OpenOptions, ReaderDescriptor, ReaderPort, ReaderTransport, TransmitOptions, TransportEvent } from '../core/transport.js';
import { isCardGone, type InProcessCard } from './in-process-card.js';

/**
 * A {@link ReaderTransport} of kind `'in-process'` plus the hands that
 * plug readers and move cards. Control methods name a reader that must
 * exist (else `not-found`); they resolve once the event is out.
 */
export interface InProcessTransport extends ReaderTransport {
  readonly kind: 'in-process';
  /** Plug a reader in (`reader.added`); an Error if the name is taken. */
  addReader(name: string): void;
  /** Unplug a reader (its card leaves first, then `reader.removed`); ports get `reader-gone`. */
  removeReader(name: string): Promise<void>;
  /** Put `card` in the reader: it is powered and `card.inserted` carries its ATR. An Error if the reader holds a card. */
  insert(name: string, card: InProcessCard): Promise<Uint8Array>;
  /** Pull the card (`card.removed`): pending and later calls of its ports reject `card-removed`. No-op when empty. */
  remove(name: string): Promise<void>;
}

/** Create an empty in-process transport: add readers, then insert cards. */
export function createInProcessTransport(): InProcessTransport {
  return new Transport();
}

const PROTOCOL_NAMES: ReadonlyMap<number, CardProtocol> = new Map([
  [0, 'T=0'],
  [1, 'T=1'],
]);

/** The protocol the ATR offers first among `wanted` (ISO/IEC 7816-3 §8.2.3: the first TD names the default). */
function chooseProtocol(reader: string, atr: Uint8Array, wanted: readonly CardProtocol[]): CardProtocol {
  const parsed = parseAtr(atr);
  if (!parsed.ok) throw new DriverError('card-unresponsive', `the card in ${reader} gave an ATR that does not parse (${parsed.error.message})`);
  const offered = protocolsOffered(parsed.value).flatMap((t) => PROTOCOL_NAMES.get(t) ?? []);
  const chosen = offered.find((p) => wanted.includes(p));
  if (chosen === undefined) throw new DriverError('not-supported', `the card in ${reader} speaks ${offered.join(', ')}, not ${wanted.join(' or ')}`);
  return chosen;
}

interface LockWaiter {
  readonly port: Port;
  readonly resolve: () => void;
  readonly reject: (error: DriverError) => void;
}

class Slot {
  card: InProcessCard | undefined;
  atr: Uint8Array | undefined;
  stopPresence: () => void = () => undefined;
  readonly ports = new Set<Port>();
  lockHolder: Port | undefined;
  readonly lockWaiters: LockWaiter[] = [];
  /** The exchange the card is still working on (set until it settles, even when its caller gave up). */
  busy: object | undefined;

  constructor(readonly name: string) {}

  kill(error: DriverError): void {
    for (const port of [...this.ports]) port.kill(error);
    for (const waiter of this.lockWaiters.splice(0)) waiter.reject(error);
    this.lockHolder = undefined;
  }

  release(port: Port): void {
    if (this.lockHolder !== port) return;
    this.lockHolder = undefined;
    const next = this.lockWaiters.shift();
    if (next !== undefined) {
      this.lockHolder = next.port;
      next.resolve();
    }
  }

  /** Apply a disposition to the card (PC/SC SCARD_LEAVE/RESET/UNPOWER/EJECT; eject powers off: no mechanism here). */
  async dispose(disposition: Disposition): Promise<void> {
    const card = this.card;
    if (card === undefined || this.atr === undefined || disposition === 'leave') return;
    if (disposition === 'reset') {
      this.atr = await card.reset();
      return;
    }
    this.atr = undefined;
    this.busy = undefined;
    await card.powerOff();
  }
}

class Port implements ReaderPort {
  readonly chainsResponses = false;
  readonly reader: string;
  #dead: DriverError | undefined;
  #rejectPending: ((error: DriverError) => void) | undefined;

  constructor(
    readonly slot: Slot,
    public atr: Uint8Array,
    readonly protocol: CardProtocol,
    readonly exclusive: boolean,
  ) {
    this.reader = slot.name;
  }

  kill(error: DriverError): void {
    if (this.#dead !== undefined) return;
    this.#dead = error;
    this.#rejectPending?.(error);
    this.slot.ports.delete(this);
  }

  #check(): InProcessCard {
    if (this.#dead !== undefined) throw this.#dead;
    const card = this.slot.card;
    if (card === undefined) throw new DriverError('card-removed', `the card was removed from ${this.reader}`);
    return card;
  }

  transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    let card: InProcessCard;
    try {
      card = this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    const { slot, reader } = this;
    if (slot.lockHolder !== undefined && slot.lockHolder !== this) {
      return Promise.reject(new DriverError('sharing-violation', `another session holds a transaction on the card in ${reader}`));
    }
    if (slot.atr === undefined) return Promise.reject(new DriverError('card-unresponsive', `the card in ${reader} is powered off: reset it (power cycle) first`));
    if (slot.busy !== undefined) {
      return Promise.reject(new DriverError('card-unresponsive', `the card in ${reader} has not answered the previous command yet: reset it (power cycle)`));
    }
    const token = {};
    slot.busy = token;
    return new Promise<Uint8Array>((resolve, reject) => {
      const { signal } = options;
      const done = (): void => {
        this.#rejectPending = undefined;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(new DriverError('canceled', `the exchange with the card in ${reader} was canceled`, { cause: signal?.reason }));
      };
      this.#rejectPending = (error) => {
        done();
        reject(error);
      };
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      card.transmit(command).then(
        (answer) => {
          if (slot.busy === token) slot.busy = undefined;
          done();
          resolve(answer);
        },
        (error: unknown) => {
          if (slot.busy === token) slot.busy = undefined;
          done();
          reject(
            isCardGone(error)
              ? new DriverError('card-removed', `the card in ${reader} was removed or powered off during the exchange`, { cause: error })
              : new DriverError('transport-error', `the card in ${reader} failed during the exchange`, { cause: error }),
          );
        },
      );
    });
  }

  async reset(kind: 'reset' | 'unpower'): Promise<Uint8Array> {
    const card = this.#check();
    if (kind === 'unpower') await this.slot.dispose('unpower');
    const atr = kind === 'reset' && this.slot.atr !== undefined ? await card.reset() : await card.powerOn();
    this.slot.atr = atr;
    this.atr = atr;
    return atr;
  }

  beginTransaction(): Promise<void> {
    try {
      this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    const { slot } = this;
    if (slot.lockHolder === undefined || slot.lockHolder === this) {
      slot.lockHolder = this;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => slot.lockWaiters.push({ port: this, resolve, reject }));
  }

  async endTransaction(disposition: Disposition): Promise<void> {
    this.#check();
    if (this.slot.lockHolder !== this) return;
    this.slot.release(this);
    await this.slot.dispose(disposition);
  }

  async close(disposition: Disposition): Promise<void> {
    if (this.#dead !== undefined) return;
    this.kill(new DriverError('closed', `the connection to the card in ${this.reader} was closed`));
    const waiting = this.slot.lockWaiters.findIndex((w) => w.port === this);
    if (waiting >= 0) this.slot.lockWaiters.splice(waiting, 1);
    this.slot.release(this);
    await this.slot.dispose(disposition);
  }
}

class Transport implements InProcessTransport {
  readonly kind = 'in-process';
  readonly #slots = new Map<string, Slot>();
  readonly #listeners = new Set<(event: TransportEvent) => void>();
  #closed = false;

  list(): Promise<ReaderDescriptor[]> {
    if (this.#closed) return Promise.reject(this.#closedError());
    return Promise.resolve([...this.#slots.values()].map((s) => ({ name: s.name, cardPresent: s.card !== undefined })));
  }

  watch(listener: (event: TransportEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async open(reader: string, options: OpenOptions): Promise<ReaderPort> {
    const slot = this.#slot(reader);
    const card = slot.card;
    if (card === undefined) throw new DriverError('no-card', `there is no card in ${reader}`);
    if (options.signal?.aborted === true) throw new DriverError('canceled', `canceled while connecting to the card in ${reader}`, { cause: options.signal.reason });
    const exclusiveHolder = [...slot.ports].some((p) => p.exclusive);
    if (exclusiveHolder || (options.share === 'exclusive' && slot.ports.size > 0)) {
      throw new DriverError('sharing-violation', `another session uses the card in ${reader} ${exclusiveHolder ? 'exclusively' : 'already'}`);
    }
    slot.atr ??= await card.powerOn();
    if (slot.card !== card) throw new DriverError('card-removed', `the card was removed from ${reader} while it was powered`);
    const port = new Port(slot, slot.atr, chooseProtocol(reader, slot.atr, options.protocols), options.share === 'exclusive');
    slot.ports.add(port);
    return port;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots.values()) {
      slot.kill(this.#closedError());
      slot.stopPresence();
    }
    this.#listeners.clear();
  }

  addReader(name: string): void {
    if (typeof name !== 'string' || name === '') throw new TypeError('a reader name is a non-empty string');
    if (this.#slots.has(name)) throw new Error(`a reader named ${name} is already plugged in`);
    this.#slots.set(name, new Slot(name));
    this.#emit({ type: 'reader.added', reader: name });
  }

  async removeReader(name: string): Promise<void> {
    const slot = this.#slot(name);
    await this.remove(name);
    slot.kill(new DriverError('reader-gone', `the reader ${name} was unplugged`));
    this.#slots.delete(name);
    this.#emit({ type: 'reader.removed', reader: name });
  }

  async insert(name: string, card: InProcessCard): Promise<Uint8Array> {
    const slot = this.#slot(name);
    if (slot.card !== undefined) throw new Error(`${name} already holds a card: remove it first`);
    slot.card = card;
    slot.stopPresence = card.onPresence((presence) => {
      if (slot.card !== card) return;
      if (presence === 'removed') void this.#detach(slot);
      else void this.#power(slot, card);
    });
    return this.#power(slot, card);
  }

  async remove(name: string): Promise<void> {
    return this.#detach(this.#slot(name));
  }

  async #power(slot: Slot, card: InProcessCard): Promise<Uint8Array> {
    let atr: Uint8Array;
    try {
      atr = await card.powerOn();
    } catch (error) {
      await this.#detach(slot);
      throw new DriverError('card-unresponsive', `the card put in ${slot.name} did not power on`, { cause: error });
    }
    slot.atr = atr;
    this.#emit({ type: 'card.inserted', reader: slot.name, atr });
    return atr;
  }

  async #detach(slot: Slot): Promise<void> {
    const card = slot.card;
    if (card === undefined) return;
    slot.card = undefined;
    slot.atr = undefined;
    slot.busy = undefined;
    slot.stopPresence();
    slot.kill(new DriverError('card-removed', `the card was removed from ${slot.name}`));
    this.#emit({ type: 'card.removed', reader: slot.name });
    // Power off what left the slot: a pending exchange inside the card ends with it.
    await card.powerOff();
  }

  #slot(name: string): Slot {
    if (this.#closed) throw this.#closedError();
    const slot = this.#slots.get(name);
    if (slot === undefined) throw new DriverError('not-found', `no reader named ${name} (readers: ${[...this.#slots.keys()].join(', ') || 'none'})`);
    return slot;
  }

  #closedError(): DriverError {
    return new DriverError('closed', 'the in-process transport was closed');
  }

  #emit(event: TransportEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
