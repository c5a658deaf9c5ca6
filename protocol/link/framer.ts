/**
 * An incremental, pure link framer: feed it reads as they come (serial
 * chunks of any size, or 64-byte HID reports padded with zeros), get the
 * valid frames back in order, the same ones however the bytes were split.
 *
 * Resynchronisation is by length and CRC (no byte stuffing, see README):
 * at each A5 byte the framer waits for the announced length, checks the
 * CRC and the fields; a candidate that fails is rejected, and the scan
 * goes on from the byte after its A5, so a real frame hidden behind
 * garbage or a corrupt length is still found. A corrupt frame is never
 * delivered (up to the CRC's 2^-16 chance on a multi-byte error).
 * @module
 */
import { concatBytes } from '../bytes.js';
import type { ParseError } from '../result.js';
import { LINK_MAX_FRAME, LINK_START, parseLinkFramePrefix, type LinkFrame, type LinkFrameReason } from './frame.js';

/** What one {@link LinkFramer.push} produced. */
export interface LinkPushResult {
  /** Frames completed by this chunk, in order. */
  readonly frames: LinkFrame[];
  /** Candidates rejected by this chunk (bad CRC, bad length...), offsets counted from the stream's start. */
  readonly errors: ParseError<LinkFrameReason>[];
}

/** Counters since the framer was created. */
export interface LinkFramerStats {
  /** Frames delivered. */
  readonly frames: number;
  /** Candidates rejected (each also reported once in {@link LinkPushResult.errors}). */
  readonly rejected: number;
  /** Bytes skipped outside any delivered frame, zero fill (HID padding) excepted. */
  readonly skippedBytes: number;
}

/** The framer's state and its operation. */
export interface LinkFramer {
  /** Add bytes read from the line; returns the frames they complete and the candidates they rule out. */
  push(chunk: Uint8Array): LinkPushResult;
  /** Bytes held that may still start a frame. */
  readonly buffered: number;
  readonly stats: LinkFramerStats;
}

/**
 * Create a framer. Memory is bounded: at most one frame's worth of bytes
 * (64) is held between pushes. Zero bytes between frames are fill (the
 * padding of HID reports) and are neither errors nor counted as skipped.
 * @example
 * const framer = createLinkFramer();
 * const ack = encodeLinkFrame({ kind: 'ack', seq: 1 });
 * framer.push(ack.subarray(0, 3)).frames; // []
 * framer.push(ack.subarray(3)).frames; // [{ kind: 'ack', seq: 1 }]
 */
export function createLinkFramer(): LinkFramer {
  let held = new Uint8Array(0);
  /** Stream offset of held[0]. */
  let streamOffset = 0;
  let frames = 0;
  let rejected = 0;
  let skippedBytes = 0;

  function push(chunk: Uint8Array): LinkPushResult {
    const out: LinkFrame[] = [];
    const errors: ParseError<LinkFrameReason>[] = [];
    const bytes = held.length === 0 ? chunk : concatBytes(held, chunk);
    let at = 0;
    while (at < bytes.length) {
      const b = bytes[at]!;
      if (b !== LINK_START) {
        if (b !== 0) skippedBytes++;
        at++;
        continue;
      }
      const r = parseLinkFramePrefix(bytes.subarray(at, at + LINK_MAX_FRAME));
      if (r.ok) {
        out.push(r.value.value);
        frames++;
        at += r.value.bytesRead;
      } else if (r.error.reason === 'truncated') {
        break;
      } else {
        errors.push({ ...r.error, offset: streamOffset + at + r.error.offset });
        rejected++;
        skippedBytes++;
        at++;
      }
    }
    held = bytes.slice(at);
    streamOffset += at;
    return { frames: out, errors };
  }

  return {
    push,
    get buffered() {
      return held.length;
    },
    get stats() {
      return { frames, rejected, skippedBytes };
    },
  };
}

