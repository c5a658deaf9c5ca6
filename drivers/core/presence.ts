/**
 * Waiting for a reader to show (or stop showing) a card, over any
 * transport: pcscd sees a card change only at its next presence poll.
 * @module
 */
import { DriverError } from './errors.js';
import type { ReaderTransport } from './transport.js';

/** How often {@link untilCardPresence} lists the readers again. */
const POLL_MS = 50;

/**
 * Resolve once `transport` lists `reader` with a card (`present` true) or
 * without one; reject with a `timeout` DriverError after `timeoutMs`.
 */
export async function untilCardPresence(transport: ReaderTransport, reader: string, present: boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await transport.list()).some((r) => r.name === reader && r.cardPresent === present)) return;
    if (Date.now() >= deadline) throw new DriverError('timeout', `${present ? 'no card came into' : 'the card stayed in'} "${reader}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
