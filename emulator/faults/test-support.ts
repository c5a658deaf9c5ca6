/**
 * Test-only: a tiny card for the decorator tests (faults, timing, trace):
 * one PIN with a retry counter, a 16-byte file, and the tearing hook.
 * @module
 */
import type { Card } from '../card/card.js';
import type { TearingHook } from './fault-plan.js';

/** The test card's PIN, ASCII "1234". */
export const TEST_PIN = Uint8Array.of(0x31, 0x32, 0x33, 0x34);
/** READ BINARY answers these 16 bytes then 9000. */
export const TEST_FILE = Uint8Array.from({ length: 16 }, (_, i) => i);
/** The test card's ATR (a direct-convention ATR with no interface bytes). */
export const TEST_ATR = Uint8Array.of(0x3b, 0x00);

/** The test card's inside, for assertions. */
export interface PinCard extends Card, TearingHook {
  pin: Uint8Array;
  triesLeft: number;
  powered: boolean;
  /** Every command APDU the card executed. */
  readonly executed: Uint8Array[];
  /** Writes cut half-way by an armed tearing hook. */
  tornWrites: number;
}

const sw = (value: number, data: Uint8Array = new Uint8Array(0)): Uint8Array => Uint8Array.of(...data, value >> 8, value & 0xff);
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A card with VERIFY (20: empty data gives 63CX; 3 tries then 6983),
 * CHANGE REFERENCE DATA (24: old PIN then new, 4 bytes each; the write
 * honours the tearing hook) and READ BINARY (B0); 9000 to anything else.
 */
export function pinCard(): PinCard {
  let armed = false;
  const card: PinCard = {
    pin: TEST_PIN.slice(),
    triesLeft: 3,
    powered: false,
    executed: [],
    tornWrites: 0,
    arm: () => void (armed = true),
    disarm: () => void (armed = false),
    atr: () => TEST_ATR,
    powerOn: () => ((card.powered = true), TEST_ATR),
    reset: () => ((card.powered = true), TEST_ATR),
    powerOff: () => void (card.powered = false),
    execute: (command) => {
      card.executed.push(command.slice());
      const ins = command[1];
      const data = command.length > 5 ? command.subarray(5, 5 + command[4]!) : new Uint8Array(0);
      if (ins === 0xb0) return sw(0x9000, TEST_FILE);
      if (ins !== 0x20 && ins !== 0x24) return sw(0x9000);
      if (card.triesLeft === 0) return sw(0x6983);
      if (ins === 0x20 && data.length === 0) return sw(0x63c0 | card.triesLeft);
      card.triesLeft -= 1;
      if (!same(data.subarray(0, 4), card.pin)) return sw(card.triesLeft === 0 ? 0x6983 : 0x63c0 | card.triesLeft);
      card.triesLeft = 3;
      if (ins === 0x24) {
        if (armed) {
          card.tornWrites += 1;
          return sw(0x6581);
        }
        card.pin = data.slice(4, 8);
      }
      return sw(0x9000);
    },
  };
  return card;
}

/** VERIFY of PIN reference 01 with `value`. */
export function verify(value: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0x20, 0x00, 0x01, value.length, ...value);
}
