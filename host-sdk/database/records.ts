/**
 * What the host database holds (OURS, see README "Database"): the terminals
 * it met, the FSEs and lots it fetched with the verdict of their
 * verification, each lot's state history, the conflicts it refused to
 * overwrite, and the journal of every sync.
 * @module
 */
import type { VerificationFailure } from '../../protocol/index.js';
import type { LotState } from '../lots/lot-state.js';

/** Whether a fetched item passed verification. */
export type Verdict = 'verified' | 'rejected';

/**
 * Why the host rejected an item: a failure of protocol's verifier, or a
 * check of the host's own (OURS): `wrong-id` (the FSE's invoice number is not
 * the id it was fetched under), `unknown-fse` (a lot lists an FSE the host
 * does not hold), `fse-mismatch` (a lot's digest for an FSE is not the
 * digest of the FSE the host holds), `fse-rejected` (a lot holds an FSE the
 * host rejected).
 */
export type RejectionReason = VerificationFailure | 'wrong-id' | 'unknown-fse' | 'fse-mismatch' | 'fse-rejected';

/** Who a terminal said it was, and what the host saw of its clock. */
export interface TerminalRecord {
  readonly serial: string;
  readonly model: string;
  readonly firmware: string;
  /** The portable device's agreement number (B2 lot trailer, DOMAIN.md). */
  readonly agreementNumber: string;
  readonly firstSeenAt: number;
  /** When a sync with it last finished, ms since 1970. */
  readonly lastSyncAt?: number;
  /** Terminal clock minus host clock when the host last set it, ms (positive: the terminal was ahead). */
  readonly clockDriftMs?: number;
}

/** The verdict of one item, as stored. */
export interface VerdictFields {
  readonly verdict: Verdict;
  /** Present exactly when rejected. */
  readonly reason?: RejectionReason;
  /** For people: what failed. */
  readonly detail?: string;
}

/** An FSE as the host holds it (without its bytes). */
export interface HostFse extends VerdictFields {
  /** The host's own id. */
  readonly id: number;
  readonly terminalSerial: string;
  /** The invoice number (its link id on the terminal). */
  readonly invoiceNumber: number;
  /** SHA-256 of the secured envelope. */
  readonly digest: Uint8Array;
  readonly size: number;
  readonly receivedAt: number;
  /** When the terminal confirmed it freed the FSE (after the host's acknowledgement). */
  readonly freedAt?: number;
}

/** A lot as the host holds it (without its bytes). */
export interface HostLot extends VerdictFields {
  readonly id: number;
  readonly terminalSerial: string;
  /** Organisme destinataire (3 digits); absent only for a lot that did not parse. */
  readonly destination?: string;
  /** 1 to 999; absent only for a lot that did not parse. */
  readonly lotNumber?: number;
  /** SHA-256 of the signed lot (`E4`). */
  readonly digest: Uint8Array;
  readonly size: number;
  readonly state: LotState;
  readonly receivedAt: number;
  readonly freedAt?: number;
  /** The host ids of its FSEs (verified lots only). */
  readonly fseIds: readonly number[];
}

/** One entry of a lot's state history. */
export interface LotStateRecord {
  readonly state: LotState;
  /** A negative ARL's reason. */
  readonly reason?: string;
  readonly at: number;
}

/** An item the terminal offered under an id the host already holds with other bytes: kept aside, never overwriting. */
export interface ConflictRecord {
  readonly id: number;
  readonly terminalSerial: string;
  readonly kind: 'fse' | 'lot';
  /** The invoice number, or `<destination>-<lot number>`. */
  readonly item: string;
  readonly heldDigest: Uint8Array;
  readonly offeredDigest: Uint8Array;
  /** The offered bytes, kept so that nothing is lost. */
  readonly bytes: Uint8Array;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** One sync, as the journal records it. */
export interface SyncRunRecord {
  readonly id: number;
  readonly terminalSerial?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome?: 'done' | 'failed';
  /** The summary (JSON) the sync returned, or the error that ended it. */
  readonly summary?: string;
}

/** One line of the sync journal. */
export interface JournalEntry {
  readonly syncId: number;
  readonly at: number;
  /** `sync-started`, `clock-set`, `listed`, `fse-stored`, `lot-stored`, `conflict`, `acknowledging`, `acknowledged`, `sync-done`, `sync-failed`... */
  readonly kind: string;
  /** The link id concerned, if any. */
  readonly item?: number;
  readonly detail: string;
}

/** What `HostDatabase.storeFse` takes. */
export interface NewHostFse extends VerdictFields {
  readonly terminalSerial: string;
  readonly invoiceNumber: number;
  readonly bytes: Uint8Array;
  readonly digest: Uint8Array;
  readonly receivedAt: number;
}

/** What `HostDatabase.storeLot` takes. */
export interface NewHostLot extends VerdictFields {
  readonly terminalSerial: string;
  readonly destination?: string;
  readonly lotNumber?: number;
  readonly bytes: Uint8Array;
  readonly digest: Uint8Array;
  readonly receivedAt: number;
  /** The state it enters: `signed` for a lot from the terminal. */
  readonly state: 'built' | 'signed';
  /** Host ids of its FSEs (verified lots). */
  readonly fseIds: readonly number[];
}

/** What `HostDatabase.recordConflict` takes. */
export type NewConflict = Omit<ConflictRecord, 'id' | 'firstSeenAt' | 'lastSeenAt'> & { readonly at: number };
