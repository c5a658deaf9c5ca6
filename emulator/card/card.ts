/**
 * The card operating system as a reader slot sees it (STYLE.md
 * "Emulator", after vsmartcard's SmartcardOS): synchronous, in memory,
 * and total: `execute` always answers a response APDU, never throws.
 * @module
 */

/** A software card: ATR, power and reset, and one APDU at a time. */
export interface Card {
  /** The ATR the card answers a reset with (ISO/IEC 7816-3 §8). */
  atr(): Uint8Array;
  /** Cold reset: power the card and return its ATR. The security status starts empty. */
  powerOn(): Uint8Array;
  /** Warm reset: the security status and the selected files are reset; returns the ATR. */
  reset(): Uint8Array;
  /** Power off: everything volatile is lost; persistent data (PIN counters, files) stays. */
  powerOff(): void;
  /**
   * Execute one command APDU (the bytes as received) and return the whole
   * response APDU: data then SW1 SW2. Never throws: malformed input gets
   * its status word (6700, 6D00, 6E00, ...), an internal error 6F00.
   */
  execute(command: Uint8Array): Uint8Array;
}

/**
 * Raised by a command handler to end the command with a status word
 * (vsmartcard's SwError). The card's dispatcher is the only place that
 * catches it and turns it into the response's SW1 SW2.
 */
export class CardStatus extends Error {
  override readonly name = 'CardStatus';
  constructor(
    /** The 16-bit status word, for example 0x6A82. */
    readonly sw: number,
    /** Response data that goes with a warning SW (62xx/63xx), usually none. */
    readonly data: Uint8Array = new Uint8Array(0),
  ) {
    super(`SW ${sw.toString(16).toUpperCase().padStart(4, '0')}`);
  }
}
