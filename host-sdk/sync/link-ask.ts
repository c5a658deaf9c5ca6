/**
 * One request to the terminal as the host's sync and quarantine taking send
 * it: the caller's signal and time limit, the drivers' failures and the
 * terminal's error answers mapped to {@link SyncError} codes, and the
 * answer's kind checked against the request's.
 * @module
 */
import { isDriverError, type Link, type LinkRequestBody } from '../../drivers/index.js';
import { LINK_ERROR, type LinkAnswerKinds } from '../../protocol/index.js';
import { SyncError } from './sync-error.js';

/** The answer kind each request expects. */
const ANSWER_KIND: { readonly [K in keyof LinkAnswerKinds]: LinkAnswerKinds[K]['kind'] } = {
  identify: 'identity',
  'set-clock': 'clock-set',
  'list-fses': 'fse-list',
  'fetch-fse': 'fse',
  'fetch-lot': 'lot',
  acknowledge: 'acknowledged',
  'update-tariffs': 'tariffs-updated',
  'read-event-log': 'event-log',
  'list-quarantined': 'quarantine-list',
  'fetch-quarantined': 'quarantined-chunk',
  'release-quarantined': 'quarantine-released',
};

/** Where a request goes, and the caller's signal and time limit. */
export interface AskTarget {
  readonly link: Link;
  readonly options: { readonly signal?: AbortSignal; readonly requestTimeoutMs?: number };
}

/**
 * Send one request: the answer of the expected kind; `undefined` for an
 * error answer whose code is in `allowed` (e.g. `notFound` for an item that
 * vanished); else a {@link SyncError} (`canceled`, `link-failed`, `busy`,
 * `quarantined`, `terminal-refused`, `protocol-error`).
 */
export async function ask<R extends LinkRequestBody>(target: AskTarget, body: R, allowed: readonly number[] = []): Promise<LinkAnswerKinds[R['kind']] | undefined> {
  const { signal, requestTimeoutMs } = target.options;
  if (signal?.aborted === true) throw new SyncError('canceled', `canceled before ${body.kind}`, { cause: signal.reason });
  let answer;
  try {
    answer = await target.link.request(body, { signal, timeoutMs: requestTimeoutMs });
  } catch (error) {
    if (isDriverError(error, 'canceled')) throw new SyncError('canceled', `canceled during ${body.kind}`, { cause: error });
    if (isDriverError(error)) throw new SyncError('link-failed', `the link to the terminal failed during ${body.kind} (${error.code}): ${error.message}`, { cause: error });
    throw error;
  }
  if (answer.kind === 'error') {
    if (allowed.includes(answer.code)) return undefined;
    if (answer.code === LINK_ERROR.busy) throw new SyncError('busy', `the terminal is busy (${answer.text}): try again when it is idle`);
    if (answer.code === LINK_ERROR.quarantined) throw new SyncError('quarantined', `the terminal's store is in quarantine (${answer.text}): the host must take it first`);
    throw new SyncError('terminal-refused', `the terminal refused ${body.kind} (error ${answer.code}: ${answer.text})`);
  }
  if (answer.kind !== ANSWER_KIND[body.kind]) throw new SyncError('protocol-error', `the terminal answered ${answer.kind} to ${body.kind}`);
  return answer as LinkAnswerKinds[R['kind']];
}
