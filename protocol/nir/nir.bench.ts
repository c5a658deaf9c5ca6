// "NIR validation": validateNir over 100 mixed NIRs (about two thirds valid,
// as written by people: spaced, compact, dotted; the rest one error each).
import { loadVectors } from '../test-support.js';
import { formatNir, nir, validateNir } from './nir.js';

const vectors = loadVectors<{ valid: { text: string }[]; bad: { text: string }[] }>('nir');

// Deterministic extra valid NIRs: a linear congruential walk over the fields.
const generated: string[] = [];
for (let i = 0, s = 12345; generated.length < 45; i++) {
  s = (s * 48271) % 2147483647; // MINSTD: stays an exact integer
  const built = nir({ sex: 1 + (s % 2), year: s % 100, month: 1 + (s % 12), department: String(1 + (s % 95)).padStart(2, '0'), commune: String(1 + (s % 999)).padStart(3, '0'), order: 1 + ((s >> 8) % 999) });
  if (built.ok) generated.push(formatNir(built.value, i % 2 === 0 ? 'spaced' : 'compact'));
}
const corpus = [...vectors.valid.map((r) => r.text), ...generated, ...vectors.bad.map((r) => r.text).filter((t) => t.length <= 64)].slice(0, 100);

let sink = 0;

export const benches = [
  {
    name: 'NIR validation',
    unit: 'ops/s' as const,
    opsPerCall: corpus.length,
    target: 2_000_000,
    fn: () => {
      for (const text of corpus) if (validateNir(text).valid) sink++;
      return sink;
    },
  },
];
