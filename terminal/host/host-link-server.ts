/**
 * The terminal side of the link to the PC (issue 6 "Host link"): answers
 * every request of protocol/link over a drivers `Link` (serial, HID or in
 * memory). Every request gets an answer: a bad one gets an error answer
 * with a `LINK_ERROR` code, never a crash.
 *
 * OURS (see terminal/README "Host link server"):
 * - **Ids.** An FSE's link id is its invoice number (1-999,999,999 < 2^30);
 *   a lot's link id is `LOT_LINK_FLAG` (2^31) + its store id (protocol/link `lotLinkId`). `list-fses`
 *   lists both (the link has no separate lot list), `acknowledge` takes
 *   both, `fetch-lot` takes the lot's link id or its bare store id.
 * - **States.** `fetched` once this server sent the item's bytes (kept in
 *   memory: after a reboot everything shows `pending` again, harmless).
 * - **Acknowledge** = `store.acknowledge` then `store.free` (one transaction
 *   each); the answer lists what `free` deleted. An FSE of a lot that is not
 *   acknowledged is not freed (acknowledge the lot).
 * - **Event log** pages carry at most {@link MAX_EVENT_PAGE} entries.
 * - **Quarantines** released earlier are still listed and fetched
 *   (quarantine-link.ts); none is pending while a store is open, so a
 *   release is `refused` (released) or `notFound`.
 * @module
 */
import { MAX_FSE_ID, openQuarantineArchive, type Link, type LinkAnswerBody, type QuarantineArchive, type TerminalStore } from '../../drivers/index.js';
import { isLotLinkId, LINK_ERROR, lotLinkId, lotStoreId, type LinkEventLogEntry, type LinkIdentityAnswer, type LinkFseEntry, type LinkRequest } from '../../protocol/index.js';
import { answerSafely, fitText, linkError } from './link-answers.js';
import { quarantineAnswers } from './quarantine-link.js';
import type { SettableClock } from './terminal-clock.js';
import { decodeTariffTable, saveTariffs, type TariffsInForce } from './tariffs-in-force.js';

/** What the server answers from. */
export interface HostLinkOptions {
  readonly store: TerminalStore;
  /** Who the terminal is (the `identity` answer: model, serial, firmware, agreement number; the firmware's `DeviceIdentity`). */
  readonly device: Omit<LinkIdentityAnswer, 'kind' | 'requestId'>;
  /** The terminal clock (`openTerminalClock`): `set-clock` sets it. */
  readonly clock: SettableClock;
  /** The tariffs in force at start (`loadTariffs`). */
  readonly tariffs: TariffsInForce;
  /** True while the terminal cannot serve the host (a card operation in progress): requests other than identify get `busy`. */
  readonly busy?: () => boolean;
  /** The store's quarantines (released ones, listed and fetched still); `openQuarantineArchive(store.path)` when absent. */
  readonly quarantine?: QuarantineArchive;
}

/** A running server. */
export interface HostLinkServer {
  /** The tariffs in force, after the host's updates. */
  readonly tariffs: TariffsInForce;
  /** Link ids whose bytes this server has sent. */
  readonly fetched: ReadonlySet<number>;
  /** Stop answering (the link stays open; requests then get `unknownRequest`). */
  stop(): void;
}

/** Most event-log entries in one answer (a 255-byte text each keeps a page under 70 KB). */
export const MAX_EVENT_PAGE = 256;
/** Event-log codes on the link (OURS, 16-bit); kinds not listed travel as 0 with the kind in the text. */
export const EVENT_CODES: Readonly<Record<string, number>> = {
  'link.clock-set': 0x0101,
  'link.tariffs-updated': 0x0102,
  'link.acknowledged': 0x0103,
  'fse.stored': 0x0201,
  'lot.created': 0x0301,
  'store.quarantined': 0x0401,
  'store.quarantine-released': 0x0402,
};

type Answer = LinkAnswerBody;
/**
 * Answer the host's requests on `link` from the store (issue 6 "Host link").
 * @example
 * const server = serveHostLink(openLink(port), { store, device, clock, tariffs });
 */
export function serveHostLink(link: Link, options: HostLinkOptions): HostLinkServer {
  const { store, device, clock } = options;
  const quarantine = quarantineAnswers({ archive: options.quarantine ?? openQuarantineArchive(store.path), clock });
  let tariffs = options.tariffs;
  const fetched = new Set<number>();

  async function listItems(): Promise<Answer> {
    const entries: LinkFseEntry[] = [];
    for (const f of await store.listFses()) entries.push({ id: f.id, size: f.size, state: fetched.has(f.id) ? 'fetched' : 'pending' });
    for (const l of await store.listLots()) {
      const id = lotLinkId(l.id);
      entries.push({ id, size: (await store.getLot(l.id)).bytes.length, state: fetched.has(id) ? 'fetched' : 'pending' });
    }
    return { kind: 'fse-list', fses: entries };
  }

  async function fetchFse(id: number): Promise<Answer> {
    if (id < 1 || id > MAX_FSE_ID) return linkError(LINK_ERROR.notFound, `no FSE ${id}`);
    const { bytes } = await store.getFse(id);
    fetched.add(id);
    return { kind: 'fse', id, bytes };
  }

  async function fetchLot(id: number): Promise<Answer> {
    const lotId = lotStoreId(id);
    if (lotId < 1) return linkError(LINK_ERROR.notFound, `no lot ${id}`);
    const { bytes } = await store.getLot(lotId);
    fetched.add(lotLinkId(lotId));
    return { kind: 'lot', id, bytes };
  }

  async function acknowledge(ids: readonly number[]): Promise<Answer> {
    const lotIds = ids.filter(isLotLinkId).map(lotStoreId).filter((id) => id >= 1);
    const fseIds = ids.filter((id) => !isLotLinkId(id) && id >= 1 && id <= MAX_FSE_ID);
    const result = await store.acknowledge({ lotIds, fseIds });
    const freed = await store.free();
    for (const id of freed.fses) fetched.delete(id);
    for (const id of freed.lots) fetched.delete(lotLinkId(id));
    await store.appendEvent({ kind: 'link.acknowledged', detail: `acquittes: ${result.lots.length} lot(s), ${result.fses.length} FSE; liberes: ${freed.lots.length} lot(s), ${freed.fses.length} FSE` });
    return { kind: 'acknowledged', freed: [...freed.fses, ...freed.lots.map((id) => lotLinkId(id))] };
  }

  async function updateTariffs(version: number, table: Uint8Array): Promise<Answer> {
    if (version < tariffs.version) return linkError(LINK_ERROR.refused, `tariff version ${version} is older than ${tariffs.version}`);
    const book = decodeTariffTable(table);
    if (!book.ok) return linkError(LINK_ERROR.badRequest, `tariff table refused: ${book.error.reason} at ${book.error.path || 'table'}: ${book.error.message}`);
    await saveTariffs(store, version, table);
    tariffs = { version, book: book.value };
    await store.appendEvent({ kind: 'link.tariffs-updated', detail: `tarifs version ${version}` });
    return { kind: 'tariffs-updated', version };
  }

  async function readEventLog(from: number, count: number): Promise<Answer> {
    const page = await store.readEvents(from, Math.min(count, MAX_EVENT_PAGE));
    const entries = page.entries.map((e): LinkEventLogEntry => {
      const code = EVENT_CODES[e.kind];
      return { index: e.index, epochMs: e.at, code: code ?? 0, text: fitText(code === undefined ? `${e.kind}: ${e.detail}` : e.detail) };
    });
    return { kind: 'event-log', total: page.total, entries };
  }

  async function setClock(epochMs: number, utcOffsetMinutes: number): Promise<Answer> {
    if (!Number.isSafeInteger(epochMs)) return linkError(LINK_ERROR.badRequest, `time ${epochMs} is out of range`);
    const previousEpochMs = await clock.set(epochMs, utcOffsetMinutes);
    await store.appendEvent({ kind: 'link.clock-set', detail: `horloge: ecart ${epochMs - previousEpochMs} ms` });
    return { kind: 'clock-set', previousEpochMs: Math.max(0, previousEpochMs) };
  }

  async function answer(request: LinkRequest): Promise<Answer> {
    if (request.kind !== 'identify' && options.busy?.() === true) return linkError(LINK_ERROR.busy, 'terminal occupe: operation carte en cours');
    switch (request.kind) {
      case 'identify':
        return { kind: 'identity', ...device };
      case 'set-clock':
        return setClock(request.epochMs, request.utcOffsetMinutes);
      case 'list-fses':
        return listItems();
      case 'fetch-fse':
        return fetchFse(request.id);
      case 'fetch-lot':
        return fetchLot(request.id);
      case 'acknowledge':
        return acknowledge(request.ids);
      case 'update-tariffs':
        return updateTariffs(request.version, request.table);
      case 'read-event-log':
        return readEventLog(request.from, request.count);
      case 'list-quarantined':
      case 'fetch-quarantined':
      case 'release-quarantined':
        return quarantine(request);
    }
  }

  const remove = link.onMessage((request) => answerSafely(request, answer));
  return {
    get tariffs() {
      return tariffs;
    },
    fetched,
    stop: remove,
  };
}
