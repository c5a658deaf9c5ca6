/**
 * fast-check arbitraries for NIRs. Test-only: not exported by the
 * folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import { nir, type Nir, type NirFields } from './nir.js';

const pad = (width: number) => (n: number) => String(n).padStart(width, '0');

/** Every place shape: 2-digit departments with 3-digit communes, 97x / 98x with 2-digit ones. */
const place = fc.oneof(
  fc.record({
    department: fc.oneof(fc.integer({ min: 1, max: 96 }).map(pad(2)), fc.constantFrom('2A', '2B', '99')),
    commune: fc.integer({ min: 1, max: 999 }).map(pad(3)),
  }),
  fc.record({
    department: fc.oneof(fc.integer({ min: 971, max: 978 }), fc.integer({ min: 981, max: 989 })).map(String),
    commune: fc.integer({ min: 1, max: 99 }).map(pad(2)),
  }),
);

/** Real months and the three pseudo-month ranges. */
const month = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(20), fc.integer({ min: 30, max: 42 }), fc.integer({ min: 50, max: 99 }));

/** Valid NIR fields without the key. */
export function arbNirFields(): fc.Arbitrary<NirFields> {
  return fc
    .record({
      sex: fc.constantFrom(1, 2, 3, 4, 7, 8),
      year: fc.integer({ min: 0, max: 99 }),
      month,
      place,
      order: fc.integer({ min: 1, max: 999 }),
    })
    .map(({ place: p, ...rest }) => ({ ...rest, ...p }));
}

/** A valid NIR, its key computed by the smart constructor. */
export function arbNir(): fc.Arbitrary<Nir> {
  return arbNirFields().map((fields) => {
    const built = nir(fields);
    if (!built.ok) throw new Error(`arbNirFields made invalid fields: ${built.error.message}`);
    return built.value;
  });
}
