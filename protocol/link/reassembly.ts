/**
 * Reassembly of a message from its data frames (our design, see README):
 * the first fragment opens a message, the last one closes it, every
 * fragment carries the same 3-bit message id, and the message may not
 * grow past a maximum size.
 * @module
 */
import { concatBytes } from '../bytes.js';
import { fail, type ParseError } from '../result.js';
import type { LinkDataFrame } from './frame.js';

/** Why fragments were thrown away instead of making a message. */
export type LinkReassemblyReason =
  /** The message grew past the receiver's maximum size. */
  | 'too-large'
  /** A fragment out of place: a middle or last one with no first, a first inside a message, another message id. */
  | 'bad-fragment';

/** What one fragment produced: a whole message, an error, or nothing yet. */
export interface LinkReassemblyStep {
  readonly message: Uint8Array | null;
  readonly error: ParseError<LinkReassemblyReason> | null;
}

/** Reassembles in-order fragments. */
export interface LinkReassembler {
  push(frame: LinkDataFrame): LinkReassemblyStep;
  /** Forget a message in progress (the link was reset). */
  clear(): void;
}

const NOTHING: LinkReassemblyStep = { message: null, error: null };

/**
 * Create a reassembler for messages of at most `maxMessageSize` bytes.
 * After an error the rest of the broken message (up to its last
 * fragment) is discarded silently.
 * @example
 * const r = createLinkReassembler(1024);
 * r.push({ kind: 'data', seq: 0, first: true, last: true, messageId: 0, payload: hex('01') }).message; // 01
 */
export function createLinkReassembler(maxMessageSize: number): LinkReassembler {
  let parts: Uint8Array[] | null = null;
  let size = 0;
  let messageId = 0;
  /** Discarding the rest of a broken message. */
  let discarding = false;

  function broken(reason: LinkReassemblyReason, text: string, frame: LinkDataFrame): LinkReassemblyStep {
    parts = null;
    discarding = !frame.last;
    return { message: null, error: fail(reason, text, 0, `message ${frame.messageId}/seq ${frame.seq}`).error };
  }

  return {
    push(frame) {
      const at = `message ${frame.messageId}/seq ${frame.seq}`;
      let error: ParseError<LinkReassemblyReason> | null = null;
      if (frame.first) {
        if (parts !== null) error = fail('bad-fragment', 'a first fragment came inside another message, which was dropped', 0, at).error;
        parts = [];
        size = 0;
        messageId = frame.messageId;
        discarding = false;
      } else if (parts === null) {
        if (!discarding) return broken('bad-fragment', 'a fragment came with no first fragment before it', frame);
        discarding = !frame.last;
        return NOTHING;
      } else if (frame.messageId !== messageId) {
        return broken('bad-fragment', `a fragment of message ${frame.messageId} came inside message ${messageId}`, frame);
      }
      if (size + frame.payload.length > maxMessageSize) return broken('too-large', `the message grew past ${maxMessageSize} bytes`, frame);
      parts.push(frame.payload);
      size += frame.payload.length;
      if (!frame.last) return error === null ? NOTHING : { message: null, error };
      const message = parts.length === 1 ? parts[0]! : concatBytes(...parts);
      parts = null;
      return { message, error };
    },
    clear() {
      parts = null;
      discarding = false;
    },
  };
}
