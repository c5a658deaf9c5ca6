/**
 * Card dispatch speed in process: SELECT + READ BINARY on the generic card
 * (issue 4 asks for 200,000 APDU/s on the Vitale; the generic card is the
 * core's figure until the Vitale profile exists).
 */
import { hex } from '../../protocol/index.js';
import type { BenchCase } from '../../bench/run.js';
import { genericStorage, mustOpen } from './test-support.js';

const card = mustOpen(genericStorage());
const SELECT = hex('00A4040C09F0424946454E544501');
const READ = hex('00B0810020');
const PAIRS = 100;

export const benches: BenchCase[] = [
  {
    name: 'card SELECT + READ BINARY (generic)',
    unit: 'ops/s',
    opsPerCall: 2 * PAIRS,
    target: 200_000,
    fn: () => {
      for (let i = 0; i < PAIRS; i++) {
        card.execute(SELECT);
        card.execute(READ);
      }
    },
  },
];
