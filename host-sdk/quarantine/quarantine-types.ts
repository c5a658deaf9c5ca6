/**
 * What `takeQuarantinedStores` takes, reports while it runs, and returns.
 * @module
 */
import type { QuarantineFileRecord } from '../database/quarantine-table.js';
import type { TerminalIdentity } from '../database/host-database.js';

/** Options of `takeQuarantinedStores`. */
export interface TakeQuarantineOptions {
  /** The folder the files go under, as `<folder>/<terminal serial>/<id>/<name>` (created as needed). */
  readonly folder: string;
  /** The host's clock, ms since 1970: the times recorded. */
  readonly now: () => number;
  /** Called after each step, for a progress bar. */
  readonly onProgress?: (event: QuarantineProgress) => void;
  /** Stops between two requests or during one (`SyncError('canceled')`); files already recorded stay recorded. */
  readonly signal?: AbortSignal;
  /** Time limit of each request to the terminal, ms; default: the link's. */
  readonly requestTimeoutMs?: number;
  /** Who the terminal is, when the caller identified it already (the sync); else it is asked. */
  readonly terminal?: TerminalIdentity;
}

/** One step of taking the quarantined stores, for a progress bar. */
export type QuarantineProgress =
  | { readonly phase: 'quarantine-listed'; readonly pending: number; readonly released: number }
  | {
      readonly phase: 'quarantine-chunk';
      readonly id: number;
      readonly name: string;
      /** Bytes of this file written so far, of `size`. */
      readonly written: number;
      readonly size: number;
    }
  | { readonly phase: 'quarantine-recorded'; readonly id: number; readonly folder: string; readonly files: readonly QuarantineFileRecord[] }
  | { readonly phase: 'quarantine-released'; readonly id: number; readonly nextInvoiceNumber: number; readonly pending: number };

/** What became of one listed quarantine. */
export type QuarantineOutcome =
  /** Fetched, recorded, then released by this run. */
  | 'taken'
  /** Recorded by an earlier run that stopped before the release; released by this one. */
  | 'released'
  /** The terminal answered `refused` to the release: an earlier release got through, its answer was lost. Recorded as released. */
  | 'released-before'
  /** Released on the terminal and recorded as released here: nothing to do. */
  | 'done'
  /** Released on the terminal, but not recorded by this host (another PC took it): listed, nothing fetched. */
  | 'released-elsewhere';

/** One quarantine as this run left it. */
export interface TakenQuarantine {
  readonly id: number;
  readonly reason: string;
  /** Terminal time of the quarantine. */
  readonly at: number;
  readonly outcome: QuarantineOutcome;
  /** The folder of its files (absent for `released-elsewhere`). */
  readonly folder?: string;
  readonly files: readonly QuarantineFileRecord[];
  /** The invoice number the terminal goes on from, when this host released it. */
  readonly nextInvoiceNumber?: number;
}

/** What `takeQuarantinedStores` did. */
export interface QuarantineSummary {
  readonly terminal: TerminalIdentity;
  /** Every quarantine the terminal listed, in its order; once it resolves, none is left unreleased. */
  readonly quarantines: readonly TakenQuarantine[];
}
