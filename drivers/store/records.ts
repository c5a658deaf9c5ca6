/**
 * What the terminal store holds: secured FSEs, signed lots, the event log
 * and settings. FSE and lot bytes are opaque here (their canonical
 * encodings live in protocol/); the store keeps the columns the terminal
 * needs to list, group and free them without decoding.
 * @module
 */

/**
 * How an FSE (feuille de soins électronique) was secured, as B2's lot header
 * "top certification" (DOMAIN.md): `S` with the carte Vitale, `F` without the
 * Vitale, `D` degraded mode (CPS only).
 */
export type SecuringMode = 'S' | 'F' | 'D';

/**
 * Where a stored FSE stands: `stored` (secured, in no lot yet), `in-lot`
 * (grouped into a signed lot), `acknowledged` (the host holds it: it may be freed).
 */
export type FseState = 'stored' | 'in-lot' | 'acknowledged';

/** Where a lot stands: `signed` (built and signed with the CPS), `acknowledged` (the host holds it). */
export type LotState = 'signed' | 'acknowledged';

/** A secured FSE as the terminal captures it: what {@link TerminalStore.putFse} takes. */
export interface FseRecord {
  /** The invoice number (B2 invoice header cols 27-35: 9 digits), 1 to 999,999,999; never reused while stored. */
  readonly id: number;
  /** When the FSE was captured, milliseconds since 1970 (UTC). */
  readonly capturedAt: number;
  /** The 3-digit destination organisation (organisme destinataire, B2 lot header), e.g. `'011'`. */
  readonly destination: string;
  /** The invoice total in integer cents. */
  readonly amountCents: number;
  readonly securingMode: SecuringMode;
  /** The secured FSE envelope, opaque (protocol/fse's canonical encoding). */
  readonly bytes: Uint8Array;
}

/** An FSE in the store, without its bytes (what a list shows). */
export interface FseSummary {
  readonly id: number;
  readonly capturedAt: number;
  readonly destination: string;
  readonly amountCents: number;
  readonly securingMode: SecuringMode;
  readonly state: FseState;
  /** The lot it belongs to (store lot id), absent while `stored` or when acknowledged alone. */
  readonly lotId?: number;
  /** Size of its bytes. */
  readonly size: number;
}

/** An FSE in the store with its bytes. */
export interface StoredFse extends FseSummary {
  readonly bytes: Uint8Array;
}

/** What {@link TerminalStore.createLot} takes. */
export interface NewLot {
  /** The 3-digit destination organisation; every FSE of the lot must have it. */
  readonly destination: string;
  /**
   * The lot number the bytes carry (B2 lot header cols 20-22): it must be
   * {@link TerminalStore.nextLotNumber} for this destination, read just before
   * building and signing the lot.
   */
  readonly number: number;
  /** The FSEs of the lot, 1 to 999 (B2's trailer counts invoices on 3 digits), all `stored`. */
  readonly fseIds: readonly number[];
  /** The lot's encoding, opaque. */
  readonly bytes: Uint8Array;
  /** The CPS signature over the lot, opaque. */
  readonly signature: Uint8Array;
}

/** A lot in the store, without its bytes. */
export interface LotSummary {
  /** The store's lot id: unique for the life of the store, never reused (the link's `fetch-lot` id). */
  readonly id: number;
  readonly destination: string;
  /** The lot number for its destination, 1 to 999 (wraps from 999 to 1). */
  readonly number: number;
  /** When the lot was created, milliseconds since 1970 (the store's clock). */
  readonly createdAt: number;
  readonly state: LotState;
  readonly fseCount: number;
}

/** A lot in the store with its bytes, signature and FSE ids (ascending). */
export interface StoredLot extends LotSummary {
  readonly fseIds: readonly number[];
  readonly bytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** How full the store is. */
export interface StoreUsage {
  /** FSEs held (any state; freed ones no longer count). */
  readonly count: number;
  /** The most FSEs the store accepts. */
  readonly capacity: number;
  /** True from 90 % of capacity on: the display warns the doctor. */
  readonly warning: boolean;
}

/** What the host acknowledged: lot ids, or FSE ids of FSEs in no lot. */
export interface AcknowledgeRequest {
  readonly lotIds?: readonly number[];
  readonly fseIds?: readonly number[];
}

/** What an acknowledgement did. */
export interface AcknowledgeResult {
  /** Lots now acknowledged (including those that already were). */
  readonly lots: readonly number[];
  /** FSEs now acknowledged: those of the lots, and the FSE ids given. */
  readonly fses: readonly number[];
  /** Ids the store does not hold (lot ids and FSE ids as given). */
  readonly notFound: readonly number[];
  /** FSE ids refused because their lot is not acknowledged: acknowledge the lot. */
  readonly inUnacknowledgedLot: readonly number[];
}

/** What {@link TerminalStore.free} deleted. */
export interface FreeResult {
  readonly lots: readonly number[];
  readonly fses: readonly number[];
}

/** An event to log. `kind` is a dotted domain name (`fse.stored`, `cps.pin-wrong`). */
export interface NewEvent {
  /** Milliseconds since 1970; the store's clock when absent. */
  readonly at?: number;
  readonly kind: string;
  /** Text for people. Never a PIN (nor anything typed on the keypad during PIN entry). */
  readonly detail: string;
}

/** A logged event. */
export interface LoggedEvent {
  /** Position in the log from 0, never reused (old entries are trimmed, indexes go on). */
  readonly index: number;
  readonly at: number;
  readonly kind: string;
  readonly detail: string;
}

/** A page of the event log. */
export interface EventPage {
  readonly entries: readonly LoggedEvent[];
  /** Entries the log holds now. */
  readonly total: number;
  /** The index the next appended event will get. */
  readonly nextIndex: number;
}

/** A setting's value (JSON-encoded in the store). */
export type SettingValue = string | number | boolean;
