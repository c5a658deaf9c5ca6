/**
 * The host takes a quarantined store, then releases it (issue 6: a
 * corrupted or foreign database file is kept aside and the terminal
 * "refuses to capture until the host has taken the data").
 *
 * - {@link quarantineAnswers} answers `list-quarantined`,
 *   `fetch-quarantined` and `release-quarantined` from the drivers'
 *   `QuarantineArchive`; both servers use it.
 * - {@link serveQuarantinedHostLink} is the server while the store is in
 *   quarantine: identify, set-clock (the clock in memory: there is no store
 *   to keep it in) and the three quarantine requests; every other request
 *   gets `LINK_ERROR.quarantined` ("memoire en quarantaine").
 *
 * OURS (terminal/README "Host link server"): a quarantine travels under its
 * folder number (`0001` = 1); chunks of at most `LINK_MAX_QUARANTINE_CHUNK`
 * (32 KiB) bytes, a longer `length` is cut; release needs a next invoice
 * number of 1 to 999,999,999 (`badRequest` otherwise); an unknown id is
 * `notFound`, a released one `refused`; the release is recorded first
 * (the host holds the data), then `onReleased` runs (the firmware opens a
 * fresh store when none is pending) and only then is the answer sent.
 * @module
 */
import { MAX_FSE_ID, type Link, type LinkAnswerBody, type QuarantineArchive, type QuarantineEntry, type QuarantinedStore } from '../../drivers/index.js';
import { LINK_ERROR, LINK_MAX_QUARANTINE_CHUNK, type LinkIdentityAnswer, type LinkQuarantineEntry, type LinkRequest } from '../../protocol/index.js';
import { answerSafely, fitText, linkError } from './link-answers.js';
import type { SettableClock } from './terminal-clock.js';

/** A release the host asked for, as the terminal recorded it. */
export interface QuarantineRelease {
  readonly entry: QuarantineEntry;
  /** Quarantines still pending after this one (0: the store may open). */
  readonly pending: number;
}

/** What the quarantine requests are answered from. */
export interface QuarantineAnswerOptions {
  readonly archive: QuarantineArchive;
  /** The time a release is recorded at. */
  readonly clock: { now(): number };
  /** Runs after a release was recorded, before the answer (the firmware reopens its store here); a rejection is an `internal` error answer. */
  readonly onReleased?: (release: QuarantineRelease) => Promise<void>;
}

/** The quarantine requests of the link. */
export type QuarantineRequest = Extract<LinkRequest, { kind: 'list-quarantined' | 'fetch-quarantined' | 'release-quarantined' }>;

/** True for the three quarantine requests. */
export function isQuarantineRequest(request: LinkRequest): request is QuarantineRequest {
  return request.kind === 'list-quarantined' || request.kind === 'fetch-quarantined' || request.kind === 'release-quarantined';
}

/** The folder name of a quarantine's link id (`1` → `0001`). */
export function quarantineFolderId(id: number): string {
  return String(id).padStart(4, '0');
}

function linkEntry({ entry, files }: QuarantinedStore): LinkQuarantineEntry {
  return {
    id: Number(entry.id),
    reason: entry.reason,
    at: entry.at,
    ...(entry.releasedAt === undefined ? {} : { releasedAt: entry.releasedAt }),
    detail: fitText(entry.detail),
    files: files.map((f) => ({ name: fitText(f.name), size: f.size })),
  };
}

/**
 * Answer a quarantine request (errors are thrown; the servers turn them
 * into error answers with `answerSafely`).
 * @example
 * const answer = await quarantineAnswers({ archive, clock })({ kind: 'list-quarantined', requestId: 1 });
 */
export function quarantineAnswers(options: QuarantineAnswerOptions): (request: QuarantineRequest) => Promise<LinkAnswerBody> {
  const { archive, clock } = options;
  return async (request) => {
    switch (request.kind) {
      case 'list-quarantined':
        return { kind: 'quarantine-list', quarantines: (await archive.list()).map(linkEntry) };
      case 'fetch-quarantined': {
        const length = Math.min(request.length, LINK_MAX_QUARANTINE_CHUNK);
        const chunk = await archive.read(quarantineFolderId(request.id), request.name, request.offset, length);
        return { kind: 'quarantined-chunk', id: request.id, name: request.name, offset: request.offset, total: chunk.total, bytes: chunk.bytes };
      }
      case 'release-quarantined': {
        const { id, nextInvoiceNumber } = request;
        if (nextInvoiceNumber < 1 || nextInvoiceNumber > MAX_FSE_ID) return linkError(LINK_ERROR.badRequest, `a next invoice number is 1 to ${MAX_FSE_ID}, not ${nextInvoiceNumber}`);
        const all = (await archive.list()).map((q) => q.entry);
        const entry = all.find((e) => e.id === quarantineFolderId(id));
        if (entry === undefined) return linkError(LINK_ERROR.notFound, `no quarantine ${id}`);
        if (entry.releasedAt !== undefined) return linkError(LINK_ERROR.refused, `quarantaine ${entry.id} deja liberee`);
        const released = await archive.release(entry.id, { at: clock.now(), nextInvoiceNumber });
        const pending = all.filter((e) => e.releasedAt === undefined && e.id !== entry.id).length;
        await options.onReleased?.({ entry: released, pending });
        return { kind: 'quarantine-released', id, pending };
      }
    }
  };
}

/** What the server answers from while the store is in quarantine. */
export interface QuarantinedHostLinkOptions extends QuarantineAnswerOptions {
  /** Who the terminal is (the `identity` answer). */
  readonly device: Omit<LinkIdentityAnswer, 'kind' | 'requestId'>;
  /** The terminal clock; `set-clock` sets it (in memory: `openMemoryClock`). Also the time releases are recorded at. */
  readonly clock: SettableClock;
  /** True while the terminal cannot serve the host: requests other than identify get `busy`. */
  readonly busy?: () => boolean;
}

/** A running server; `stop()` removes its handler from the link. */
export interface QuarantinedHostLinkServer {
  stop(): void;
}

/** The text of the `quarantined` error answer. */
export const QUARANTINED_TEXT = 'memoire en quarantaine: le poste doit d\'abord recuperer les donnees (list-quarantined)';

/**
 * Answer the host while the store is in quarantine.
 * @example
 * const server = serveQuarantinedHostLink(link, { archive: openQuarantineArchive(boot.path), device, clock: openMemoryClock(rtc), onReleased });
 */
export function serveQuarantinedHostLink(link: Link, options: QuarantinedHostLinkOptions): QuarantinedHostLinkServer {
  const { device, clock } = options;
  const quarantine = quarantineAnswers(options);
  async function answer(request: LinkRequest): Promise<LinkAnswerBody> {
    if (request.kind === 'identify') return { kind: 'identity', ...device };
    if (options.busy?.() === true) return linkError(LINK_ERROR.busy, 'terminal occupe: operation carte en cours');
    if (isQuarantineRequest(request)) return quarantine(request);
    if (request.kind === 'set-clock') return { kind: 'clock-set', previousEpochMs: Math.max(0, await clock.set(request.epochMs, request.utcOffsetMinutes)) };
    return linkError(LINK_ERROR.quarantined, QUARANTINED_TEXT);
  }
  return { stop: link.onMessage((request) => answerSafely(request, answer)) };
}
