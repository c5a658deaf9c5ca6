/**
 * One exchange at a time on a card (ISO/IEC 7816-3: a card answers one
 * command before it takes the next; the ReaderPort contract forbids a
 * second call while one is pending): calls wait their turn, in order.
 * @module
 */

/** A first-in first-out queue of asynchronous jobs, one running at a time. */
export class ExchangeQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  /** Run `job` after every job queued before it has settled (at once when none is). */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#queued === 0 ? job() : this.#tail.then(job);
    this.#queued++;
    const done = (): void => {
      this.#queued--;
    };
    this.#tail = result.then(done, done);
    return result;
  }
}
