/**
 * Card I/O shared by the Vitale reader and the securing steps: a command
 * that must answer 9000, and the chunked read of a transparent EF the way
 * cardpeek reads a Vitale (DOMAIN.md "What real software sends": 256-byte
 * chunks until a shorter answer).
 * @module
 */
import type { CardChannel } from '../../drivers/index.js';
import { concatBytes, readBinary, SW, toHex } from '../../protocol/index.js';
import { CardOperationError } from '../machines/index.js';

/** READ BINARY chunk size: Le = 00 asks 256 bytes (ISO/IEC 7816-4 §7.2.3). */
export const READ_CHUNK = 256;

/**
 * Send `command` and return its data when the card answers 9000; any other
 * status is a {@link CardOperationError} `card-refused` naming `name`.
 * Drivers errors (card removed, mute) pass through untouched.
 */
export async function transmitOk(channel: CardChannel, command: Uint8Array, name: string, signal?: AbortSignal): Promise<Uint8Array> {
  const answer = await channel.transmit(command, { signal });
  if (answer.sw !== SW.OK) throw new CardOperationError({ kind: 'card-refused', sw: answer.sw, command: name });
  return answer.data;
}

/**
 * Read the whole current transparent EF in 256-byte chunks: stops at a
 * short answer, or at 6B00 (offset past the end) after the first chunk.
 * The result keeps the card's padding; the parsers skip it.
 */
export async function readTransparent(channel: CardChannel, name: string, signal?: AbortSignal, maxBytes = 8192): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < maxBytes; offset += READ_CHUNK) {
    const answer = await channel.transmit(readBinary(offset), { signal });
    if (answer.sw === SW.WRONG_P1_P2 && offset > 0) break;
    if (answer.sw !== SW.OK) throw new CardOperationError({ kind: 'card-refused', sw: answer.sw, command: `READ BINARY ${name} @${toHex(Uint8Array.of(offset >> 8, offset & 0xff))}` });
    chunks.push(answer.data);
    if (answer.data.length < READ_CHUNK) break;
  }
  return concatBytes(...chunks);
}
