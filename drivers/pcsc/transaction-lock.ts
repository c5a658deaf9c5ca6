/**
 * Transactions for the PC/SC transport. `pcsclite` 1.0.1 does not expose
 * SCardBeginTransaction / SCardEndTransaction (its CardReader has connect,
 * disconnect, transmit and control only), so this driver's choice (ours) is
 * an in-process lock per reader name: it orders every PC/SC port of this
 * Node process, not other applications. Across processes, open the port
 * with `share: 'exclusive'`.
 * @module
 */
import { DriverError } from '../core/errors.js';

interface Waiter {
  readonly owner: object;
  readonly grant: () => void;
  readonly refuse: (error: DriverError) => void;
}

interface Lock {
  holder: object;
  readonly queue: Waiter[];
}

/** One FIFO lock per reader name. */
export class ReaderLocks {
  private readonly locks = new Map<string, Lock>();

  /** Take `reader`'s lock for `owner` (at once if free, else in turn); rejects `timeout` after `timeoutMs`. */
  acquire(reader: string, owner: object, timeoutMs: number): Promise<void> {
    const lock = this.locks.get(reader);
    if (lock === undefined) {
      this.locks.set(reader, { holder: owner, queue: [] });
      return Promise.resolve();
    }
    if (lock.holder === owner) return Promise.reject(new Error(`a transaction on "${reader}" is already open on this port`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new DriverError('timeout', `another session of this process kept its transaction on "${reader}" for ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        owner,
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
        refuse: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const remove = () => lock.queue.splice(lock.queue.indexOf(waiter), 1);
      lock.queue.push(waiter);
    });
  }

  /** True when `owner` holds `reader`'s lock. */
  holds(reader: string, owner: object): boolean {
    return this.locks.get(reader)?.holder === owner;
  }

  /** True when someone other than `owner` holds `reader`'s lock. */
  heldByOther(reader: string, owner: object): boolean {
    const holder = this.locks.get(reader)?.holder;
    return holder !== undefined && holder !== owner;
  }

  /** Give `reader`'s lock back if `owner` holds it; the next waiter gets it. */
  release(reader: string, owner: object): void {
    const lock = this.locks.get(reader);
    if (lock === undefined || lock.holder !== owner) return;
    const next = lock.queue.shift();
    if (next === undefined) {
      this.locks.delete(reader);
      return;
    }
    lock.holder = next.owner;
    next.grant();
  }

  /** `owner` closed: its pending acquire rejects `closed`, its lock is released. */
  abandon(reader: string, owner: object): void {
    const lock = this.locks.get(reader);
    if (lock === undefined) return;
    for (const waiter of lock.queue.filter((w) => w.owner === owner)) {
      lock.queue.splice(lock.queue.indexOf(waiter), 1);
      waiter.refuse(new DriverError('closed', `the port to "${reader}" was closed while it waited for a transaction`));
    }
    this.release(reader, owner);
  }
}

/** The locks every PC/SC transport of this process shares. */
export const processReaderLocks = new ReaderLocks();
