/**
 * Where a key of the keypad goes in the composed firmware: one machine per
 * key, chosen from what has the doctor's attention (OURS).
 * @module
 */
import type { KeyEvent } from '../ui/index.js';
import type { FirmwareContext } from './firmware.machine.js';

/**
 * Which machine a key goes to: the device, the CPS session (PIN,
 * situation), a refusal or a visit's outcome screen (any key dismisses it),
 * the visit capture, the lot run, the transfer screen, or nobody
 * (`ignored`: the key still counts as activity for the idle timer).
 */
export type KeyTarget = 'device' | 'cpsSession' | 'refusal' | 'outcome' | 'capture' | 'lots' | 'transfer' | 'ignored';

/** The CPS session states that take the keypad. */
export const CPS_TAKES_KEYS = ['authenticating', 'choosingSituation'] as const;

/** True when the CPS session of `context` is in one of `states`. */
export function cpsSessionIn(context: Pick<FirmwareContext, 'cpsSession'>, states: readonly string[]): boolean {
  const snapshot = context.cpsSession?.getSnapshot();
  return snapshot !== undefined && states.some((state) => snapshot.matches(state as never));
}

/** True when the lot run waits for the PIN (its `needsPin` state). */
export function lotsNeedPin(context: Pick<FirmwareContext, 'lots'>): boolean {
  return context.lots?.getSnapshot().matches('needsPin') === true;
}

/**
 * Where a key goes (OURS), in this order: a switched-off, booting or
 * sleeping device takes every key (a key wakes it); a refusal screen, then
 * a visit's outcome screen (any key returns to the menu); the CPS session
 * while it asks the PIN or the situation; the running capture; the lot run
 * (`key.validate` on a lapsed session while the run waits for the PIN asks
 * the PIN again, `key.cancel` goes to the run); the transfer screen (`key.validate` or `key.cancel` ends
 * it); else the device, except `key.validate` on the idle screen of a
 * lapsed CPS session, which asks the PIN again.
 */
export function keyTarget(context: FirmwareContext, key: KeyEvent): KeyTarget {
  const device = context.device.getSnapshot();
  if (!device.matches('on') || device.matches({ on: 'sleep' })) return 'device';
  if (context.refusal !== undefined) return 'refusal';
  if (context.lastVisit !== undefined) return 'outcome';
  if (cpsSessionIn(context, CPS_TAKES_KEYS)) return 'cpsSession';
  if (context.capture !== undefined) return 'capture';
  if (context.lots !== undefined) {
    if (key.type === 'key.validate' && lotsNeedPin(context) && cpsSessionIn(context, ['locked'])) return 'cpsSession';
    return key.type === 'key.cancel' ? 'lots' : 'ignored';
  }
  if (context.transfer !== undefined) return key.type === 'key.validate' || key.type === 'key.cancel' ? 'transfer' : 'ignored';
  if (key.type === 'key.validate' && device.matches({ on: 'idle' }) && cpsSessionIn(context, ['locked'])) return 'cpsSession';
  return 'device';
}
