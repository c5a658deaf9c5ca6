/**
 * The listener set behind `LinkPort.onEvent`, shared by the link ports of
 * drivers/serial and drivers/hid: delivers each event to every listener,
 * and `closed` exactly once.
 * @module
 */
import type { LinkPortEvent } from '../core/link-port.js';

/** Listeners of one link port. */
export class LinkListeners {
  readonly #listeners = new Set<(event: LinkPortEvent) => void>();
  #closed = false;

  /**
   * @param onFirst called when the first listener arrives (ports start reading then, so no byte is delivered to nobody)
   */
  constructor(private readonly onFirst: () => void) {}

  /** True once `closed` was emitted. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Add a listener; returns the function that removes it. */
  add(listener: (event: LinkPortEvent) => void): () => void {
    const wrapped = (event: LinkPortEvent): void => listener(event);
    this.#listeners.add(wrapped);
    if (this.#listeners.size === 1) this.onFirst();
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  data(bytes: Uint8Array): void {
    if (this.#closed) return;
    for (const listener of [...this.#listeners]) listener({ type: 'data', bytes });
  }

  /** Emit `closed` (once); `error` says why when the port did not close at the caller's request. */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of [...this.#listeners]) listener({ type: 'closed', error });
    this.#listeners.clear();
  }
}
