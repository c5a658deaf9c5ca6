/**
 * The types of the lot upload and its follow-up (OURS, README "Upload"):
 * the options and summaries of {@link uploadLots}, {@link followAcknowledgements}
 * and {@link rebuildRejectedLots}. The teleservice's answers (receipt, ARL,
 * returns) are protocol's wire types (`protocol/teleservice`).
 * @module
 */
import type { B2Marking, LotReceipt } from '../../protocol/index.js';
import type { HostClock } from '../database/host-database.js';
import type { TeleserviceClientError } from '../teleservice/teleservice-error.js';

/** What {@link uploadLots} reports after each lot. */
export interface UploadProgress {
  /** Lots handled so far (sent or failed), of `total`. */
  readonly done: number;
  readonly total: number;
  readonly lotId: number;
  /** `sent`: a receipt is held; `failed`: see the summary's `failed`. */
  readonly outcome: 'sent' | 'failed';
}

/** Options of {@link uploadLots}. */
export interface UploadOptions {
  /** The host software's agreement number (B2 lot trailer cols 61-72), 1-12 characters. */
  readonly softwareAgreement: string;
  /** B2 marking; `T` (tests) by default (protocol/b2). */
  readonly marking?: B2Marking;
  /** Lots in flight at once; default 4. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly signal?: AbortSignal;
}

/** A lot the teleservice received. */
export interface UploadedLot {
  readonly lotId: number;
  readonly receipt: LotReceipt;
  /** POST attempts this run (retries after 5xx, 429, 423, network failures). */
  readonly attempts: number;
}

/** A lot that could not be sent this run; it stays `signed` and the next run tries again, unless `kind` is `refused` or `unbuildable`. */
export interface UploadFailure {
  readonly lotId: number;
  /** `unbuildable`: no B2 from this lot (its FSEs missing or not its own); `refused`: a 4xx (`serverCode`); `unreachable`: retries spent. */
  readonly kind: 'unbuildable' | 'refused' | 'unreachable';
  readonly message: string;
  readonly error?: TeleserviceClientError;
}

/** What {@link uploadLots} did. */
export interface UploadSummary {
  readonly sent: readonly UploadedLot[];
  readonly failed: readonly UploadFailure[];
}

/** Options of {@link followAcknowledgements}. */
export interface FollowOptions {
  readonly signal?: AbortSignal;
}

/** A lot's ARL as the host recorded it. */
export interface LotArl {
  readonly lotId: number;
  readonly status: 'positive' | 'negative';
  readonly destination: string;
  readonly lotNumber: number;
  readonly reason?: string;
  readonly label?: string;
  readonly message?: string;
}

/** A lot's return as the host recorded it. */
export interface LotPayment {
  readonly lotId: number;
  readonly paidCents: number;
  readonly paidInvoices: number;
  /** Invoices the organism rejected: invoice number and codes. */
  readonly rejected: readonly { readonly invoiceNumber: number; readonly codes: readonly string[] }[];
  /** Warnings on paid invoices. */
  readonly warnings: readonly { readonly invoiceNumber: number; readonly codes: readonly string[] }[];
}

/** What {@link followAcknowledgements} did. */
export interface FollowSummary {
  /** ARLs received this run. */
  readonly arls: readonly LotArl[];
  /** Lots whose ARL is not available yet, with when the server said it will be (ms since 1970). */
  readonly pending: readonly { readonly lotId: number; readonly availableAt: number }[];
  /** Returns received this run. */
  readonly payments: readonly LotPayment[];
  /** Returns for receipts the host does not hold (another PC sent them): skipped, counted. */
  readonly unknownReturns: number;
  /** The returns cursor after this run. */
  readonly cursor: number;
}

/** Options of {@link rebuildRejectedLots}. */
export interface RebuildOptions {
  /** The host's time: the new lot's `createdAt`. */
  readonly clock: HostClock;
  /** The host's UTC offset for `createdAt` (minutes, Paris: 60 or 120). */
  readonly utcOffsetMinutes: number;
  readonly signal?: AbortSignal;
}

/** A lot the host built and signed again from the FSEs of a negatively acknowledged one. */
export interface RebuiltLot {
  readonly lotId: number;
  readonly destination: string;
  readonly lotNumber: number;
  /** The negative lots whose FSEs it holds. */
  readonly from: readonly number[];
  readonly invoiceNumbers: readonly number[];
}

/** FSEs a new lot cannot help: they stay with their negative lot. */
export interface UnfixableFses {
  readonly lotId: number;
  readonly reason: string;
  readonly why: string;
  readonly invoiceNumbers: readonly number[];
}

/** What {@link rebuildRejectedLots} did. */
export interface RebuildSummary {
  readonly rebuilt: readonly RebuiltLot[];
  readonly unfixable: readonly UnfixableFses[];
  /** Negative lots left for later: a lot of the same destination is still `signed` or awaiting its ARL. */
  readonly postponed: readonly number[];
}
