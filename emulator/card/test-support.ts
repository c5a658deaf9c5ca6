/**
 * Test helpers for the card core: the generic card from
 * `test-vectors/cards/generic.json` on a RAM storage, and APDUs in hex.
 * @module
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hex, toHex } from '../../protocol/index.js';
import { CardOs, openCard, type CardLogger, type CardOsOptions } from './card-os.js';
import { memoryStorage, type CardStorage, type StorageHooks } from './storage.js';

/** The folder of the card images. */
export const CARDS_DIR = fileURLToPath(new URL('../../test-vectors/cards/', import.meta.url));
/** The generic card image's path. */
export const GENERIC_IMAGE = `${CARDS_DIR}generic.json`;
/** The generic card's PIN and unblocking code (test fixture values). */
export const GENERIC_PIN = '1234';
export const GENERIC_PUK = '12345678';

/** A logger that records instead of printing. */
export function recordingLogger(): CardLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (message, detail) => lines.push(`${message} ${detail.ins} ${String(detail.error)}`) };
}

/** A RAM storage holding the generic card image as shipped. */
export function genericStorage(hooks?: StorageHooks): CardStorage {
  return memoryStorage(readFileSync(GENERIC_IMAGE, 'utf8'), CARDS_DIR, hooks);
}

/** Open a card or fail the test loudly. */
export function mustOpen(storage: CardStorage, options: CardOsOptions = {}): CardOs {
  const r = openCard(storage, { logger: recordingLogger(), ...options });
  if (!r.ok) throw new Error(`card image refused: ${r.error.reason} ${r.error.message}`);
  r.value.powerOn();
  return r.value;
}

/** Send an APDU given in hex; the answer in upper-case hex without spaces. */
export function send(card: CardOs, apdu: string): string {
  return toHex(card.execute(hex(apdu)));
}

/** The ASCII bytes of a PIN, in hex, padded with FF to `padTo` bytes. */
export function pinHex(pin: string, padTo = pin.length): string {
  return toHex(new TextEncoder().encode(pin)) + 'FF'.repeat(padTo - pin.length);
}

/** Lc in hex for a data field given in hex. */
export function lc(dataHex: string): string {
  return (dataHex.replace(/\s/g, '').length / 2).toString(16).padStart(2, '0').toUpperCase();
}

/**
 * The APDUs every card fuzz test sends: valid commands of the profile
 * (`templates`), the same with a few bytes changed, cut or extended, and
 * random bytes.
 */
export function fuzzApdus(templates: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const template = fc.constantFrom(...templates);
  const mutated = fc
    .tuple(template, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.integer({ min: -3, max: 3 }))
    .map(([base, edits, resize]) => {
      const out = new Uint8Array(Math.max(0, base.length + resize));
      out.set(base.subarray(0, out.length));
      for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    });
  return fc.oneof(
    { weight: 3, arbitrary: template },
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}
