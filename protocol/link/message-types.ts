/**
 * The messages a host and a portable terminal exchange over the link (our
 * design, see README). Every request carries a 16-bit `requestId` that
 * its answer echoes; any request may be answered by an {@link LinkErrorAnswer}.
 * FSE and lot bodies are opaque here (their encodings come with issue 6).
 * @module
 */

/** Ask the terminal who it is. */
export interface LinkIdentifyRequest {
  readonly kind: 'identify';
  readonly requestId: number;
}

/** Set the terminal's clock: UTC milliseconds since 1970 and the local offset. */
export interface LinkSetClockRequest {
  readonly kind: 'set-clock';
  readonly requestId: number;
  /** UTC time, milliseconds since 1970-01-01 (0 to 2^53 - 1). */
  readonly epochMs: number;
  /** Local time minus UTC, in minutes (-840 to 840), for the terminal's display. */
  readonly utcOffsetMinutes: number;
}

/** List the FSEs stored on the terminal. */
export interface LinkListFsesRequest {
  readonly kind: 'list-fses';
  readonly requestId: number;
}

/** Fetch one stored FSE (feuille de soins électronique) or lot by its id. */
export interface LinkFetchRequest {
  readonly kind: 'fetch-fse' | 'fetch-lot';
  readonly requestId: number;
  /** Terminal-assigned id, 32-bit. */
  readonly id: number;
}

/** The host has stored these FSEs or lots safely: only now may the terminal free them. */
export interface LinkAcknowledgeRequest {
  readonly kind: 'acknowledge';
  readonly requestId: number;
  /** At most 65,535 ids. */
  readonly ids: readonly number[];
}

/** Replace the tariff table (opaque, versioned bytes). */
export interface LinkUpdateTariffsRequest {
  readonly kind: 'update-tariffs';
  readonly requestId: number;
  /** 32-bit version; the terminal refuses one older than its own. */
  readonly version: number;
  readonly table: Uint8Array;
}

/** Read `count` event-log entries from index `from`. */
export interface LinkReadEventLogRequest {
  readonly kind: 'read-event-log';
  readonly requestId: number;
  readonly from: number;
  /** 0 to 65,535. */
  readonly count: number;
}

/**
 * List the store files the terminal moved aside at boot (issue 6: "a
 * corrupted or foreign database file is ... preserved aside"), released
 * ones included. OURS.
 */
export interface LinkListQuarantinedRequest {
  readonly kind: 'list-quarantined';
  readonly requestId: number;
}

/**
 * Read `length` bytes at `offset` of file `name` of quarantine `id`. A store
 * may be megabytes and the link reassembles whole messages in memory, so
 * the host reads it in chunks of at most {@link LINK_MAX_QUARANTINE_CHUNK}
 * bytes (a longer `length` gets that many). OURS.
 */
export interface LinkFetchQuarantinedRequest {
  readonly kind: 'fetch-quarantined';
  readonly requestId: number;
  /** The quarantine's number (its folder, `0001` = 1). */
  readonly id: number;
  /** A file name as the list gives it (`terminal.db`, `terminal.db-wal`...); UTF-8, at most 255 bytes. */
  readonly name: string;
  /** 32-bit. */
  readonly offset: number;
  /** 0 to 65,535. */
  readonly length: number;
}

/**
 * The host holds the data of quarantine `id`: the terminal may open a fresh
 * store once no quarantine is pending, and its invoice numbers go on from
 * `nextInvoiceNumber`, which the host read in the data (the terminal could
 * not). OURS.
 */
export interface LinkReleaseQuarantinedRequest {
  readonly kind: 'release-quarantined';
  readonly requestId: number;
  readonly id: number;
  /** The next invoice number to give (1 to 999,999,999, DOMAIN.md "B2 columns": 9 digits); 32-bit on the wire. */
  readonly nextInvoiceNumber: number;
}

/** Any request (host to terminal). */
export type LinkRequest =
  | LinkIdentifyRequest
  | LinkSetClockRequest
  | LinkListFsesRequest
  | LinkFetchRequest
  | LinkAcknowledgeRequest
  | LinkUpdateTariffsRequest
  | LinkReadEventLogRequest
  | LinkListQuarantinedRequest
  | LinkFetchQuarantinedRequest
  | LinkReleaseQuarantinedRequest;

/** Who the terminal is. Strings are UTF-8, at most 255 bytes each. */
export interface LinkIdentityAnswer {
  readonly kind: 'identity';
  readonly requestId: number;
  readonly model: string;
  readonly serial: string;
  readonly firmware: string;
  /** The portable device's agreement number (it goes in the B2 lot trailer, DOMAIN.md). */
  readonly agreementNumber: string;
}

/** The clock is set; the terminal's time before, for the host's drift log. */
export interface LinkClockSetAnswer {
  readonly kind: 'clock-set';
  readonly requestId: number;
  readonly previousEpochMs: number;
}

/** Where a stored FSE stands. */
export type LinkFseState =
  /** Secured and stored, not yet fetched. */
  | 'pending'
  /** Fetched by a host, not yet acknowledged: still kept. */
  | 'fetched';

/** One stored FSE. */
export interface LinkFseEntry {
  readonly id: number;
  /** Size of its encoding in bytes (32-bit). */
  readonly size: number;
  readonly state: LinkFseState;
}

/** The stored FSEs. */
export interface LinkFseListAnswer {
  readonly kind: 'fse-list';
  readonly requestId: number;
  readonly fses: readonly LinkFseEntry[];
}

/** One FSE or lot, opaque bytes. */
export interface LinkStoredItemAnswer {
  readonly kind: 'fse' | 'lot';
  readonly requestId: number;
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** The ids the terminal has freed (those it knew of). */
export interface LinkAcknowledgedAnswer {
  readonly kind: 'acknowledged';
  readonly requestId: number;
  readonly freed: readonly number[];
}

/** The tariff table now in force. */
export interface LinkTariffsUpdatedAnswer {
  readonly kind: 'tariffs-updated';
  readonly requestId: number;
  readonly version: number;
}

/** One event-log entry. */
export interface LinkEventLogEntry {
  readonly index: number;
  readonly epochMs: number;
  /** Event code (ours, 16-bit). */
  readonly code: number;
  /** UTF-8, at most 255 bytes. Never a PIN. */
  readonly text: string;
}

/** Event-log entries, and how many the log holds in all. */
export interface LinkEventLogAnswer {
  readonly kind: 'event-log';
  readonly requestId: number;
  readonly total: number;
  readonly entries: readonly LinkEventLogEntry[];
}

/** Why a store file was moved aside (drivers/store `QuarantineReason`; u8 1 to 5 on the wire, in this order). */
export type LinkQuarantineReason = 'not-sqlite' | 'foreign' | 'newer-schema' | 'corrupt' | 'orphan-journal';

/** One file moved aside. */
export interface LinkQuarantinedFile {
  /** File name only, never the terminal's path; UTF-8, at most 255 bytes. */
  readonly name: string;
  /** Bytes (32-bit). */
  readonly size: number;
}

/** One quarantine. */
export interface LinkQuarantineEntry {
  /** Its number (folder `0001` = 1), 32-bit. */
  readonly id: number;
  readonly reason: LinkQuarantineReason;
  /** When it was moved aside, ms since 1970 (the terminal's clock). */
  readonly at: number;
  /** When a host released it; absent while pending (captures are refused until then). */
  readonly releasedAt?: number;
  /** What the check found, for people; at most 255 UTF-8 bytes. */
  readonly detail: string;
  /** Every file moved (database, `-wal`, `-shm`...): the host takes them all to open the database. */
  readonly files: readonly LinkQuarantinedFile[];
}

/** The quarantines, oldest first. */
export interface LinkQuarantineListAnswer {
  readonly kind: 'quarantine-list';
  readonly requestId: number;
  readonly quarantines: readonly LinkQuarantineEntry[];
}

/** A chunk of a quarantined file: `bytes` from `offset`, out of `total` (empty at the end). */
export interface LinkQuarantinedChunkAnswer {
  readonly kind: 'quarantined-chunk';
  readonly requestId: number;
  readonly id: number;
  readonly name: string;
  readonly offset: number;
  /** The file's size now (32-bit). */
  readonly total: number;
  readonly bytes: Uint8Array;
}

/** The quarantine is released; `pending` quarantines remain (0: the terminal captures again). */
export interface LinkQuarantineReleasedAnswer {
  readonly kind: 'quarantine-released';
  readonly requestId: number;
  readonly id: number;
  /** 16-bit. */
  readonly pending: number;
}

/** Most bytes of one `quarantined-chunk` (OURS: 32 KiB, 565 frames; a 13.6 MiB store is 436 chunks). */
export const LINK_MAX_QUARANTINE_CHUNK = 32 * 1024;

/** The request failed: a code from {@link LINK_ERROR} and a text for people. */
export interface LinkErrorAnswer {
  readonly kind: 'error';
  readonly requestId: number;
  readonly code: number;
  readonly text: string;
}

/** Any answer (terminal to host). */
export type LinkAnswer =
  | LinkIdentityAnswer
  | LinkClockSetAnswer
  | LinkFseListAnswer
  | LinkStoredItemAnswer
  | LinkAcknowledgedAnswer
  | LinkTariffsUpdatedAnswer
  | LinkEventLogAnswer
  | LinkQuarantineListAnswer
  | LinkQuarantinedChunkAnswer
  | LinkQuarantineReleasedAnswer
  | LinkErrorAnswer;

/** Any message of the link. */
export type LinkMessage = LinkRequest | LinkAnswer;

/** The answer each request kind expects (besides an error answer). */
export interface LinkAnswerKinds {
  identify: LinkIdentityAnswer;
  'set-clock': LinkClockSetAnswer;
  'list-fses': LinkFseListAnswer;
  'fetch-fse': LinkStoredItemAnswer;
  'fetch-lot': LinkStoredItemAnswer;
  acknowledge: LinkAcknowledgedAnswer;
  'update-tariffs': LinkTariffsUpdatedAnswer;
  'read-event-log': LinkEventLogAnswer;
  'list-quarantined': LinkQuarantineListAnswer;
  'fetch-quarantined': LinkQuarantinedChunkAnswer;
  'release-quarantined': LinkQuarantineReleasedAnswer;
}

/** Error codes of {@link LinkErrorAnswer} (ours). */
export const LINK_ERROR = {
  /** The request type is unknown to this side. */
  unknownRequest: 1,
  /** The request did not parse or its values are out of range. */
  badRequest: 2,
  /** No FSE, lot or log entry with that id or index. */
  notFound: 3,
  /** The terminal is busy (a card session in progress). */
  busy: 4,
  /** The request was refused (an older tariff version, for one). */
  refused: 5,
  /** The terminal failed while handling the request. */
  internal: 6,
  /**
   * The terminal's store is in quarantine (OURS): it answers only identify,
   * set-clock and the quarantine requests until the host released it.
   */
  quarantined: 7,
} as const;
