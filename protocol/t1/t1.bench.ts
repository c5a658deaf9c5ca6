// "T=1 block round trip": an I-block carrying a short command APDU is
// encoded, then parsed back (LRC, the default EDC). The CRC variant and a
// whole exchange through both state machines are measured for context.
import { hex } from '../bytes.js';
import { encodeT1Block, parseT1Block, type T1Block } from './block.js';
import { initialT1Card, t1CardStep } from './card.js';
import { initialT1Reader, t1ReaderStep } from './reader.js';

const apdus = [
  '00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45',
  '00 B0 00 00 00',
  '00 20 00 01 04 31 32 33 34',
  '00 2A 9E 9A 00',
  '00 22 41 B6 06 84 01 81 80 01 42',
  '00 C0 00 00 1C',
].map(hex);
const blocks: T1Block[] = apdus.map((inf, i) => ({ kind: 'i', nad: 0, ns: (i & 1) as 0 | 1, more: false, inf }));

let sink = 0;

function roundTrip(edc: 'lrc' | 'crc'): () => number {
  const options = { edc };
  return () => {
    for (const block of blocks) {
      const r = parseT1Block(encodeT1Block(block, options), options);
      if (r.ok) sink += r.value.kind.length;
    }
    return sink;
  };
}

/** One SELECT through reader and card machines on a clean line (4 transitions, 2 blocks each way encoded and parsed). */
function exchange(): number {
  let reader = initialT1Reader();
  let card = initialT1Card();
  for (const apdu of apdus) {
    const a = t1ReaderStep(reader, { type: 'send', apdu });
    const b = a.outputs[0]?.type === 'transmit' ? t1CardStep(card, { type: 'receive', bytes: a.outputs[0].bytes }) : null;
    if (b === null) throw new Error('no block from the reader');
    const c = t1CardStep(b.state, { type: 'respond', apdu: apdus[1]! });
    card = c.state;
    const d = c.outputs[0]?.type === 'transmit' ? t1ReaderStep(a.state, { type: 'receive', bytes: c.outputs[0].bytes }) : null;
    if (d === null) throw new Error('no block from the card');
    reader = d.state;
    sink += d.outputs.length;
  }
  return sink;
}

export const benches = [
  { name: 'T=1 block round trip', unit: 'ops/s' as const, opsPerCall: blocks.length, target: 1_000_000, fn: roundTrip('lrc') },
  { name: 'T=1 block round trip (CRC)', unit: 'ops/s' as const, opsPerCall: blocks.length, fn: roundTrip('crc') },
  { name: 'T=1 APDU exchange through both machines', unit: 'ops/s' as const, opsPerCall: apdus.length, fn: exchange },
];
