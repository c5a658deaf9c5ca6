/**
 * fast-check arbitraries for APDUs, shared by the tests of `apdu/` and
 * `t0/`. Test-only: not exported by the folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import type { ApduCase, CommandApdu } from './command-apdu.js';
import type { ResponseApdu } from './response-apdu.js';

const byte = fc.integer({ min: 0, max: 255 });

/** Which lengths each case uses: [data min, data max, ne min, ne max, extended]. */
const SHAPES: Record<ApduCase, readonly [number, number, number, number, boolean]> = {
  '1': [0, 0, 0, 0, false],
  '2S': [0, 0, 1, 256, false],
  '3S': [1, 255, 0, 0, false],
  '4S': [1, 255, 1, 256, false],
  '2E': [0, 0, 1, 65536, true],
  '3E': [1, 600, 0, 0, true],
  '4E': [1, 600, 1, 65536, true],
};

/** A valid command APDU of one of `cases` (all seven by default). */
export function arbCommandApdu(cases: readonly ApduCase[] = Object.keys(SHAPES) as ApduCase[]): fc.Arbitrary<CommandApdu> {
  return fc.constantFrom(...cases).chain((c) => {
    const [dMin, dMax, neMin, neMax, extended] = SHAPES[c];
    return fc.record({
      cla: byte,
      ins: byte,
      p1: byte,
      p2: byte,
      data: fc.uint8Array({ minLength: dMin, maxLength: dMax }),
      ne: fc.integer({ min: neMin, max: neMax }),
      extended: fc.constant(extended),
    });
  });
}

/** A response APDU whose status word is any 16-bit value. */
export function arbResponseApdu(maxData = 300): fc.Arbitrary<ResponseApdu> {
  return fc.record({ data: fc.uint8Array({ maxLength: maxData }), sw: fc.integer({ min: 0, max: 0xffff }) });
}
