// B2 encode and parse in MB/s of file, for one lot of 999 FSEs (issue 7
// target ≥ 100 MB/s): the vector file's lot, its first invoice repeated
// under 999 invoice numbers.
import { loadVectors } from '../test-support.js';
import { encodeB2File, parseB2File } from './b2-file.js';
import type { B2File } from './b2-types.js';

const sample = loadVectors<{ b2: { value: B2File }[] }>('b2').b2[0]!.value;
const lot = sample.lots[0]!;
const file: B2File = { ...sample, lots: [{ ...lot, invoices: Array.from({ length: 999 }, (_, i) => ({ ...lot.invoices[i % lot.invoices.length]!, invoiceNumber: i + 1 })) }] };
const bytes = encodeB2File(file);
let sink = 0;

export const benches = [
  {
    name: 'B2 encode, lot of 999 FSEs',
    unit: 'MB/s' as const,
    opsPerCall: 1,
    bytesPerCall: bytes.length,
    target: 100,
    fn: () => (sink += encodeB2File(file).length),
  },
  {
    name: 'B2 parse, lot of 999 FSEs',
    unit: 'MB/s' as const,
    opsPerCall: 1,
    bytesPerCall: bytes.length,
    target: 100,
    fn: () => {
      const r = parseB2File(bytes);
      if (r.ok) sink += r.value.lots.length;
      return sink;
    },
  },
];
