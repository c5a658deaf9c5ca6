/**
 * The life of a lot on the host (OURS: no public specification): a pure
 * transition function over the states DOMAIN.md names ("FSE, lots,
 * returns": a lot is built, signed with the CPS, sent; an ARL comes back
 * per lot, positive or negative; payment returns come later).
 *
 * ```
 * (new) ──► built ──► signed ──► sent ──► arl-positive ──► paid
 *   └──────────────────┘                 └► arl-negative (with a reason; final: its FSEs go back)
 * ```
 *
 * A lot fetched from the terminal starts at `signed` (the terminal built
 * and signed it); a lot the host builds itself (wave 2: FSEs sent again
 * after a negative ARL) starts at `built`. Every other move is refused.
 * @module
 */

/** Where a lot stands on the host. */
export type LotState = 'built' | 'signed' | 'sent' | 'arl-positive' | 'arl-negative' | 'paid';

/** Every lot state, in the order of a lot's life. */
export const LOT_STATES: readonly LotState[] = ['built', 'signed', 'sent', 'arl-positive', 'arl-negative', 'paid'];

/** A requested change: the state to enter; a negative ARL carries its reason (the ARL's reason code or text). */
export type LotStateChange = { readonly to: Exclude<LotState, 'arl-negative'> } | { readonly to: 'arl-negative'; readonly reason: string };

/** The outcome of {@link nextLotState}. */
export type LotTransition =
  | { readonly ok: true; readonly state: LotState; readonly reason?: string }
  | { readonly ok: false; readonly reason: 'illegal-transition' | 'missing-reason'; readonly message: string };

/** The states each state may move to (`null`: a lot the host does not hold yet). */
export const LOT_TRANSITIONS: ReadonlyMap<LotState | null, readonly LotState[]> = new Map<LotState | null, readonly LotState[]>([
  [null, ['built', 'signed']],
  ['built', ['signed']],
  ['signed', ['sent']],
  ['sent', ['arl-positive', 'arl-negative']],
  ['arl-positive', ['paid']],
  ['arl-negative', []],
  ['paid', []],
]);

/**
 * The state a lot in `from` enters on `change`, or why it may not.
 * @example nextLotState('sent', { to: 'arl-negative', reason: 'R12 bad signature' }) // { ok: true, state: 'arl-negative', reason: 'R12 bad signature' }
 * @example nextLotState('signed', { to: 'paid' }).ok // false: illegal-transition
 */
export function nextLotState(from: LotState | null, change: LotStateChange): LotTransition {
  const allowed = LOT_TRANSITIONS.get(from) ?? [];
  if (!allowed.includes(change.to)) {
    const options = allowed.length === 0 ? 'none (final state)' : allowed.join(', ');
    return { ok: false, reason: 'illegal-transition', message: `a lot ${from === null ? 'not yet held' : `in state ${from}`} cannot become ${change.to} (allowed: ${options})` };
  }
  if (change.to === 'arl-negative') {
    if (change.reason.trim() === '') return { ok: false, reason: 'missing-reason', message: 'a negative ARL needs its reason' };
    return { ok: true, state: change.to, reason: change.reason };
  }
  return { ok: true, state: change.to };
}
