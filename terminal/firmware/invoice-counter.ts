/**
 * The terminal's invoice numbers (B2 invoice header cols 27-35: 9 digits,
 * DOMAIN.md "B2 columns"): a counter persisted in the store's settings,
 * advanced and written before the capture starts, so that a number is
 * never given twice, even after its FSE was freed or the terminal lost
 * power mid-visit.
 *
 * OURS: one setting (`invoice.last`); a cancelled visit spends its number
 * (a gap, never a reuse); after 999,999,999 the counter wraps to 1 and
 * skips numbers the store still holds.
 * @module
 */
import { MAX_FSE_ID, type TerminalStore } from '../../drivers/index.js';

/** The setting holding the last invoice number given. */
export const INVOICE_SETTING = 'invoice.last';

/** The number after `last` (1 after 999,999,999 or an unset counter). */
export function invoiceNumberAfter(last: number): number {
  return Number.isSafeInteger(last) && last >= 1 && last < MAX_FSE_ID ? last + 1 : 1;
}

/**
 * Take the next invoice number: read the counter, skip numbers the store
 * still holds (only possible after a wrap), write it back (one
 * transaction), return it.
 * @example await nextInvoiceNumber(store) // 1, then 2, ...
 */
export async function nextInvoiceNumber(store: Pick<TerminalStore, 'getSetting' | 'setSetting' | 'listFses'>): Promise<number> {
  const stored = await store.getSetting(INVOICE_SETTING);
  let next = invoiceNumberAfter(typeof stored === 'number' ? stored : 0);
  if (typeof stored === 'number' && next <= stored) {
    const held = new Set((await store.listFses()).map((f) => f.id));
    while (held.has(next)) next = invoiceNumberAfter(next);
  }
  await store.setSetting(INVOICE_SETTING, next);
  return next;
}

/**
 * Go on from `next`: the counter becomes `next - 1` unless it is already
 * further (a number is never given twice). For a fresh store after a
 * quarantine: the host read the last number in the quarantined data and
 * the terminal could not (OURS, terminal/README "Host link server").
 * @throws RangeError for a number outside 1..999,999,999.
 * @example await continueInvoicesFrom(store, 42); await nextInvoiceNumber(store) // 42
 */
export async function continueInvoicesFrom(store: Pick<TerminalStore, 'getSetting' | 'setSetting'>, next: number): Promise<void> {
  if (!Number.isSafeInteger(next) || next < 1 || next > MAX_FSE_ID) throw new RangeError(`an invoice number is 1 to ${MAX_FSE_ID}, not ${next}`);
  const stored = await store.getSetting(INVOICE_SETTING);
  if (typeof stored === 'number' && stored >= next - 1) return;
  await store.setSetting(INVOICE_SETTING, next - 1);
}
