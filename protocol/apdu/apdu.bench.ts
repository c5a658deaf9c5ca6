// "APDU parse+encode": command APDUs of every case, parsed then encoded.
import { hex } from '../bytes.js';
import { encodeCommandApdu, parseCommandApdu } from './command-apdu.js';

const corpus = [
  '00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45',
  '00 A4 00 00 02 3F 00',
  '00 B0 82 00 00',
  '00 2A 9E 9A 00',
  '00 20 00 01 04 31 32 33 34',
  '00 20 00 01',
  '00 CB 3F FF 0B 4D 09 70 07 BF 81 01 03 7F 41 80',
  '00 22 41 B6 06 84 01 81 80 01 42',
  '00 A4 09 04 04 3F 00 2F 01 00',
  '00 88 00 00 04 01 02 03 04 00',
  '00 C0 00 00 1C',
  '00 B0 00 00 00 01 00',
  '00 D6 00 00 00 00 03 01 02 03',
  '00 2A 9E 9A 00 00 02 AB CD 00 00',
].map(hex);

let sink = 0;

export const benches = [
  {
    name: 'APDU parse+encode',
    unit: 'ops/s' as const,
    opsPerCall: corpus.length,
    target: 2_000_000,
    fn: () => {
      for (const bytes of corpus) {
        const r = parseCommandApdu(bytes);
        if (r.ok) sink += encodeCommandApdu(r.value).length;
      }
      return sink;
    },
  },
];
