/**
 * fast-check arbitraries for ATRs: chains of interface groups with any
 * bytes, historical bytes and a TCK that is right, wrong or missing.
 * Test-only: not exported by the folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import { computeTck, MAX_ATR_LENGTH, tckRequired, type Atr, type InterfaceGroup } from './atr.js';

const optByte = fc.option(fc.integer({ min: 0, max: 255 }), { freq: 2 });
const nibble = fc.integer({ min: 0, max: 15 });
const groupBytes = fc.record({ ta: optByte, tb: optByte, tc: optByte });

function length(atr: Atr): number {
  let n = 2 + atr.historical.length + (atr.tck === null ? 0 : 1);
  for (const g of atr.groups) n += (g.ta === null ? 0 : 1) + (g.tb === null ? 0 : 1) + (g.tc === null ? 0 : 1) + (g.t === null ? 0 : 1);
  return n;
}

/** A valid ATR of at most 33 bytes; `tck` picks how the check byte is drawn. */
export function arbAtr(): fc.Arbitrary<Atr> {
  return fc
    .record({
      convention: fc.constantFrom('direct' as const, 'inverse' as const),
      bodies: fc.array(groupBytes, { minLength: 1, maxLength: 5 }),
      ts: fc.array(nibble, { minLength: 4, maxLength: 4 }),
      historical: fc.uint8Array({ maxLength: 15 }),
      tckKind: fc.constantFrom('right', 'wrong', 'missing'),
      wrong: fc.integer({ min: 1, max: 255 }),
    })
    .map(({ convention, bodies, ts, historical, tckKind, wrong }) => {
      const groups: InterfaceGroup[] = bodies.map((b, k) => ({ ...b, t: k < bodies.length - 1 ? ts[k]! : null }));
      const base: Atr = { convention, groups, historical, tck: null };
      const right = computeTck(base);
      if (!tckRequired(base) || tckKind === 'missing' || right === null) return base;
      return { ...base, tck: tckKind === 'right' ? right : right ^ wrong };
    })
    .filter((atr) => length(atr) <= MAX_ATR_LENGTH);
}
