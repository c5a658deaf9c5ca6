/**
 * An incremental, pure vpcd framer: feed it TCP reads as they come, get
 * whole frames back, however the stream was split or merged.
 *
 * Framing as in vsmartcard vpcd.c (2-byte big-endian length + payload).
 * @module
 */
import { fail, type ParseError } from '../result.js';
import { VPCD_LENGTH_BYTES, VPCD_MAX_PAYLOAD, type VpcdReason } from './frame.js';

/** Options of {@link createVpcdFramer}. */
export interface VpcdFramerOptions {
  /**
   * Largest payload accepted, 0 to 65,535 (default 65,535, all the length
   * field can say). A larger announced length fails with `too-large`.
   */
  readonly maxPayload?: number;
}

/** What one {@link VpcdFramer.push} produced. */
export interface VpcdPushResult {
  /** Payloads completed by this chunk, in order (copies). */
  readonly frames: Uint8Array[];
  /** Set once the stream is broken; the framer then stays failed. */
  readonly error: ParseError<VpcdReason> | null;
}

/** The framer's state and its two operations. */
export interface VpcdFramer {
  /** Add bytes read from the socket; returns the frames they complete. */
  push(chunk: Uint8Array): VpcdPushResult;
  /**
   * The stream has ended: null when it ended between frames, else a
   * `truncated` error (or the error that broke the framer).
   */
  end(): ParseError<VpcdReason> | null;
  /** Bytes held that do not yet form a frame. */
  readonly buffered: number;
  /** The error that broke the framer, or null. */
  readonly error: ParseError<VpcdReason> | null;
}

/**
 * Create a framer. Memory is bounded by the largest frame (2 +
 * `maxPayload` bytes) plus the last chunk. After an error (an announced
 * length above `maxPayload`) every later push returns no frame and the
 * same error: the byte stream has lost its framing and cannot resync.
 * @example
 * const framer = createVpcdFramer();
 * framer.push(hex('00 01')).frames; // []
 * framer.push(hex('04 00 01 01')).frames; // [04, 01]
 */
export function createVpcdFramer(options: VpcdFramerOptions = {}): VpcdFramer {
  const maxPayload = options.maxPayload ?? VPCD_MAX_PAYLOAD;
  if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > VPCD_MAX_PAYLOAD) {
    throw new RangeError(`maxPayload ${maxPayload} is not in 0..${VPCD_MAX_PAYLOAD}`);
  }
  // Bytes held between pushes live in buf[0, held); buf grows by doubling
  // up to one whole frame, so a frame split into many small reads is not
  // copied again on every read.
  let buf = new Uint8Array(0);
  let held = 0;
  /** Stream offset of buf[0], for error offsets. */
  let streamOffset = 0;
  let error: ParseError<VpcdReason> | null = null;

  function hold(bytes: Uint8Array, from: number): void {
    const need = held + bytes.length - from;
    if (need > buf.length) {
      const grown = new Uint8Array(Math.max(need, 2 * buf.length, 64));
      grown.set(buf.subarray(0, held));
      buf = grown;
    }
    buf.set(bytes.subarray(from), held);
    held = need;
  }

  /** Cut whole frames from bytes[0, length); returns where the first incomplete one starts, or -1 on error. */
  function cut(bytes: Uint8Array, length: number, frames: Uint8Array[]): number {
    let at = 0;
    while (length - at >= VPCD_LENGTH_BYTES) {
      const size = (bytes[at]! << 8) | bytes[at + 1]!;
      if (size > maxPayload) {
        error = fail('too-large', `frame length ${size} exceeds ${maxPayload}`, streamOffset + at, 'length').error;
        buf = new Uint8Array(0);
        held = 0;
        return -1;
      }
      const end = at + VPCD_LENGTH_BYTES + size;
      if (end > length) break;
      frames.push(bytes.slice(at + VPCD_LENGTH_BYTES, end));
      at = end;
    }
    streamOffset += at;
    return at;
  }

  function push(chunk: Uint8Array): VpcdPushResult {
    const frames: Uint8Array[] = [];
    if (error !== null) return { frames, error };
    if (held === 0) {
      // Common case: nothing held, read frames straight from the chunk.
      const at = cut(chunk, chunk.length, frames);
      if (at >= 0) hold(chunk, at);
      return { frames, error };
    }
    hold(chunk, 0);
    const at = cut(buf, held, frames);
    if (at > 0) {
      buf.copyWithin(0, at, held);
      held -= at;
    }
    return { frames, error };
  }

  return {
    push,
    end() {
      if (error !== null) return error;
      if (held === 0) return null;
      return fail('truncated', `the stream ended inside a frame (${held} byte(s) held)`, streamOffset + held, 'payload').error;
    },
    get buffered() {
      return held;
    },
    get error() {
      return error;
    },
  };
}
