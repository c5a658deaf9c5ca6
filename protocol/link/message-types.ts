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

/** Any request (host to terminal). */
export type LinkRequest =
  | LinkIdentifyRequest
  | LinkSetClockRequest
  | LinkListFsesRequest
  | LinkFetchRequest
  | LinkAcknowledgeRequest
  | LinkUpdateTariffsRequest
  | LinkReadEventLogRequest;

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
} as const;
