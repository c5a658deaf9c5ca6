/**
 * `drivers/session/`: the one session layer over any card transport
 * (issue 5 "One interface"): {@link createReaderManager}, readers, card
 * sessions with GET RESPONSE chaining, time limits, cancellation,
 * transactions and PIN-redacted exchange records.
 * @module
 */
export { createReaderManager, type ConnectOptions, type Reader, type ReaderManager, type ReaderManagerOptions } from './reader-manager.js';
export type { CallOptions, CardChannel, CardSession, ExchangeRecord, TransactionOptions } from './card-session.js';
export { chainResponses } from './response-chaining.js';
export { carriesPin, redactCommand } from './redact.js';
