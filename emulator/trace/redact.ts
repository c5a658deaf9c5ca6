/**
 * Keeping reference data out of traces, logs and errors (issue 4
 * "Tracing"): the body of VERIFY (20, 21), CHANGE REFERENCE DATA (24) and
 * RESET RETRY COUNTER (2C) carries a PIN or an unblocking code (ISO/IEC
 * 7816-4 §11.5.6, §11.5.7, §11.5.10), so it is replaced whatever the class
 * byte, and whether or not the APDU parses.
 * @module
 */
import { parseCommandApdu, toHex } from '../../protocol/index.js';

/** INS bytes whose command data is reference data. */
export const SECRET_INSTRUCTIONS: ReadonlySet<number> = new Set([0x20, 0x21, 0x24, 0x2c]);

/** Whether `command`'s body must never be shown. */
export function carriesSecret(command: Uint8Array): boolean {
  return command.length >= 2 && SECRET_INSTRUCTIONS.has(command[1]!);
}

/** What stands in for `n` hidden bytes. */
export function redactedBytes(n: number): string {
  return `<redacted ${n} bytes>`;
}

/**
 * Where the body of `command` lies: after the short Lc (offset 5) or the
 * extended one (offset 7). An APDU that does not parse is hidden from
 * offset 5 on (ours: when in doubt, hide more).
 */
function bodyRange(command: Uint8Array): [number, number] {
  const parsed = parseCommandApdu(command);
  if (!parsed.ok) return [Math.min(5, command.length), command.length];
  const start = parsed.value.extended ? 7 : 5;
  return [start, start + parsed.value.data.length];
}

/**
 * Upper-case hex of `command` for a trace or a log line: a secret-bearing
 * command has its body replaced by `<redacted N bytes>`, the header, Lc
 * and Le stay visible.
 * @example redactedHex(hex('00 20 00 01 04 31 32 33 34')) // '0020000104<redacted 4 bytes>'
 */
export function redactedHex(command: Uint8Array): string {
  if (!carriesSecret(command)) return toHex(command);
  const [start, end] = bodyRange(command);
  if (end === start) return toHex(command);
  return `${toHex(command.subarray(0, start))}${redactedBytes(end - start)}${toHex(command.subarray(end))}`;
}
