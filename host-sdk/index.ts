/**
 * `host-sdk/`: the PC side of bifente (issue 7). Wave 1: the host's own
 * crash-safe database, the lot state model, and the sync with a terminal
 * over any drivers link (fetch, verify, store, then acknowledge).
 * @module
 */
export { openHostDatabase, type HostDatabaseOptions } from './database/open-host-database.js';
export type { FreedItems, HostClock, HostDatabase, HostListFilter, TerminalIdentity } from './database/host-database.js';
export { HostDatabaseError, isHostDatabaseError, type HostDatabaseErrorCode } from './database/host-database-error.js';
export type * from './database/records.js';
export { HOST_APPLICATION_ID, HOST_MIGRATIONS, HOST_SCHEMA_VERSION, type HostMigration } from './database/schema.js';
export { LOT_STATES, LOT_TRANSITIONS, nextLotState, type LotState, type LotStateChange, type LotTransition } from './lots/lot-state.js';
export { checkFse, checkLot, type LotCheck } from './sync/check-items.js';
export { syncTerminal } from './sync/sync-terminal.js';
export { SyncError, isSyncError, type SyncErrorCode } from './sync/sync-error.js';
export type * from './sync/sync-types.js';
export { cardCpsSigner } from './signing/card-signer.js';
export { pkcs11CpsSigner, type Pkcs11SignerOptions } from './signing/pkcs11-signer.js';
export { isSignerError, SignerError, type HostCpsSigner, type PinSource, type SignerErrorCode } from './signing/host-signer.js';
export { connectTeleservice, type CallOptions, type Professional, type TeleserviceClient, type TeleserviceClientOptions, type TeleserviceSession } from './teleservice/teleservice-client.js';
export { isTeleserviceClientError, TeleserviceClientError, type TeleserviceClientErrorCode, type TeleserviceClientErrorDetails } from './teleservice/teleservice-error.js';
export { backoffDelay, createRetrier, timerSleep, type Retrier, type RetryPolicy, type Sleep } from './teleservice/retry.js';
export { lookupRights, type LookupRightsOptions, type RightsLookup } from './rights/lookup-rights.js';
// The teleservice's wire types the host API names, kept here under their earlier names (protocol/teleservice).
export type { ArlAnswer, ArlReady, LotReceipt, LotReturn, ReturnInvoice, ReturnNotice, RightsAnswer, RightsQuery as RightsRequest } from '../protocol/index.js';
export type { CachedRights, RightsKey, RightsTable } from './database/rights-table.js';
export { uploadLots, lotUploadBody } from './upload/upload-lots.js';
export { followAcknowledgements } from './upload/follow-acknowledgements.js';
export { rebuildRejectedLots, REBUILDABLE_REASONS, hostLocalTime } from './upload/rebuild-lots.js';
export type * from './upload/upload-types.js';
export type { InvoiceReturnRecord, NewBuiltLot, NewInvoiceReturn, NewUpload, RecordedArl, UploadRecord, UploadTable } from './database/upload-table.js';
export { takeQuarantinedStores } from './quarantine/take-quarantined.js';
export { nextInvoiceNumberAfterQuarantine, QUARANTINE_INVOICE_MARGIN } from './quarantine/next-invoice-number.js';
export type * from './quarantine/quarantine-types.js';
export type { NewQuarantine, QuarantineFileRecord, QuarantineRecord, QuarantineTable } from './database/quarantine-table.js';
