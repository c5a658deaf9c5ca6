/**
 * Text helpers shared by the commands' explanations.
 * @module
 */
import { describeError, toHex, type ParseError } from '../protocol/index.js';

/** Two-digit upper-case hex of one byte. */
export function byteHex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** Hex with spaces, and the printable ASCII rendering when most bytes are text. */
export function hexAndText(bytes: Uint8Array): string {
  const h = toHex(bytes, ' ');
  let printable = 0;
  for (const b of bytes) if (b >= 0x20 && b < 0x7f) printable++;
  if (bytes.length === 0 || printable < bytes.length * 0.75) return h;
  const text = Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${h}  "${text}"`;
}

/** The line a command prints on stderr for invalid input. */
export function invalidLine(command: string, error: ParseError): string {
  return `bifente ${command}: invalid: ${describeError(error)}\n`;
}

/** JSON for machines: byte arrays as upper-case hex strings, errors as `{name, code?, message}`. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v instanceof Error ? errorJson(v) : v), 2)}\n`;
}

/** An error as machines read it: its name, its literal `code` when it has one, its message (JSON.stringify would give `{}`). */
function errorJson(error: Error): { name: string; code?: unknown; message: string } {
  const code = (error as { code?: unknown }).code;
  return code === undefined ? { name: error.name, message: error.message } : { name: error.name, code, message: error.message };
}

/** A lot as people name it: destination and 3-digit number, `751-001` (DOMAIN.md lots); `?` for what a lot does not tell. */
export function lotLabel(destination: string | undefined, lotNumber: number | undefined): string {
  return `${destination ?? '?'}-${lotNumber === undefined ? '?' : String(lotNumber).padStart(3, '0')}`;
}
