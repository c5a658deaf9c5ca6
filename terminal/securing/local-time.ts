/**
 * The FSE's capture time as protocol/fse writes it: local date-time with
 * its UTC offset, `YYYY-MM-DDTHH:MM:SS±HH:MM`, UTC as `+00:00` (protocol/fse
 * README "Canonical rules"). The instant and the offset come from the
 * terminal's injected clock; nothing here reads the time.
 * @module
 */

/** The terminal's clock as the capture needs it (the device keeps the offset, set by the host). */
export interface TerminalClock {
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  now(): number;
  /** Offset of local time from UTC at that instant, in minutes (+60 in Paris in winter). */
  utcOffsetMinutes(epochMs: number): number;
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * Local date-time with offset of an instant.
 * @example localDateTime(Date.UTC(2026, 2, 14, 8, 41, 7), 60) // '2026-03-14T09:41:07+01:00'
 */
export function localDateTime(epochMs: number, offsetMinutes: number): string {
  if (!Number.isSafeInteger(epochMs)) throw new RangeError(`an instant is whole milliseconds, not ${epochMs}`);
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) throw new RangeError(`a UTC offset is -840..840 minutes, not ${offsetMinutes}`);
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * The local calendar date of an instant, `YYYY-MM-DD` (the act date of a visit).
 * @example localDate(Date.UTC(2026, 2, 14, 23, 30), 60) // '2026-03-15'
 */
export function localDate(epochMs: number, offsetMinutes: number): string {
  return localDateTime(epochMs, offsetMinutes).slice(0, 10);
}
