import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { hex } from '../bytes.js';
import { checkBad, checkVectors, everyPrefixTruncated, loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import { arbLotFields, arbSecuredFse, arbSignature } from './arbitraries.js';
import { encodeFse } from './fse.js';
import { encodeLot, encodeSignedLot, lotCodec, makeLot, parseLot, parseSignedLot, signedLotCheck, signedLotCodec, type Lot, type SignedLot } from './lot.js';
import { encodeSecuredFse, parseSecuredFse, securedFse, securedFseChecks, securedFseCodec, type SecuredFse } from './secured-fse.js';

/** JSON vectors hold byte strings as hex: turn them back into bytes. */
const BYTE_KEYS = new Set(['signature', 'certificate', 'digest']);
function revive<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value), (k, v: unknown) => (BYTE_KEYS.has(k) && typeof v === 'string' ? hex(v) : v)) as T;
}
const raw = loadVectors<{ securedFse: VectorRow<unknown>[]; lot: VectorRow<unknown>[]; signedLot: VectorRow<unknown>[]; securedFseBad: BadRow[]; lotBad: BadRow[] }>('fse');
const rows = <T>(list: VectorRow<unknown>[]): VectorRow<T>[] => list.map((r) => ({ ...r, value: revive<T>(r.value) }));
const securedRows = rows<SecuredFse>(raw.securedFse);
const lotRows = rows<Lot>(raw.lot);
const signedRows = rows<SignedLot>(raw.signedLot);

test('secured FSE, lot and signed lot vector tables in four directions', (t) => {
  checkVectors(t, securedFseCodec, securedRows);
  checkVectors(t, lotCodec, lotRows);
  checkVectors(t, signedLotCodec, signedRows);
});

test('bad tables', (t) => {
  checkBad(t, parseSecuredFse, raw.securedFseBad);
  checkBad(t, parseLot, raw.lotBad);
});

test('the signatures to check: the Vitale then the CPS in mode S, over the FSE bytes', (t) => {
  const s = securedRows[0]!.value;
  const checks = securedFseChecks(s);
  t.deepEqual(checks.map((c) => c.signer), ['vitale', 'cps']);
  for (const c of checks) t.deepEqual(c.data, encodeFse(s.fse));
  t.deepEqual(checks[0]!.signature, s.vitale!.signature);
  t.deepEqual(securedFseChecks(securedRows[1]!.value).map((c) => c.signer), ['cps']);
  const signed = signedRows[0]!.value;
  t.deepEqual(signedLotCheck(signed).data, encodeLot(signed.lot));
});

test('the smart constructor refuses mode S without a cryptogram', (t) => {
  const { fse, cps } = securedRows[0]!.value;
  const r = securedFse({ fse, cps });
  t.true(!r.ok && r.error.reason === 'inconsistent' && r.error.path === 'securedFse/vitale');
  t.throws(() => encodeSecuredFse({ fse, cps }), { instanceOf: RangeError });
});

test('makeLot sorts, derives the summary and totals, and refuses duplicates', (t) => {
  const lot = lotRows[0]!.value;
  const r = makeLot({ ...lot, fses: [...lot.fses].reverse() });
  t.deepEqual(r, { ok: true, value: lot });
  const dup = makeLot({ ...lot, fses: [lot.fses[0]!, lot.fses[0]!] });
  t.true(!dup.ok && dup.error.reason === 'inconsistent');
  const tooMany = makeLot({ ...lot, fses: Array.from({ length: 1000 }, (_, i) => ({ ...lot.fses[0]!, invoiceNumber: i + 1 })) });
  // The summary comes first on the wire: its count of 1,000 is what fails.
  t.true(!tooMany.ok && tooMany.error.reason === 'bad-value' && tooMany.error.path === 'lot/summary/withVitale');
});

testProp('secured FSE round trip', [arbSecuredFse], (t, value) => {
  const bytes = encodeSecuredFse(value);
  const back = parseSecuredFse(bytes);
  t.true(back.ok && back.value !== undefined);
  if (back.ok) t.deepEqual(back.value, value);
}, { numRuns: 150 });

testProp('lot and signed lot round trip', [arbLotFields, arbSignature], (t, fields, cps) => {
  const lot = makeLot(fields);
  if (!lot.ok) return t.fail(lot.error.message);
  t.is(lot.value.summary.withVitale + lot.value.summary.withoutVitale + lot.value.summary.degraded, fields.fses.length);
  t.deepEqual(parseLot(encodeLot(lot.value)), { ok: true, value: lot.value });
  const signed = { lot: lot.value, cps };
  t.deepEqual(parseSignedLot(encodeSignedLot(signed)), { ok: true, value: signed });
}, { numRuns: 150 });

testProp('every strict prefix is truncated', [arbSecuredFse, arbLotFields], (t, s, fields) => {
  t.true(everyPrefixTruncated(parseSecuredFse, encodeSecuredFse(s)));
  const lot = makeLot(fields);
  t.true(lot.ok && everyPrefixTruncated(parseLot, encodeLot(lot.value)));
}, { numRuns: 10 });

testProp('parsers never throw on random bytes', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  for (const parse of [parseSecuredFse, parseLot, parseSignedLot]) t.false(parse(bytes).ok);
}, { numRuns: 1500 });
