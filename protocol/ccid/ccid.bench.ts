// "CCID XfrBlock parse+encode": XfrBlock commands and DataBlock answers of
// a short Vitale / CPS session, each parsed then encoded again.
import { hex } from '../bytes.js';
import { encodeCcidCommand, parseCcidCommand } from './command.js';
import { encodeCcidResponse, parseCcidResponse } from './response.js';

const commands = [
  '6F 10000000 00 05 00 0000 00A404000BD250000002564954414C45',
  '6F 07000000 00 06 00 0000 00A40000023F00',
  '6F 05000000 00 07 00 0000 00B0820000',
  '6F 05000000 00 08 00 0000 00B09C000C',
  '6F 10000000 00 09 00 0000 00CB3FFF0B4D0970 07BF8101037F4180',
  '6F 04000000 00 0A 00 0000 00200001',
].map(hex);
const responses = [
  '80 02000000 00 05 00 00 00 9000',
  '80 02000000 00 06 00 00 00 6A82',
  '80 0E000000 00 08 00 00 00 5A0A 8025000001 0203040506 9000',
  '80 0A000000 00 00 00 00 00 3B7513000044 09EA9000',
].map(hex);

let sink = 0;

export const benches = [
  {
    name: 'CCID XfrBlock parse+encode',
    unit: 'ops/s' as const,
    opsPerCall: commands.length + responses.length,
    fn: () => {
      for (const bytes of commands) {
        const r = parseCcidCommand(bytes);
        if (r.ok) sink += encodeCcidCommand(r.value).length;
      }
      for (const bytes of responses) {
        const r = parseCcidResponse(bytes);
        if (r.ok) sink += encodeCcidResponse(r.value).length;
      }
      return sink;
    },
  },
];
