/**
 * The portable terminal's crash-safe store (its flash memory) over SQLite:
 * secured FSEs, signed lots, acknowledgements, the event log and settings,
 * with quarantine of a database it cannot trust. better-sqlite3 loads when a
 * store opens.
 * @module
 */
export { openTerminalStore, expectStore, type BootOk, type BootQuarantined, type BootResult, type TerminalStoreOptions } from './open-terminal-store.js';
export { lotNumberAfter, type ListFilter, type StoreClock, type TerminalStore } from './terminal-store.js';
export type * from './records.js';
export { StoreError, isStoreError, type StoreErrorCode } from './store-error.js';
export { listQuarantined, releaseQuarantine, quarantineFolder, type QuarantineEntry, type QuarantineReason } from './quarantine.js';
export { openQuarantineArchive, type QuarantineArchive, type QuarantinedChunk, type QuarantinedFile, type QuarantinedStore } from './quarantine-archive.js';
export { APPLICATION_ID, SCHEMA_VERSION, MIGRATIONS, type Migration } from './schema.js';
export { MAX_FSE_ID, MAX_LOT_FSES } from './validate.js';
