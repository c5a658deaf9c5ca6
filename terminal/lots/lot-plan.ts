/**
 * Which stored FSEs go into which lot (issue 6 "Lots"): every FSE in state
 * `stored`, grouped by destination organisation, at most 999 a lot
 * (B2's lot trailer counts invoices on 3 digits, DOMAIN.md), more making
 * several lots. Each FSE's bytes are parsed and checked against what the
 * store says of it before it may enter a lot.
 *
 * The destination is the one the capture stored (securing's
 * `destinationOf`, OURS), checked against the FSE's bytes.
 *
 * OURS: destinations in ascending order, FSEs by ascending invoice number,
 * split in runs of 999 (the oldest invoice numbers first); an FSE whose
 * bytes do not parse or disagree with the store's columns stays `stored`,
 * out of every lot, and is reported (the host can still fetch it alone).
 * @module
 */
import type { StoredFse, TerminalStore } from '../../drivers/index.js';
import { MAX_LOT_FSES, parseSecuredFse, type LotFseEntry, sha256 } from '../../protocol/index.js';
import { destinationOf } from '../securing/index.js';

/** One FSE ready to enter a lot: its destination and its lot entry. */
export interface LotCandidate {
  readonly destination: string;
  readonly entry: LotFseEntry;
}

/** A stored FSE kept out of every lot, and why. */
export interface UnbatchableFse {
  readonly id: number;
  /** `bad-bytes`: the secured FSE does not parse; `inconsistent`: it disagrees with the store's columns. */
  readonly reason: 'bad-bytes' | 'inconsistent';
  readonly detail: string;
}

/** The FSEs of one lot to build. */
export interface LotGroup {
  readonly destination: string;
  /** 1 to 999 entries, ascending invoice numbers. */
  readonly entries: readonly LotFseEntry[];
}

/** What the lots will be, and what stays out. */
export interface LotPlan {
  readonly groups: readonly LotGroup[];
  readonly unbatchable: readonly UnbatchableFse[];
}

/**
 * The lot entry of a stored FSE: its bytes parsed as a secured FSE, the
 * SHA-256 of those bytes (protocol/fse README: the digest of the secured
 * envelope), checked against the store's id, destination, mode and amount.
 */
export function lotCandidate(stored: StoredFse): { ok: true; value: LotCandidate } | { ok: false; error: UnbatchableFse } {
  const parsed = parseSecuredFse(stored.bytes);
  if (!parsed.ok) return { ok: false, error: { id: stored.id, reason: 'bad-bytes', detail: `${parsed.error.reason} at ${parsed.error.path}` } };
  const { fse } = parsed.value;
  const destination = destinationOf(fse);
  const mismatch =
    fse.invoiceNumber !== stored.id ? `invoice number ${fse.invoiceNumber}`
    : destination !== stored.destination ? `destination ${destination}, the store says ${stored.destination}`
    : fse.securing !== stored.securingMode ? `securing ${fse.securing}, the store says ${stored.securingMode}`
    : fse.totals.totalCents !== stored.amountCents ? `total ${fse.totals.totalCents}, the store says ${stored.amountCents}`
    : undefined;
  if (mismatch !== undefined) return { ok: false, error: { id: stored.id, reason: 'inconsistent', detail: mismatch } };
  return {
    ok: true,
    value: {
      destination,
      entry: { invoiceNumber: fse.invoiceNumber, digest: sha256(stored.bytes), securing: fse.securing, totalCents: fse.totals.totalCents, amoCents: fse.totals.amoCents },
    },
  };
}

/**
 * Group candidates into lots: by destination (ascending), invoice numbers
 * ascending, runs of at most `maxPerLot` (999). Pure.
 * @example groupForLots(candidates).map((g) => [g.destination, g.entries.length]) // [['691', 2], ['751', 999], ['751', 1]]
 */
export function groupForLots(candidates: readonly LotCandidate[], maxPerLot: number = MAX_LOT_FSES): LotGroup[] {
  if (!Number.isInteger(maxPerLot) || maxPerLot < 1 || maxPerLot > MAX_LOT_FSES) throw new RangeError(`a lot holds 1 to ${MAX_LOT_FSES} FSEs, not ${maxPerLot}`);
  const byDestination = new Map<string, LotFseEntry[]>();
  for (const c of candidates) {
    const list = byDestination.get(c.destination) ?? [];
    list.push(c.entry);
    byDestination.set(c.destination, list);
  }
  const groups: LotGroup[] = [];
  for (const destination of [...byDestination.keys()].sort()) {
    const entries = byDestination.get(destination)!.sort((a, b) => a.invoiceNumber - b.invoiceNumber);
    for (let i = 0; i < entries.length; i += maxPerLot) groups.push({ destination, entries: entries.slice(i, i + maxPerLot) });
  }
  return groups;
}

/** Read every `stored` FSE of `store` and plan the lots (store reads only; nothing changes). */
export async function planStoredLots(store: TerminalStore): Promise<LotPlan> {
  const candidates: LotCandidate[] = [];
  const unbatchable: UnbatchableFse[] = [];
  for (const summary of await store.listFses({ state: 'stored' })) {
    const result = lotCandidate(await store.getFse(summary.id));
    if (result.ok) candidates.push(result.value);
    else unbatchable.push(result.error);
  }
  return { groups: groupForLots(candidates), unbatchable };
}
