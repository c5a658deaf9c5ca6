/**
 * Command APDUs as a log or trace may show them: the body of VERIFY
 * (20, 21), CHANGE REFERENCE DATA (24) and RESET RETRY COUNTER (2C)
 * carries a PIN or an unblocking code (ISO/IEC 7816-4 §11.5.6, §11.5.7,
 * §11.5.10), so it never leaves this module (issue 5 "Secrets").
 * @module
 */
import { parseCommandApdu, toHex } from '../../protocol/index.js';

const SECRET_INS: ReadonlySet<number> = new Set([0x20, 0x21, 0x24, 0x2c]);

/** True when `command`'s data field is reference data (a PIN), whatever the class byte. */
export function carriesPin(command: Uint8Array): boolean {
  return command.length >= 2 && SECRET_INS.has(command[1]!);
}

/**
 * Upper-case hex of `command`, with a PIN-bearing body replaced by
 * `<redacted N bytes>`; header, Lc and Le stay. An APDU that does not
 * parse is hidden from byte 5 on (when in doubt, hide more).
 * @example redactCommand(hex('00 20 00 01 04 31 32 33 34')) // '0020000104<redacted 4 bytes>'
 */
export function redactCommand(command: Uint8Array): string {
  if (!carriesPin(command)) return toHex(command);
  const parsed = parseCommandApdu(command);
  const start = parsed.ok ? (parsed.value.extended ? 7 : 5) : Math.min(5, command.length);
  const end = parsed.ok ? start + parsed.value.data.length : command.length;
  if (end === start) return toHex(command);
  return `${toHex(command.subarray(0, start))}<redacted ${end - start} bytes>${toHex(command.subarray(end))}`;
}
