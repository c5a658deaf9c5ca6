/**
 * The null card: answers 9000 to every command, with a fixed ATR. The
 * baseline of the throughput benchmark (b): whatever a real
 * profile costs on top of pcscd + vpcd shows against it.
 * @module
 */
import type { Card } from '../card/card.js';

/**
 * The null card's ATR (ours): `3B 87 80 01 62 69 66 65 6E 74 65 71`:
 * direct convention, T=0 then T=1 offered, the 7 historical bytes
 * "bifente" (proprietary: no 7816-4 category indicator), TCK 71
 * (ISO/IEC 7816-3 §8.2). No entry of pcsc-tools' smartcard_list.txt and
 * no OpenSC driver claims it, so no tool mistakes it for a real card.
 */
export const NULL_CARD_ATR: readonly number[] = [0x3b, 0x87, 0x80, 0x01, 0x62, 0x69, 0x66, 0x65, 0x6e, 0x74, 0x65, 0x71];

const SW_OK = Uint8Array.of(0x90, 0x00);

/**
 * A {@link Card} that answers every command, well formed or not, with SW
 * 9000 and no data, and keeps no state.
 * @example createNullCard().execute(hex('00 A4 00 0C 02 3F 00')) // 90 00
 */
export function createNullCard(): Card {
  const atr = () => Uint8Array.from(NULL_CARD_ATR);
  return {
    atr,
    powerOn: atr,
    reset: atr,
    powerOff: () => undefined,
    execute: () => SW_OK.slice(),
  };
}
