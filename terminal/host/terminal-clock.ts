/**
 * The terminal's clock: the injected base clock plus the offset the host
 * set over the link (`set-clock`), kept in the store's settings so that it
 * survives a reboot, and the local UTC offset for the dates the FSEs and
 * lots carry (securing's `localDateTime`, protocol/fse README).
 *
 * OURS: a TLA's real-time clock drifts and has no network time; the host
 * sets it at each connection. One setting (`clock.offset`, a JSON string)
 * holds both numbers so that one transaction changes them together.
 * @module
 */
import type { TerminalStore } from '../../drivers/index.js';
import type { TerminalClock } from '../securing/index.js';

/** The time source the firmware is given (a real RTC, or a simulated clock in tests). */
export interface BaseClock {
  /** Milliseconds since 1970 (UTC). */
  now(): number;
}

/**
 * The terminal's own time: base clock + the host's offset, and the local
 * UTC offset the host gave (one offset until the host sets another: OURS,
 * the TLA keeps no time-zone rules). It is securing's `TerminalClock`, so
 * the capture and the lots use the same clock.
 */
export interface SettableClock extends TerminalClock {
  /**
   * Set the time to `epochMs` (UTC) and the local offset, durably (one
   * setting, one transaction). Resolves with the terminal's time before the
   * change, for the host's drift log.
   */
  set(epochMs: number, utcOffsetMinutes: number): Promise<number>;
}

/** The setting that holds the clock offset (OURS). */
export const CLOCK_SETTING = 'clock.offset';
/** Largest UTC offset, minutes (UTC+14, as the link's set-clock). */
export const MAX_UTC_OFFSET_MINUTES = 840;

interface ClockOffset {
  readonly offsetMs: number;
  readonly utcOffsetMinutes: number;
}

/** The stored offset, or none when absent or not ours (a firmware bug must not stop the clock). */
function readOffset(value: unknown): ClockOffset {
  if (typeof value !== 'string') return { offsetMs: 0, utcOffsetMinutes: 0 };
  try {
    const parsed = JSON.parse(value) as Partial<ClockOffset>;
    const { offsetMs, utcOffsetMinutes } = parsed;
    if (Number.isSafeInteger(offsetMs) && Number.isInteger(utcOffsetMinutes) && Math.abs(utcOffsetMinutes!) <= MAX_UTC_OFFSET_MINUTES) {
      return { offsetMs: offsetMs!, utcOffsetMinutes: utcOffsetMinutes! };
    }
  } catch {
    // Not JSON: treated as never set (the host sets it again at its next connection).
  }
  return { offsetMs: 0, utcOffsetMinutes: 0 };
}

function settableClock(base: BaseClock, initial: ClockOffset, keep: (offset: ClockOffset) => Promise<void>): SettableClock {
  let current = initial;
  return {
    now: () => base.now() + current.offsetMs,
    utcOffsetMinutes: () => current.utcOffsetMinutes,
    async set(epochMs, utcOffsetMinutes) {
      if (!Number.isSafeInteger(epochMs) || epochMs < 0) throw new RangeError(`a clock time is a whole number of ms since 1970, not ${epochMs}`);
      if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > MAX_UTC_OFFSET_MINUTES) throw new RangeError(`a UTC offset is -840..840 minutes, not ${utcOffsetMinutes}`);
      const baseNow = base.now();
      const previous = baseNow + current.offsetMs;
      const next = { offsetMs: epochMs - baseNow, utcOffsetMinutes };
      await keep(next);
      current = next;
      return previous;
    },
  };
}

/**
 * The terminal clock over `base`, with the offset read from `store`.
 * @example
 * const clock = await openTerminalClock({ now: () => rtc.read() }, store);
 * await clock.set(hostNow, 60); // later clock.now() ≈ hostNow + elapsed
 */
export async function openTerminalClock(base: BaseClock, store: TerminalStore): Promise<SettableClock> {
  return settableClock(base, readOffset(await store.getSetting(CLOCK_SETTING)), (next) => store.setSetting(CLOCK_SETTING, JSON.stringify(next)));
}

/**
 * The terminal clock while there is no store (in quarantine, OURS): the
 * host's `set-clock` is kept in memory only; the firmware writes it to the
 * fresh store once one opens (a reboot before that forgets it, and the
 * host sets it again at its next connection).
 * @example
 * const clock = openMemoryClock({ now: () => rtc.read() });
 */
export function openMemoryClock(base: BaseClock): SettableClock {
  return settableClock(base, { offsetMs: 0, utcOffsetMinutes: 0 }, async () => undefined);
}
