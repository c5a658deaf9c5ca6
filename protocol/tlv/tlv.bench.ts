// "BER-TLV decode": the card data of tlv.json (Vitale EFs, EF 2001, the
// certificate, FCPs, FCI, CPS GET DATA) parsed EF by EF, as a terminal
// reading both cards would; "BER-TLV encode" writes the parsed trees back.
import { hex } from '../bytes.js';
import { encodeTlv, parseTlv, type TlvItem } from './ber-tlv.js';
import { tlvVectors } from './vectors.js';

const COPIES = 4;
const files = Array.from({ length: COPIES }, () => tlvVectors.berTlv.map((r) => hex(r.hex))).flat();
const bytes = files.reduce((n, f) => n + f.length, 0);
const trees = files.map((f) => {
  const r = parseTlv(f);
  if (!r.ok) throw new Error(`bench corpus does not parse: ${r.error.message}`);
  return r.value;
});

let sink = 0;
const count = (items: readonly TlvItem[]) => (sink += items.length);

export const benches = [
  {
    name: 'BER-TLV decode',
    unit: 'MB/s' as const,
    opsPerCall: files.length,
    bytesPerCall: bytes,
    target: 100,
    fn: () => {
      for (const f of files) {
        const r = parseTlv(f);
        if (r.ok) count(r.value);
      }
      return sink;
    },
  },
  {
    name: 'BER-TLV encode',
    unit: 'MB/s' as const,
    opsPerCall: trees.length,
    bytesPerCall: bytes,
    fn: () => {
      for (const t of trees) sink += encodeTlv(t).length;
      return sink;
    },
  },
];
