/**
 * After a quarantine is released, the fresh store takes over what the
 * terminal learnt from it: two event-log entries (`store.quarantined`,
 * `store.quarantine-released`) and the invoice number the host said to go
 * on from (issue 6: a quarantined and replaced store must not restart
 * invoice numbers at 1).
 *
 * OURS: done at every boot with a store and right after the store reopens
 * on a release, for each released quarantine not yet adopted; the adopted
 * ids are kept in one setting (`quarantine.adopted`, a JSON list), written
 * last, so a power loss in between only repeats the events (the counter
 * only moves forward). Released quarantines stay on disk: clearing them
 * is a maintenance act, never the firmware's.
 * @module
 */
import type { QuarantineArchive, QuarantineEntry, TerminalStore } from '../../drivers/index.js';
import { continueInvoicesFrom } from './invoice-counter.js';

/** The setting listing the quarantine ids the store has adopted. */
export const ADOPTED_SETTING = 'quarantine.adopted';

function adoptedIds(value: unknown): Set<string> {
  if (typeof value !== 'string') return new Set();
  try {
    const parsed: unknown = JSON.parse(value);
    return new Set(Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    // Not ours: adopt again (events repeated, the counter unchanged).
    return new Set();
  }
}

/**
 * Adopt every released quarantine of `archive` the store has not adopted
 * yet, oldest first; resolves with them.
 * @example const adopted = await adoptReleasedQuarantines(store, openQuarantineArchive(store.path));
 */
export async function adoptReleasedQuarantines(store: TerminalStore, archive: QuarantineArchive): Promise<QuarantineEntry[]> {
  const done = adoptedIds(await store.getSetting(ADOPTED_SETTING));
  const fresh = (await archive.list()).map((q) => q.entry).filter((e) => e.releasedAt !== undefined && !done.has(e.id));
  for (const entry of fresh) {
    await store.appendEvent({ at: entry.at, kind: 'store.quarantined', detail: `quarantaine ${entry.id}: ${entry.reason} (${entry.detail})` });
    const from = entry.nextInvoiceNumber === undefined ? '' : `; factures reprises a ${entry.nextInvoiceNumber}`;
    await store.appendEvent({ at: entry.releasedAt!, kind: 'store.quarantine-released', detail: `quarantaine ${entry.id} liberee par le poste${from}` });
    if (entry.nextInvoiceNumber !== undefined) await continueInvoicesFrom(store, entry.nextInvoiceNumber);
    done.add(entry.id);
    await store.setSetting(ADOPTED_SETTING, JSON.stringify([...done]));
  }
  return fresh;
}
