/**
 * What `syncTerminal` takes, reports while it runs, and returns.
 * @module
 */
import type { RejectionReason } from '../database/records.js';
import type { TerminalIdentity } from '../database/host-database.js';
import type { QuarantineProgress, QuarantineSummary } from '../quarantine/quarantine-types.js';

/** Options of `syncTerminal`. */
export interface SyncOptions {
  /** The CA the signatures must chain to (PEM or DER): the test CA, `test-vectors/pki/ca/ca.cert.pem`. */
  readonly ca: string | Uint8Array;
  /** The host's clock, ms since 1970 (UTC): the time set on the terminal, and the times stored. */
  readonly now: () => number;
  /** The host's local time minus UTC, minutes (-840 to 840): the terminal shows local time. */
  readonly utcOffsetMinutes: number;
  /** Certificate serial numbers the CA revoked (upper-case hex, as the CRL lists them). */
  readonly revokedSerials?: ReadonlySet<string>;
  /** Called after each step, for a progress bar. */
  readonly onProgress?: (event: SyncProgress) => void;
  /** Stops the sync between two requests, or during one (`SyncError('canceled')`). */
  readonly signal?: AbortSignal;
  /** Time limit of each request to the terminal, ms; default: the link's. */
  readonly requestTimeoutMs?: number;
  /**
   * Where quarantined stores go (`takeQuarantinedStores`' `folder`). When
   * the terminal answers `quarantined`, the sync takes and releases them
   * first, then lists the fresh store; without it, `SyncError('quarantined')`.
   */
  readonly quarantineFolder?: string;
}

/** What became of one listed item. */
export type ItemOutcome =
  /** Fetched, verified or rejected, and stored now. */
  | 'stored'
  /** The host already held it with the same digest. */
  | 'held'
  /** The host holds other bytes under the same id: kept aside, not acknowledged. */
  | 'conflict'
  /** Listed, then gone when fetched (another host took it): nothing to do. */
  | 'vanished';

/** One step of a sync, for a progress bar. */
export type SyncProgress =
  | { readonly phase: 'identified'; readonly terminal: TerminalIdentity; readonly syncId: number }
  | { readonly phase: 'clock-set'; readonly driftMs: number }
  | { readonly phase: 'listed'; readonly fses: number; readonly lots: number }
  | {
      readonly phase: 'item';
      readonly kind: 'fse' | 'lot';
      /** The link id (a lot's carries `LOT_LINK_FLAG`). */
      readonly id: number;
      readonly outcome: ItemOutcome;
      readonly verdict?: 'verified' | 'rejected';
      /** Items done so far, of `total` listed. */
      readonly done: number;
      readonly total: number;
    }
  | QuarantineProgress
  | { readonly phase: 'acknowledging'; readonly ids: readonly number[] }
  | { readonly phase: 'acknowledged'; readonly freed: readonly number[] };

/** An item the host rejected: the terminal keeps it (not acknowledged). */
export interface SyncRejection {
  readonly kind: 'fse' | 'lot';
  readonly id: number;
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** An item offered under an id the host holds with other bytes. */
export interface SyncConflict {
  readonly kind: 'fse' | 'lot';
  readonly id: number;
  /** The invoice number, or `<destination>-<lot number>`. */
  readonly item: string;
}

/** What a sync did. */
export interface SyncSummary {
  /** The sync's id in the host database's journal. */
  readonly syncId: number;
  readonly terminal: TerminalIdentity;
  /** Terminal clock minus host clock before the host set it, ms. */
  readonly clockDriftMs: number;
  readonly listed: { readonly fses: number; readonly lots: number };
  /** Items fetched over the link (every listed item is fetched: see README "Why every item is fetched"). */
  readonly fetched: number;
  /** Items the host already held with the same digest. */
  readonly alreadyHeld: number;
  /** Items stored by this sync (verified or rejected). */
  readonly stored: number;
  /** Items stored by this sync that verified. */
  readonly verified: number;
  /** Items rejected (now or at an earlier sync): not acknowledged, the terminal keeps them. */
  readonly rejected: readonly SyncRejection[];
  readonly conflicts: readonly SyncConflict[];
  /** Link ids listed but gone when fetched. */
  readonly vanished: readonly number[];
  /** Link ids acknowledged: each held, verified, with the bytes the terminal sent. */
  readonly acknowledged: readonly number[];
  /** Link ids the terminal said it freed. */
  readonly freed: readonly number[];
  /** The quarantined stores taken first, when the terminal was in quarantine. */
  readonly quarantine?: QuarantineSummary;
}
