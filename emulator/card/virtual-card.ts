/**
 * A card as a connection (vpcd, an in-process reader) sees it: asynchronous,
 * so that timing, faults and tracing can wrap any {@link Card}.
 * @module
 */
import type { Card } from './card.js';

/** What happened to the card in its slot. */
export type CardPresence = 'inserted' | 'removed';

/**
 * The asynchronous face of a card in a slot. Implementations: {@link fromCard}
 * (no delay), and the timing, fault and trace decorators.
 *
 * Concurrency: one call at a time, like a card; a call made while another is
 * pending is a programmer error. A mute card's `transmit` stays pending
 * until `powerOff()` or removal, which reject it with {@link CardGoneError}.
 */
export interface VirtualCard {
  powerOn(): Promise<Uint8Array>;
  reset(): Promise<Uint8Array>;
  powerOff(): Promise<void>;
  /** One command APDU in, the whole response APDU (data + SW) out. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Listen for insertion and removal; returns the function that stops listening. */
  onPresence(listener: (presence: CardPresence) => void): () => void;
}

/** The pending exchange ended because the card was powered off or pulled. */
export class CardGoneError extends Error {
  override readonly name = 'CardGoneError';
  constructor(
    readonly code: 'powered-off' | 'removed',
    options?: ErrorOptions,
  ) {
    super(code === 'removed' ? 'the card was removed during the exchange' : 'the card was powered off during the exchange', options);
  }
}

/** A {@link VirtualCard} that answers at once, always present. */
export function fromCard(card: Card): VirtualCard {
  return {
    powerOn: () => Promise.resolve(card.powerOn()),
    reset: () => Promise.resolve(card.reset()),
    powerOff: () => {
      card.powerOff();
      return Promise.resolve();
    },
    transmit: (command) => Promise.resolve(card.execute(command)),
    onPresence: () => () => undefined,
  };
}
