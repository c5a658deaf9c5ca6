/**
 * `drivers/in-process/`: the card transport to objects answering APDUs in
 * this process (the emulator's cards), with PC/SC semantics (issue 5).
 * @module
 */
export { createInProcessTransport, type InProcessTransport } from './in-process-transport.js';
export { isCardGone, type InProcessCard } from './in-process-card.js';
