/**
 * The link's reliability layer as one pure state machine (our design, see
 * README): a reset handshake, a sliding window of data frames with
 * cumulative acknowledgements, delayed acks, frames past a gap kept and
 * a nak for the missing one,
 * retransmission after a timeout, duplicate suppression, in-order
 * delivery, fragmentation and reassembly, and failure after `maxRetries`.
 *
 * Time is passed in (`now`, milliseconds on any monotonic scale); the
 * machine sets no timer: the caller calls {@link LinkSession.tick} at
 * {@link LinkSession.nextDeadline}.
 * @module
 */
import type { ParseError } from '../result.js';
import { encodeLinkFrame, LINK_MAX_PAYLOAD, type LinkDataFrame, type LinkFrame, type LinkFrameReason } from './frame.js';
import { createLinkFramer } from './framer.js';
import { createLinkReassembler, type LinkReassemblyReason } from './reassembly.js';

/** Options of {@link createLinkSession}. */
export interface LinkSessionOptions {
  /** Data frames sent and not yet acknowledged, 1 to 127 (sequence numbers are 8-bit). Default 8. */
  readonly windowSize?: number;
  /** Time without an acknowledgement after which frames are sent again. Default 200 ms. */
  readonly retransmitMs?: number;
  /** Retransmissions of the same frames (or resets) before the link fails. Default 5. */
  readonly maxRetries?: number;
  /** Largest message sent or accepted, in bytes. Default 1 MiB. */
  readonly maxMessageSize?: number;
  /** Acknowledge after this many accepted frames. Default half the window (at least 1). */
  readonly ackEvery?: number;
  /** Acknowledge at the latest this long after an accepted frame. Default `retransmitMs / 4`. */
  readonly ackDelayMs?: number;
}

/** Where the session stands. */
export type LinkSessionState =
  /** Not started. */
  | 'idle'
  /** Our reset is sent and not yet answered: no data flows. */
  | 'connecting'
  | 'open'
  /** The peer stopped answering; nothing flows until a reset (ours by `start`, or the peer's). */
  | 'failed';

/** The link failed: the peer did not acknowledge within `maxRetries` retransmissions. */
export interface LinkFailure {
  /** Messages given up: queued, or sent and not wholly acknowledged. */
  readonly lost: number;
  readonly message: string;
}

/** What one call produced. */
export interface LinkStep {
  /** Frames to write to the line, in order. */
  readonly out: Uint8Array[];
  /** Messages received whole, in order, each once. */
  readonly delivered: Uint8Array[];
  /** True when this call completed our reset handshake (or a peer's reset reopened a failed link). */
  readonly opened: boolean;
  /**
   * Set when the peer restarted (a new reset): both directions started
   * again; `lost` of our messages were partly sent and are dropped.
   * Answers the peer owed us will not come.
   */
  readonly peerRestarted: { readonly lost: number } | null;
  readonly failed: LinkFailure | null;
  /** Frames rejected by the framer and messages dropped by reassembly. */
  readonly errors: ParseError<LinkFrameReason | LinkReassemblyReason>[];
}

/** Counters since the session was created. */
export interface LinkSessionStats {
  /** Frames written (data, acks, naks, resets), retransmissions included. */
  readonly framesSent: number;
  /** Bytes of those frames. */
  readonly bytesSent: number;
  /** Data frames written again after a timeout or a nak. */
  readonly retransmissions: number;
  /** Data frames received twice (or from before a gap) and dropped. */
  readonly duplicates: number;
  /** Candidate frames the framer rejected (bad CRC, bad length...). */
  readonly rejectedFrames: number;
}

/** The pure sender/receiver of one end of the link. */
export interface LinkSession {
  readonly state: LinkSessionState;
  /** The earliest time at which {@link tick} has work, or null. */
  readonly nextDeadline: number | null;
  readonly stats: LinkSessionStats;
  /**
   * Start (or restart after a failure) with a fresh 32-bit nonce: sends a
   * reset. Queued messages are kept; a message partly sent is dropped
   * (the peer drops its fragments when it honours the reset).
   */
  start(now: number, nonce: number): LinkStep;
  /** Queue a message (any size up to `maxMessageSize`); it is sent when the link is open and the window has room. */
  send(message: Uint8Array, now: number): LinkStep;
  /** Bytes read from the line (any split, HID padding included). */
  receive(bytes: Uint8Array, now: number): LinkStep;
  /** Let time pass: retransmissions, delayed acks, failure. */
  tick(now: number): LinkStep;
}

interface InFlight {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly last: boolean;
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${name} ${value} is not an integer in 1..${max}`);
  return value;
}

/**
 * Create one end of a link. Both ends run the same machine.
 * @example
 * const a = createLinkSession(), b = createLinkSession();
 * let step = a.start(0, 1); // out: [reset]
 * step = b.receive(step.out[0]!, 0); // out: [reset-ack]
 * a.receive(step.out[0]!, 0).opened; // true
 */
export function createLinkSession(options: LinkSessionOptions = {}): LinkSession {
  const windowSize = positiveInteger('windowSize', options.windowSize ?? 8, 127);
  const retransmitMs = positiveInteger('retransmitMs', options.retransmitMs ?? 200);
  const maxRetries = positiveInteger('maxRetries', options.maxRetries ?? 5);
  const maxMessageSize = positiveInteger('maxMessageSize', options.maxMessageSize ?? 1 << 20);
  const ackEvery = positiveInteger('ackEvery', options.ackEvery ?? Math.max(1, windowSize >> 1));
  const ackDelayMs = positiveInteger('ackDelayMs', options.ackDelayMs ?? Math.max(1, Math.floor(retransmitMs / 4)));

  const framer = createLinkFramer();
  const reassembler = createLinkReassembler(maxMessageSize);
  let state: LinkSessionState = 'idle';
  let nonce = 0;
  let peerNonce: number | null = null;
  /** Connecting: when to send the reset again. Open: when to retransmit the window. */
  let retransmitAt: number | null = null;
  let retries = 0;

  // Sender.
  const queue: Uint8Array[] = [];
  let current: { readonly bytes: Uint8Array; offset: number; readonly id: number } | null = null;
  let inFlight: InFlight[] = [];
  let nextSeq = 0;
  let nextMessageId = 0;

  // Receiver.
  let expected = 0;
  let unacked = 0;
  let ackAt: number | null = null;
  let nakSent = false;
  /** Frames received past a gap, by sequence number (at most 127). */
  const early = new Map<number, LinkDataFrame>();

  let framesSent = 0;
  let bytesSent = 0;
  let retransmissions = 0;
  let duplicates = 0;

  /** The step being built by the current call. */
  let step: { out: Uint8Array[]; delivered: Uint8Array[]; opened: boolean; peerRestarted: { lost: number } | null; failed: LinkFailure | null; errors: LinkStep['errors']; ackDue: boolean };

  function begin(): void {
    step = { out: [], delivered: [], opened: false, peerRestarted: null, failed: null, errors: [], ackDue: false };
  }

  function end(): LinkStep {
    if (step.ackDue) emit({ kind: 'ack', seq: expected });
    const { ackDue: _, ...result } = step;
    return result;
  }

  function write(bytes: Uint8Array): void {
    step.out.push(bytes);
    framesSent++;
    bytesSent += bytes.length;
  }

  function emit(frame: LinkFrame): void {
    if (frame.kind === 'ack' || frame.kind === 'nak') {
      unacked = 0;
      ackAt = null;
      step.ackDue = false;
    }
    write(encodeLinkFrame(frame));
  }

  /** Messages partly or wholly sent and not wholly acknowledged. */
  function startedMessages(): number {
    let n = current !== null && current.offset > 0 ? 1 : 0;
    for (const f of inFlight) if (f.last) n++;
    return n;
  }

  function resetSequences(): void {
    if (current !== null && current.offset > 0) current = null;
    inFlight = [];
    nextSeq = 0;
    expected = 0;
    unacked = 0;
    ackAt = null;
    nakSent = false;
    early.clear();
    retries = 0;
    retransmitAt = null;
    reassembler.clear();
  }

  function nextFragment(now: number): void {
    if (current === null) {
      const bytes = queue.shift();
      if (bytes === undefined) return;
      current = { bytes, offset: 0, id: nextMessageId };
      nextMessageId = (nextMessageId + 1) & 7;
    }
    const { bytes, offset, id } = current;
    const payload = bytes.subarray(offset, offset + LINK_MAX_PAYLOAD);
    const last = offset + payload.length >= bytes.length;
    const frame: LinkDataFrame = { kind: 'data', seq: nextSeq, first: offset === 0, last, messageId: id, payload };
    const encoded = encodeLinkFrame(frame);
    current.offset += payload.length;
    if (last) current = null;
    inFlight.push({ seq: nextSeq, bytes: encoded, last });
    nextSeq = (nextSeq + 1) & 0xff;
    write(encoded);
    retransmitAt ??= now + retransmitMs;
  }

  /** Fill the window. */
  function pump(now: number): void {
    if (state !== 'open') return;
    while (inFlight.length < windowSize && (current !== null || queue.length > 0)) nextFragment(now);
  }

  function resend(now: number): void {
    for (const f of inFlight) write(f.bytes);
    retransmissions += inFlight.length;
    retransmitAt = now + retransmitMs;
  }

  function acknowledge(seq: number, now: number): void {
    const base = inFlight[0]?.seq ?? nextSeq;
    const count = (seq - base) & 0xff;
    if (count === 0 || count > inFlight.length) return;
    inFlight = inFlight.slice(count);
    retries = 0;
    retransmitAt = inFlight.length > 0 ? now + retransmitMs : null;
    pump(now);
  }

  function fail(): void {
    const lost = startedMessages() + queue.length + (current !== null && current.offset === 0 ? 1 : 0);
    queue.length = 0;
    current = null;
    resetSequences();
    state = 'failed';
    step.failed = { lost, message: `the other end acknowledged nothing after ${maxRetries} retransmissions ${retransmitMs} ms apart` };
  }

  function onReset(peer: number, now: number): void {
    if (peer !== peerNonce || state === 'failed') {
      peerNonce = peer;
      const lost = startedMessages();
      const wasConnecting = state === 'connecting';
      const resendAt = retransmitAt;
      if (state === 'open') step.peerRestarted = { lost };
      resetSequences();
      if (wasConnecting) retransmitAt = resendAt;
      else if (state === 'failed') {
        state = 'open';
        step.opened = true;
      }
    }
    emit({ kind: 'reset-ack', nonce: peer, senderNonce: nonce });
    pump(now);
  }

  function accept(frame: LinkDataFrame, now: number): void {
    expected = (expected + 1) & 0xff;
    nakSent = false;
    const r = reassembler.push(frame);
    if (r.error !== null) step.errors.push(r.error);
    if (r.message !== null) step.delivered.push(r.message);
    unacked++;
    if (unacked >= ackEvery || frame.last) step.ackDue = true;
    else ackAt ??= now + ackDelayMs;
  }

  function askForGap(): void {
    if (!nakSent) emit({ kind: 'nak', seq: expected });
    nakSent = true;
  }

  function onData(frame: LinkDataFrame, now: number): void {
    if (state !== 'open') return;
    const distance = (frame.seq - expected) & 0xff;
    if (distance === 0) {
      accept(frame, now);
      for (let held = early.get(expected); held !== undefined; held = early.get(expected)) {
        early.delete(held.seq);
        accept(held, now);
      }
      // Frames are held past another gap: ask for it now rather than at the timeout.
      if (early.size > 0) askForGap();
    } else if (distance < 128) {
      // A gap: a frame before this one was lost. Keep this one and ask once for the missing one.
      if (early.has(frame.seq)) duplicates++;
      else early.set(frame.seq, frame);
      askForGap();
    } else {
      // Already delivered: our ack was lost, say again where we are.
      duplicates++;
      step.ackDue = true;
    }
  }

  function onFrame(frame: LinkFrame, now: number): void {
    switch (frame.kind) {
      case 'reset':
        onReset(frame.nonce, now);
        return;
      case 'reset-ack':
        if (state === 'connecting' && frame.nonce === nonce) {
          peerNonce = frame.senderNonce;
          state = 'open';
          step.opened = true;
          retries = 0;
          retransmitAt = null;
          pump(now);
        }
        return;
      case 'data':
        onData(frame, now);
        return;
      case 'ack':
        if (state === 'open') acknowledge(frame.seq, now);
        return;
      case 'nak':
        if (state !== 'open') return;
        acknowledge(frame.seq, now);
        // The receiver holds what came after the gap: send only the missing frame.
        if (inFlight[0]?.seq === frame.seq) {
          write(inFlight[0].bytes);
          retransmissions++;
          retransmitAt = now + retransmitMs;
        }
    }
  }

  return {
    get state() {
      return state;
    },
    get nextDeadline() {
      if (retransmitAt === null) return ackAt;
      return ackAt === null ? retransmitAt : Math.min(retransmitAt, ackAt);
    },
    get stats() {
      return { framesSent, bytesSent, retransmissions, duplicates, rejectedFrames: framer.stats.rejected };
    },
    start(now, startNonce) {
      if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce > 0xffffffff) throw new RangeError(`nonce ${startNonce} is not a 32-bit unsigned integer`);
      begin();
      resetSequences();
      nonce = startNonce;
      state = 'connecting';
      emit({ kind: 'reset', nonce });
      retransmitAt = now + retransmitMs;
      return end();
    },
    send(message, now) {
      if (message.length > maxMessageSize) throw new RangeError(`a message has at most ${maxMessageSize} bytes, got ${message.length}`);
      begin();
      queue.push(message.slice());
      pump(now);
      return end();
    },
    receive(bytes, now) {
      begin();
      const r = framer.push(bytes);
      step.errors.push(...r.errors);
      for (const frame of r.frames) onFrame(frame, now);
      return end();
    },
    tick(now) {
      begin();
      if (retransmitAt !== null && now >= retransmitAt) {
        retries++;
        if (retries > maxRetries) fail();
        else if (state === 'connecting') {
          emit({ kind: 'reset', nonce });
          retransmitAt = now + retransmitMs;
        } else resend(now);
      }
      if (ackAt !== null && now >= ackAt) step.ackDue = true;
      return end();
    },
  };
}
