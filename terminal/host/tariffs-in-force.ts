/**
 * The tariff book in force on the terminal: the one built into the
 * firmware, replaced by the host's `update-tariffs` (protocol/link: a
 * 32-bit version and an opaque table). DOMAIN.md "Home-visit billing":
 * tariffs change, so they are data the host can push.
 *
 * OURS: the table bytes are the tariff book's JSON (the format of
 * `test-vectors/tariffs/tariffs.json`) in UTF-8; the terminal checks them
 * with billing's `parseTariffBook` and keeps the version and the JSON text
 * in one setting (`tariffs.in-force`), so one transaction replaces both.
 * @module
 */
import type { TerminalStore } from '../../drivers/index.js';
import { fail, type ParseResult } from '../../protocol/index.js';
import { parseTariffBook, type TariffBook, type TariffReason } from '../billing/index.js';

/** A tariff book and its version (the link's 32-bit `update-tariffs` version). */
export interface TariffsInForce {
  readonly version: number;
  readonly book: TariffBook;
}

/** Why a tariff table's bytes were refused: not UTF-8, not JSON, or a book billing refuses. */
export type TariffTableReason = 'bad-text' | 'bad-json' | TariffReason;

/** The setting holding the host's tariffs: `{"version": n, "table": <book JSON>}` as text (OURS). */
export const TARIFFS_SETTING = 'tariffs.in-force';

/**
 * The table bytes the link carries for a tariff book read from JSON (what a
 * host sends in `update-tariffs`).
 * @example encodeTariffTable(JSON.parse(readFileSync('test-vectors/tariffs/tariffs.json', 'utf8')))
 */
export function encodeTariffTable(json: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(json));
}

/**
 * Check a tariff table received from the host: strict UTF-8, JSON, then
 * `parseTariffBook`. Never throws on input.
 * @example decodeTariffTable(encodeTariffTable(json)) // ok: { tables: [...] }
 */
export function decodeTariffTable(bytes: Uint8Array): ParseResult<TariffBook, TariffTableReason> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail('bad-text', 'the tariff table is not UTF-8', 0, 'table');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('bad-json', 'the tariff table is not JSON', 0, 'table');
  }
  return parseTariffBook(json);
}

/**
 * The tariffs in force: the host's, as last stored, or `builtIn` when the
 * host never sent one or the stored one is older than `builtIn` (a firmware
 * update brings newer tables).
 */
export async function loadTariffs(store: TerminalStore, builtIn: TariffsInForce): Promise<TariffsInForce> {
  const stored = await store.getSetting(TARIFFS_SETTING);
  if (typeof stored !== 'string') return builtIn;
  const { version, table } = JSON.parse(stored) as { version: number; table: string };
  if (version < builtIn.version) return builtIn;
  const book = decodeTariffTable(new TextEncoder().encode(table));
  // The store's integrity check guards the file; a stored book billing refuses is a firmware bug.
  if (!book.ok) throw new Error(`the stored tariff book ${version} no longer parses: ${book.error.message}`);
  return { version, book: book.value };
}

/** Store a checked table (its JSON text) as the tariffs in force, in one transaction. */
export async function saveTariffs(store: TerminalStore, version: number, table: Uint8Array): Promise<void> {
  await store.setSetting(TARIFFS_SETTING, JSON.stringify({ version, table: new TextDecoder().decode(table) }));
}
