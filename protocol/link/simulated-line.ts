/**
 * A simulated line between two link sessions (tests and benchmarks only):
 * it drops, duplicates, delays (so reorders), splits and corrupts bytes,
 * driven by a seeded generator and a simulated clock.
 * @module
 */
import { mulberry32 } from '../rng.js';
import { createLinkSession, type LinkSession, type LinkSessionOptions, type LinkStep } from './session.js';

/** Fault rates of the simulated line, each a probability per frame written. */
export interface LineFaults {
  readonly drop: number;
  readonly duplicate: number;
  /** One byte of the frame changed to another value. */
  readonly corrupt: number;
  /** Random bytes (A5 among them) written before the frame. */
  readonly garbage: number;
  /** Delivery delay is 1 ms plus up to this much (frames overtake each other). */
  readonly jitterMs: number;
  /** Deliver each frame's bytes in random pieces. */
  readonly split: boolean;
}

/** A line without faults. */
export const PERFECT_LINE: LineFaults = { drop: 0, duplicate: 0, corrupt: 0, garbage: 0, jitterMs: 0, split: false };

/** One end's outcome. */
export interface EndResult {
  readonly delivered: Uint8Array[];
  readonly failed: boolean;
  readonly session: LinkSession;
}

/** What a simulated run gave. */
export interface LinkRun {
  readonly a: EndResult;
  readonly b: EndResult;
  /** Simulated time when the run stopped. */
  readonly time: number;
  /** True when the run stopped on its time limit with work still pending. */
  readonly timedOut: boolean;
  /** Bytes written by each side (frames, retransmissions and garbage excluded). */
  readonly lineBytes: { readonly a: number; readonly b: number };
}

/**
 * Run two sessions over a simulated line until nothing is left to do:
 * `a` sends `fromA`, `b` sends `fromB`, all at time 0 after both start.
 */
export function runLink(args: {
  readonly fromA: readonly Uint8Array[];
  readonly fromB: readonly Uint8Array[];
  readonly faults: LineFaults;
  readonly seed: number;
  readonly options?: LinkSessionOptions;
  readonly limitMs?: number;
}): LinkRun {
  const next = mulberry32(args.seed).next; // seeded, so a failing run replays
  const f = args.faults;
  const limit = args.limitMs ?? 600_000;
  const sessions = { a: createLinkSession(args.options), b: createLinkSession(args.options) };
  const ends = { a: { delivered: [] as Uint8Array[], failed: false }, b: { delivered: [] as Uint8Array[], failed: false } };
  const lineBytes = { a: 0, b: 0 };
  let queue: { at: number; order: number; to: 'a' | 'b'; bytes: Uint8Array }[] = [];
  let order = 0;
  let now = 0;

  function put(to: 'a' | 'b', at: number, bytes: Uint8Array): void {
    if (!f.split || bytes.length < 2) {
      queue.push({ at, order: order++, to, bytes });
      return;
    }
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(next() * bytes.length);
      queue.push({ at, order: order++, to, bytes: bytes.subarray(i, i + n) });
      i += n;
    }
  }

  function transmit(from: 'a' | 'b', frame: Uint8Array): void {
    const to = from === 'a' ? 'b' : 'a';
    lineBytes[from] += frame.length;
    if (next() < f.garbage) {
      const junk = Uint8Array.from({ length: 1 + Math.floor(next() * 8) }, () => (next() < 0.3 ? 0xa5 : Math.floor(next() * 256)));
      put(to, now + 1, junk);
    }
    if (next() < f.drop) return;
    let bytes = frame;
    if (next() < f.corrupt) {
      bytes = frame.slice();
      const i = Math.floor(next() * bytes.length);
      bytes[i] = bytes[i]! ^ (1 + Math.floor(next() * 255));
    }
    const copies = next() < f.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) put(to, now + 1 + Math.floor(next() * (f.jitterMs + 1)), bytes);
  }

  function apply(side: 'a' | 'b', step: LinkStep): void {
    for (const frame of step.out) transmit(side, frame);
    ends[side].delivered.push(...step.delivered);
    if (step.failed !== null) ends[side].failed = true;
  }

  apply('a', sessions.a.start(0, 0xaaaa));
  apply('b', sessions.b.start(0, 0xbbbb));
  for (const m of args.fromA) apply('a', sessions.a.send(m, 0));
  for (const m of args.fromB) apply('b', sessions.b.send(m, 0));

  for (;;) {
    const deadlines = [sessions.a.nextDeadline, sessions.b.nextDeadline].filter((d): d is number => d !== null);
    const at = Math.min(...queue.map((q) => q.at), ...deadlines);
    if (at === Infinity || at > limit) break;
    now = Math.max(now, at);
    const due = queue.filter((q) => q.at <= now).sort((x, y) => x.at - y.at || x.order - y.order);
    queue = queue.filter((q) => q.at > now);
    for (const d of due) apply(d.to, sessions[d.to].receive(d.bytes, now));
    for (const side of ['a', 'b'] as const) {
      const d = sessions[side].nextDeadline;
      if (d !== null && d <= now) apply(side, sessions[side].tick(now));
    }
  }
  const pending = queue.length > 0 || sessions.a.nextDeadline !== null || sessions.b.nextDeadline !== null;
  return {
    a: { ...ends.a, session: sessions.a },
    b: { ...ends.b, session: sessions.b },
    time: now,
    timedOut: pending,
    lineBytes,
  };
}
