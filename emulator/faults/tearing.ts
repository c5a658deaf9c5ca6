/**
 * The tearing hook of a `tear` fault `inside`, over the card core's storage
 * hooks: once armed, the card's next persistent write is cut by a power loss
 * before it reaches the medium (the core writes whole images atomically, so
 * "inside the write" leaves the old image: what anti-tearing guarantees).
 * @module
 */
import { PowerCutError, type StorageHooks } from '../card/storage.js';
import type { TearingHook } from './fault-plan.js';

/** Both faces of one tearing switch: give `hooks` to the card's storage and the switch to `withFaults`. */
export function tearingSwitch(): TearingHook & { readonly hooks: StorageHooks } {
  let armed = false;
  return {
    arm: () => void (armed = true),
    disarm: () => void (armed = false),
    hooks: {
      beforeWrite() {
        if (!armed) return;
        armed = false;
        throw new PowerCutError('before-write');
      },
    },
  };
}
