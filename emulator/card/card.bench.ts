/**
 * Card dispatch speed in process: SELECT + READ BINARY on the generic card
 * (issue 4 asks for 200,000 APDU/s on the Vitale; the generic card is the
 * core's figure until the Vitale profile exists).
 */
import { hex } from '../../protocol/index.js';
import type { BenchCase } from '../../bench/run.js';
import { GENERIC_PIN, genericStorage, lc, mustOpen, pinHex } from './test-support.js';

const card = mustOpen(genericStorage());
const SELECT = hex('00A4040C09F0424946454E544501');
const READ = hex('00B0810020');
const PAIRS = 100;

// A signing card: PIN verified once, the SHA-256 + RSA PKCS#1 algorithm set
// (OpenSC's iasecc sequence), then PSO COMPUTE DIGITAL SIGNATURE over a hash.
const signer = mustOpen(genericStorage());
const VERIFY = `00200001${lc(pinHex(GENERIC_PIN, 8))}${pinHex(GENERIC_PIN, 8)}`;
for (const apdu of [VERIFY, '002241B606840101800142']) signer.execute(hex(apdu));
const PSO_CDS = hex(`002A9E9A20${'5A'.repeat(32)}00`);
const SIGNATURES = 20;

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
  {
    // Issue 4: at least 1,500 CPS signatures a second (node:crypto signs about 3,300 here).
    name: 'card PSO COMPUTE DIGITAL SIGNATURE, RSA-2048 (generic)',
    unit: 'ops/s',
    opsPerCall: SIGNATURES,
    target: 1500,
    fn: () => {
      for (let i = 0; i < SIGNATURES; i++) if (signer.execute(PSO_CDS).length !== 258) throw new Error('signature failed');
    },
  },
];
