/**
 * How the timing, fault and trace decorators keep what they do not
 * override: the result inherits from the wrapped card, so that
 * `withTrace(withFaults(card, plan))` still offers `onFault` and `insert`.
 * @module
 */
import type { VirtualCard } from '../card/virtual-card.js';

/** `card` with `overrides` in front; every other member is the wrapped card's. */
export function decorate<C extends VirtualCard>(card: C, overrides: VirtualCard): C {
  return Object.assign(Object.create(card) as C, overrides);
}
