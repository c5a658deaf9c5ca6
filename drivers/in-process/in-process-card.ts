/**
 * What the in-process transport needs from a card: the shape of the
 * emulator's `VirtualCard`, restated here because drivers/ never imports
 * emulator/ (README "The folders"); any object with these methods works.
 * @module
 */

/**
 * A card that answers APDUs in this process.
 *
 * Concurrency: one call at a time. A card that never answers (mute) keeps
 * `transmit` pending until `powerOff()` or its removal, which reject it
 * with an error named `CardGoneError` (the emulator's), seen here as
 * `card-removed`.
 */
export interface InProcessCard {
  /** Power the card (ISO/IEC 7816-3 §6.2.2 cold reset); resolves with the ATR. */
  powerOn(): Promise<Uint8Array>;
  /** Warm reset (ISO/IEC 7816-3 §6.2.3); resolves with the ATR. */
  reset(): Promise<Uint8Array>;
  powerOff(): Promise<void>;
  /** One command APDU in, the whole response APDU (data + SW1 SW2) out. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** The card leaving or coming back by itself (a fault plan's removal); returns the function that stops listening. */
  onPresence(listener: (presence: 'inserted' | 'removed') => void): () => void;
}

/** True for the error a card rejects a pending exchange with when it is pulled or powered off. */
export function isCardGone(error: unknown): boolean {
  return error instanceof Error && error.name === 'CardGoneError';
}
