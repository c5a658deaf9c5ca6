/**
 * The time source of the timing, fault and trace decorators (STYLE.md:
 * time comes from an injected clock), so that tests run on simulated time
 * and never sleep.
 * @module
 */
import { setTimeout as wait } from 'node:timers/promises';

/** Milliseconds: the current time and a way to let time pass. */
export interface Clock {
  /** The current time in milliseconds (only differences are meaningful). */
  now(): number;
  /** Resolve once `ms` milliseconds have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

/** Wall time (`Date.now()`) and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => wait(ms),
};

/** A simulated clock whose time tests can also move by hand. */
export interface VirtualClock extends Clock {
  /** Move time forward by `ms` without anyone sleeping. */
  advance(ms: number): void;
}

/**
 * A simulated clock that never waits: `sleep(ms)` moves the time forward by
 * `ms` at once, then resolves. Meant for one caller at a time (a card
 * answers one APDU at a time): concurrent sleeps add up instead of overlapping.
 */
export function virtualClock(start = 0): VirtualClock {
  let time = start;
  const advance = (ms: number): void => {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock by ${ms} ms`);
    time += ms;
  };
  return {
    now: () => time,
    advance,
    sleep: (ms) => {
      advance(ms);
      return Promise.resolve();
    },
  };
}
