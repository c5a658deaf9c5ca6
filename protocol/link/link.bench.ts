// Link frames: encode+parse throughput, the framer over HID-padded
// reports, and whole transfers through two sessions on a perfect
// simulated line, named with their line efficiency (payload bytes over
// all bytes both sides wrote: frames, acks and the reset handshake).
import { encodeLinkFrame, LINK_MAX_PAYLOAD, parseLinkFrame, type LinkFrame } from './frame.js';
import { createLinkFramer } from './framer.js';
import { PERFECT_LINE, runLink } from './simulated-line.js';

const frames: LinkFrame[] = [
  { kind: 'data', seq: 17, first: false, last: false, messageId: 2, payload: Uint8Array.from({ length: LINK_MAX_PAYLOAD }, (_, i) => i) },
  { kind: 'data', seq: 18, first: false, last: true, messageId: 2, payload: Uint8Array.of(1, 2, 3) },
  { kind: 'ack', seq: 19 },
  { kind: 'nak', seq: 4 },
];
const encoded = frames.map((f) => encodeLinkFrame(f));
const frameBytes = encoded.reduce((n, f) => n + f.length, 0);
const reports = Array.from({ length: 64 }, (_, i) => {
  const report = new Uint8Array(64);
  report.set(encoded[i % encoded.length]!);
  return report;
});

function efficiency(size: number, windowSize: number): number {
  const run = runLink({ fromA: [new Uint8Array(size)], fromB: [], faults: PERFECT_LINE, seed: 1, options: { windowSize } });
  return size / (run.lineBytes.a + run.lineBytes.b);
}

let sink = 0;

const transfers = [1024, 65_536].flatMap((size) =>
  [4, 8, 16].map((windowSize) => ({
    name: `link transfer ${size / 1024} KB, window ${windowSize} (line efficiency ${(efficiency(size, windowSize) * 100).toFixed(1)} %)`,
    unit: 'MB/s' as const,
    opsPerCall: 1,
    bytesPerCall: size,
    fn: () => {
      sink += runLink({ fromA: [new Uint8Array(size)], fromB: [], faults: PERFECT_LINE, seed: 1, options: { windowSize } }).b.delivered.length;
      return sink;
    },
  })),
);

export const benches = [
  {
    name: 'link frame encode+parse (data, ack, nak)',
    unit: 'ops/s' as const,
    opsPerCall: 400,
    fn: () => {
      for (let i = 0; i < 100; i++) for (const f of frames) if (parseLinkFrame(encodeLinkFrame(f)).ok) sink++;
      return sink;
    },
  },
  {
    name: 'link frame parse',
    unit: 'MB/s' as const,
    opsPerCall: 400,
    bytesPerCall: 100 * frameBytes,
    fn: () => {
      for (let i = 0; i < 100; i++) for (const f of encoded) if (parseLinkFrame(f).ok) sink++;
      return sink;
    },
  },
  {
    name: 'link framer (64-byte HID reports)',
    unit: 'MB/s' as const,
    opsPerCall: reports.length,
    bytesPerCall: 64 * reports.length,
    fn: () => {
      const framer = createLinkFramer();
      for (const r of reports) sink += framer.push(r).frames.length;
      return sink;
    },
  },
  ...transfers,
];
