/**
 * Vitale dispatch speed in process: Rufus's SELECT 3F00 + READ BINARY SFI 2
 * on the 6-beneficiary Vitale 2 (issue 4: 200,000 APDU/s).
 */
import { hex } from '../../protocol/index.js';
import type { BenchCase } from '../../bench/run.js';
import { memoryStorage } from '../card/storage.js';
import { mustOpen } from '../card/test-support.js';
import { loadPersona, type Patient } from '../personas/index.js';
import { vitaleImage } from './vitale-image.js';
import { loadVitalePki } from './vitale.js';

const patient = (await loadPersona('pt-durand-family')) as Patient;
const card = mustOpen(memoryStorage(JSON.stringify(vitaleImage(patient, await loadVitalePki(patient))), process.cwd()));
const SELECT = hex('00A40000023F00');
const READ = hex('00B0820000');
const PAIRS = 100;

export const benches: BenchCase[] = [
  {
    name: 'Vitale SELECT + READ BINARY in process',
    unit: 'ops/s',
    opsPerCall: 2 * PAIRS,
    target: 200_000,
    fn: () => {
      for (let i = 0; i < PAIRS; i++) {
        card.execute(SELECT);
        if (card.execute(READ).length !== 258) throw new Error('READ BINARY SFI 2 failed');
      }
    },
  },
];
