/**
 * The check behind "no PIN in any trace, log or error" (issue 4): look for
 * reference data in texts, in every form it could leak in.
 * @module
 */
import { toHex } from '../../protocol/index.js';

/** A secret to look for: a label to report (never the value) and the value. */
export interface SecretToFind {
  readonly label: string;
  /** ASCII text (a PIN as typed, "1234") or the bytes a card receives. */
  readonly value: string | Uint8Array;
}

/** A text to scan, with a name for the report (a file path, a test title). */
export interface TextToScan {
  readonly name: string;
  readonly text: string;
}

/** Where a secret was found; carries no part of the secret. */
export interface SecretFinding {
  readonly text: string;
  readonly secret: string;
  readonly form: 'hex' | 'spaced-hex' | 'text';
  readonly offset: number;
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff) : value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Printable ASCII of `bytes`, or undefined when one byte is not printable. */
function printable(bytes: Uint8Array): string | undefined {
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...bytes) : undefined;
}

/**
 * Every place a secret shows in `texts`, as:
 * - hex, either case, no separator (`31323334`, also inside a longer hex run:
 *   padding with FF does not hide it);
 * - hex with one space, colon or dash between bytes (`31 32 33 34`);
 * - the text itself when printable, as a whole token: not next to a letter
 *   or a digit, so that a 4-digit PIN is not "found" inside hex or a long
 *   number (a leak as `PIN 1234` or `"1234"` is found; ours).
 * Secrets shorter than 2 bytes are refused with RangeError: every text
 * would contain them.
 */
export function scanForSecrets(texts: Iterable<TextToScan | string>, secrets: readonly SecretToFind[]): SecretFinding[] {
  const patterns = secrets.map((secret) => {
    const bytes = bytesOf(secret.value);
    if (bytes.length < 2) throw new RangeError(`secret "${secret.label}" is shorter than 2 bytes: it cannot be searched for`);
    const hexText = toHex(bytes);
    const text = printable(bytes);
    const forms: [SecretFinding['form'], RegExp][] = [
      ['hex', new RegExp(hexText, 'gi')],
      ['spaced-hex', new RegExp(hexText.match(/../g)!.join('[ :-]'), 'gi')],
    ];
    if (text !== undefined) forms.push(['text', new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(text)}(?![0-9A-Za-z])`, 'g')]);
    return { label: secret.label, forms };
  });
  const findings: SecretFinding[] = [];
  let index = 0;
  for (const item of texts) {
    const { name, text } = typeof item === 'string' ? { name: `text ${index}`, text: item } : item;
    index++;
    for (const { label, forms } of patterns) {
      for (const [form, regex] of forms) {
        for (const match of text.matchAll(regex)) findings.push({ text: name, secret: label, form, offset: match.index });
      }
    }
  }
  return findings;
}
