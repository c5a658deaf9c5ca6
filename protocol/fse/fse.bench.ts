// "FSE securing" path, codec part: encode + parse of the canonical FSE and of
// the secured envelope, over the vector file's FSEs (hashing and RSA are the caller's).
import { hex } from '../bytes.js';
import { loadVectors } from '../test-support.js';
import { encodeFse, parseFse } from './fse.js';
import { encodeSecuredFse, parseSecuredFse } from './secured-fse.js';

const rows = loadVectors<{ fse: { hex: string }[]; securedFse: { hex: string }[] }>('fse');
const fses = rows.fse.map((r) => hex(r.hex));
const secured = rows.securedFse.map((r) => hex(r.hex));
const bytes = (list: Uint8Array[]) => list.reduce((s, b) => s + b.length, 0);
let sink = 0;

export const benches = [
  {
    name: 'FSE canonical parse+encode',
    unit: 'ops/s' as const,
    opsPerCall: fses.length,
    bytesPerCall: bytes(fses),
    fn: () => {
      for (const b of fses) {
        const r = parseFse(b);
        if (r.ok) sink += encodeFse(r.value).length;
      }
      return sink;
    },
  },
  {
    name: 'secured FSE parse+encode',
    unit: 'ops/s' as const,
    opsPerCall: secured.length,
    bytesPerCall: bytes(secured),
    fn: () => {
      for (const b of secured) {
        const r = parseSecuredFse(b);
        if (r.ok) sink += encodeSecuredFse(r.value).length;
      }
      return sink;
    },
  },
];
