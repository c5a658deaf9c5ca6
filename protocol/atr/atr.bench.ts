// "ATR parse": the real ATRs of test-vectors/protocol/atr.json, parsed.
import { readFileSync } from 'node:fs';
import { hex } from '../bytes.js';
import { parseAtr } from './atr.js';

const file = JSON.parse(readFileSync(new URL('../../test-vectors/protocol/atr.json', import.meta.url), 'utf8')) as { atrs: { atr: string }[] };
const corpus = file.atrs.map((r) => hex(r.atr));

let sink = 0;

export const benches = [
  {
    name: 'ATR parse',
    unit: 'ops/s' as const,
    opsPerCall: corpus.length,
    target: 500_000,
    fn: () => {
      for (const bytes of corpus) {
        const r = parseAtr(bytes);
        if (r.ok) sink += r.value.groups.length;
      }
      return sink;
    },
  },
];
