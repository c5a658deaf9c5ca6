/**
 * Rights lookup before a visit (issue 7: "with a local cache and its age
 * shown", OURS): the rights teleservice (`POST /v1/rights`, emulator/
 * teleservice README "Rights lookup") behind the host database's cache.
 *
 * - A cached answer younger than `maxAgeMs` (for the same query date) is
 *   given as it is: `source: 'cache'`.
 * - Else the teleservice is asked; its answer is cached and given:
 *   `source: 'live'`, `ageMs: 0`.
 * - When the teleservice cannot be reached (`unreachable`, or a retryable
 *   HTTP failure: 5xx, 429) and an answer is cached, that answer is given
 *   flagged `stale: true` with its age and the error; without one, the error
 *   is thrown. A refusal (unknown person, ambiguous) is never hidden by the
 *   cache.
 *
 * The query and answer are protocol's wire types (`RightsQuery`, exported
 * here also as `RightsRequest`; `RightsAnswer`).
 * @module
 */
import type { RightsAnswer, RightsQuery } from '../../protocol/index.js';
import type { HostDatabase } from '../database/host-database.js';
import type { TeleserviceClient } from '../teleservice/teleservice-client.js';
import { TeleserviceClientError } from '../teleservice/teleservice-error.js';

/** Options of {@link lookupRights}. */
export interface LookupRightsOptions {
  /** A cached answer younger than this is used without asking; default 24 h (0: always ask). */
  readonly maxAgeMs?: number;
  readonly signal?: AbortSignal;
}

/** The answer and where it came from. */
export interface RightsLookup {
  readonly answer: RightsAnswer;
  readonly source: 'cache' | 'live';
  /** How old the answer is, ms (0 when live). */
  readonly ageMs: number;
  /** True when the teleservice could not be asked and the cache answered past `maxAgeMs`. */
  readonly stale: boolean;
  /** Why the teleservice was not asked successfully (stale answers only). */
  readonly error?: TeleserviceClientError;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function checkRequest(request: RightsQuery): void {
  if (!/^[0-9AB]{13}[0-9]{2}$/.test(request.nir)) throw new RangeError('a NIR for the rights lookup has 15 characters (13 + key)');
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(request.birthDate)) throw new RangeError(`a birth date is YYYY-MM-DD, not ${request.birthDate}`);
  if (!Number.isInteger(request.birthRank) || request.birthRank < 1 || request.birthRank > 9) throw new RangeError(`a birth rank is 1-9, not ${request.birthRank}`);
}

/**
 * Look up a beneficiary's rights, from the cache when recent enough.
 * @example
 * const { answer, source, ageMs, stale } = await lookupRights(db, client, { nir, birthDate: '1988-02-29', birthRank: 1 }, { maxAgeMs: 3_600_000 });
 * Throws a RangeError at once for a malformed NIR, birth date or rank.
 * @returns rejects with a {@link TeleserviceClientError} when the teleservice refuses (`refused`:
 * `unknown-person`...), or fails with nothing cached.
 */
export function lookupRights(db: HostDatabase, client: TeleserviceClient, request: RightsQuery, options: LookupRightsOptions = {}): Promise<RightsLookup> {
  checkRequest(request);
  return lookup(db, client, request, options);
}

async function lookup(db: HostDatabase, client: TeleserviceClient, request: RightsQuery, options: LookupRightsOptions): Promise<RightsLookup> {
  const maxAgeMs = options.maxAgeMs ?? DAY_MS;
  const key = { nir: request.nir, birthDate: request.birthDate, birthRank: request.birthRank };
  const now = client.clock.now();
  const cached = db.rights.get(key);
  // The cache holds the JSON of an answer this function stored.
  const held = cached === undefined ? undefined : { answer: cached.answer as RightsAnswer, fetchedAt: cached.fetchedAt };
  const usable = held !== undefined && (request.date === undefined || held.answer.queryDate === request.date) ? held : undefined;
  if (usable !== undefined && now - usable.fetchedAt <= maxAgeMs) return { answer: usable.answer, source: 'cache', ageMs: now - usable.fetchedAt, stale: false };
  try {
    const answer = await client.call<RightsAnswer>('POST', '/v1/rights', request, options.signal === undefined ? {} : { signal: options.signal });
    db.rights.put(key, answer, now);
    return { answer, source: 'live', ageMs: 0, stale: false };
  } catch (error) {
    const offline = error instanceof TeleserviceClientError && (error.code === 'unreachable' || (error.code === 'http' && error.retryable));
    if (!offline || usable === undefined) throw error;
    return { answer: usable.answer, source: 'cache', ageMs: now - usable.fetchedAt, stale: true, error };
  }
}
