// "vpcd framer": a stream of short APDU frames (both directions' sizes)
// cut at pseudo-random points, as TCP reads arrive, fed to one framer.
import { concatBytes, hex } from '../bytes.js';
import { encodeVpcdFrame } from './frame.js';
import { createVpcdFramer } from './framer.js';

const payloads = [
  '04',
  '3B 75 13 00 00 44 09 EA 90 00',
  '00 A4 00 00 02 3F 00',
  '90 00',
  '00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45',
  '6A 82',
  '00 B0 82 00 00',
  '00 20 00 01 08 31 32 33 34 FF FF FF FF',
  '63 C3',
].map(hex);
const stream = concatBytes(...Array.from({ length: 200 }, (_, i) => encodeVpcdFrame(payloads[i % payloads.length]!)));

// Cut points from a fixed linear congruential sequence: chunks of 1 to 64 bytes.
const chunks: Uint8Array[] = [];
for (let at = 0, seed = 12345; at < stream.length; ) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  const size = 1 + (seed % 64);
  chunks.push(stream.subarray(at, at + size));
  at += size;
}

let sink = 0;

export const benches = [
  {
    name: 'vpcd framer',
    unit: 'MB/s' as const,
    opsPerCall: 200,
    bytesPerCall: stream.length,
    fn: () => {
      const framer = createVpcdFramer();
      for (const c of chunks) sink += framer.push(c).frames.length;
      return sink;
    },
  },
];
