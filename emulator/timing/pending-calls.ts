/**
 * The calls a decorator is still waiting on, so that power off, reset or
 * removal can end them at once with a {@link CardGoneError}, as the
 * {@link VirtualCard} contract asks, instead of when a delay runs out.
 * @module
 */
import { CardGoneError, type VirtualCard } from '../card/virtual-card.js';

/** A set of pending promises that can all be rejected at once. */
export class PendingCalls {
  readonly #rejects = new Set<(error: Error) => void>();

  /** `promise`'s outcome, unless {@link cancelAll} comes first. */
  track<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#rejects.add(reject);
      promise.then(
        (value) => {
          this.#rejects.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#rejects.delete(reject);
          reject(error instanceof Error ? error : new Error('a wrapped card call failed', { cause: error }));
        },
      );
    });
  }

  /** A promise that stays pending until {@link cancelAll} (a mute card). */
  never(): Promise<never> {
    return this.track(new Promise<never>(() => undefined));
  }

  /** How many calls are pending. */
  get size(): number {
    return this.#rejects.size;
  }

  /** Reject every pending call with `CardGoneError(code)`. */
  cancelAll(code: CardGoneError['code']): void {
    const rejects = [...this.#rejects];
    this.#rejects.clear();
    for (const reject of rejects) reject(new CardGoneError(code));
  }

  /**
   * Cancel with 'removed' whenever `card` reports a removal; returns the
   * function that stops listening.
   */
  cancelOnRemoval(card: VirtualCard): () => void {
    return card.onPresence((presence) => {
      if (presence === 'removed') this.cancelAll('removed');
    });
  }
}
