/**
 * `emulator/`: software cards that real PC/SC software can use, with
 * fault injection, timing and tracing.
 * @module emulator
 */
export { CardStatus, type Card } from './card/card.js';
export { CardGoneError, fromCard, type CardPresence, type VirtualCard } from './card/virtual-card.js';
