/**
 * The small contract every card transport implements (STYLE.md "Drivers",
 * after apdu4j's BIBO): list readers, watch them, open a port to the card
 * in one, bytes in and bytes out. Sessions, events, transactions, timeouts,
 * cancellation and GET RESPONSE chaining are built once on top of it
 * (`session/`), never per transport.
 * @module
 */

/** The transmission protocol in use with the card (ISO/IEC 7816-3 §10, §11). */
export type CardProtocol = 'T=0' | 'T=1';

/** How a port shares the card with other applications (PC/SC SCARD_SHARE_*). */
export type ShareMode = 'shared' | 'exclusive';

/** What closing a port does to the card (PC/SC SCARD_LEAVE_CARD, RESET, UNPOWER, EJECT). */
export type Disposition = 'leave' | 'reset' | 'unpower' | 'eject';

/** A reader as a transport lists it. */
export interface ReaderDescriptor {
  /** The name applications show and select it by (PC/SC reader name). */
  readonly name: string;
  /** True when a card sits in the reader now. */
  readonly cardPresent: boolean;
}

/** What a transport reports about its readers and their cards. */
export type TransportEvent =
  | { readonly type: 'reader.added'; readonly reader: string }
  | { readonly type: 'reader.removed'; readonly reader: string }
  | { readonly type: 'card.inserted'; readonly reader: string; readonly atr: Uint8Array }
  | { readonly type: 'card.removed'; readonly reader: string }
  /** The service behind the transport went away (pcscd stopped); readers are gone until `service.up`. */
  | { readonly type: 'service.down'; readonly error: Error }
  | { readonly type: 'service.up' };

/** Options of {@link ReaderTransport.open}. */
export interface OpenOptions {
  readonly share: ShareMode;
  /** Acceptable protocols, in no order; the transport picks the one the card and reader agree on. */
  readonly protocols: readonly CardProtocol[];
  readonly signal?: AbortSignal | undefined;
}

/** Options of one exchange. */
export interface TransmitOptions {
  /** Ends the exchange with a `canceled` DriverError (the card may still be working). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A card powered in one reader, opened by {@link ReaderTransport.open}.
 *
 * Concurrency: one call at a time (the session layer queues); a second
 * call while one is pending is a programmer error. `close()` rejects a
 * pending call with a `closed` DriverError and is idempotent.
 * Errors: every rejection is a `DriverError`.
 */
export interface ReaderPort {
  readonly reader: string;
  readonly atr: Uint8Array;
  readonly protocol: CardProtocol;
  /**
   * True when the transport already answers 61XX / 6CXX itself (then the
   * session layer does not chain GET RESPONSE). PC/SC and the in-process
   * transport leave it to the host: false.
   */
  readonly chainsResponses: boolean;
  /** One command APDU (short or extended) out, the whole response APDU (data + SW1 SW2) back. */
  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array>;
  /** Warm reset (`'reset'`) or power cycle (`'unpower'`); resolves with the new ATR. */
  reset(kind: 'reset' | 'unpower'): Promise<Uint8Array>;
  /** Exclusive access across applications until `endTransaction` (PC/SC SCardBeginTransaction); a no-op where the transport has one user. */
  beginTransaction(): Promise<void>;
  endTransaction(disposition: Disposition): Promise<void>;
  /** Release the card with a disposition. */
  close(disposition: Disposition): Promise<void>;
}

/**
 * A card transport: PC/SC, in-process, USB CCID. Implementations load
 * their native module lazily and report a missing one as `not-installed`.
 */
export interface ReaderTransport {
  /** A short name for messages and conformance titles: `pcsc`, `in-process`, `ccid`. */
  readonly kind: string;
  /** The readers now, with card presence. */
  list(): Promise<ReaderDescriptor[]>;
  /** Listen for reader and card events; returns the function that stops listening. Watching starts with the first listener. */
  watch(listener: (event: TransportEvent) => void): () => void;
  /** Power the card in `reader` and open a port to it. */
  open(reader: string, options: OpenOptions): Promise<ReaderPort>;
  /** Stop watching, close every port (pending calls reject with `closed`), release native handles. Idempotent. */
  close(): Promise<void>;
}
