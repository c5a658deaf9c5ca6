/**
 * The invoice number a terminal goes on from once its quarantined store is
 * released (issue 6: a replaced store must not restart invoice numbers at
 * 1). OURS: the host cannot read the quarantined store (that is why it was
 * set aside), and it may hold FSEs the host never fetched, numbered above
 * the highest the host holds. Those are at most what the terminal could
 * keep unacknowledged (its store capacity, 5,000 FSEs) plus the numbers
 * spent on visits that failed after numbering (a card pulled while it
 * signed: the number is not re-used). So the terminal goes on from the
 * highest number the host holds + 1 + {@link QUARANTINE_INVOICE_MARGIN}: a
 * gap of at most 10,000 numbers out of 999,999,999, against an FSE billed
 * twice under one number. A number re-used anyway shows as a conflict at
 * the next sync (README "Sync").
 * @module
 */
import { MAX_FSE_ID } from '../../drivers/index.js';

/** Numbers skipped after the highest the host holds: twice a terminal store's capacity (5,000 FSEs). */
export const QUARANTINE_INVOICE_MARGIN = 10_000;

/**
 * The next invoice number to send with a release, from the highest number
 * the host holds for that terminal (`undefined`: none), capped at the
 * 9-digit limit.
 * @example nextInvoiceNumberAfterQuarantine(41) // 10_042
 */
export function nextInvoiceNumberAfterQuarantine(highestHeld: number | undefined): number {
  if (highestHeld !== undefined && (!Number.isInteger(highestHeld) || highestHeld < 1 || highestHeld > MAX_FSE_ID)) throw new RangeError(`${highestHeld} is not an invoice number`);
  return Math.min(MAX_FSE_ID, (highestHeld ?? 0) + 1 + QUARANTINE_INVOICE_MARGIN);
}
