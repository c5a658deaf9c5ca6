import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { MAX_LOT_FSES, type LotFseEntry } from '../../protocol/index.js';
import { groupForLots, lotCandidate, type LotCandidate } from './lot-plan.js';
import { securedFseRecord } from './test-support.js';

const entry = (invoiceNumber: number): LotFseEntry => ({ invoiceNumber, digest: new Uint8Array(32), securing: 'F', totalCents: 3000, amoCents: 2100 });

const candidates = fc
  .uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 999_999_999 }), destination: fc.constantFrom('002', '691', '751', '971') }), { selector: (c) => c.id, maxLength: 300 })
  .map((list) => list.map((c): LotCandidate => ({ destination: c.destination, entry: entry(c.id) })));

testProp('every FSE is in exactly one lot of its destination, at most max a lot, ascending', [candidates, fc.integer({ min: 1, max: 40 })], (t, list, max) => {
  const groups = groupForLots(list, max);
  const seen = groups.flatMap((g) => g.entries.map((e) => e.invoiceNumber));
  t.deepEqual([...seen].sort((a, b) => a - b), list.map((c) => c.entry.invoiceNumber).sort((a, b) => a - b));
  const destinationOf = new Map(list.map((c) => [c.entry.invoiceNumber, c.destination]));
  for (const g of groups) {
    t.true(g.entries.length >= 1 && g.entries.length <= max);
    t.true(g.entries.every((e) => destinationOf.get(e.invoiceNumber) === g.destination));
    t.true(g.entries.every((e, i) => i === 0 || e.invoiceNumber > g.entries[i - 1]!.invoiceNumber));
  }
  const destinations = groups.map((g) => g.destination);
  t.deepEqual(destinations, [...destinations].sort());
  for (const d of new Set(destinations)) {
    const count = list.filter((c) => c.destination === d).length;
    t.is(destinations.filter((x) => x === d).length, Math.ceil(count / max), `lots for ${d}`);
  }
});

test('1,000 FSEs for one destination make a lot of 999 (the lowest invoice numbers) and a lot of 1', (t) => {
  const list = Array.from({ length: 1000 }, (_, i): LotCandidate => ({ destination: '751', entry: entry(1000 - i) }));
  const groups = groupForLots(list);
  t.deepEqual(groups.map((g) => g.entries.length), [MAX_LOT_FSES, 1]);
  t.is(groups[0]!.entries[0]!.invoiceNumber, 1);
  t.is(groups[1]!.entries[0]!.invoiceNumber, 1000);
  t.throws(() => groupForLots(list, 1000), { instanceOf: RangeError });
  t.throws(() => groupForLots(list, 0), { instanceOf: RangeError });
});

test('a stored FSE enters a lot only when its bytes parse and agree with the store', (t) => {
  const record = securedFseRecord(42, { regime: '02', caisse: '741' });
  const good = lotCandidate({ ...record, state: 'stored', size: record.bytes.length });
  t.true(good.ok);
  if (good.ok) {
    t.is(good.value.destination, '002', 'an MSA insured (regime 02) goes to 002, not to the CPAM 741');
    t.is(good.value.entry.invoiceNumber, 42);
    t.is(good.value.entry.digest.length, 32);
  }
  const cases: [string, Partial<typeof record>, 'inconsistent' | 'bad-bytes'][] = [
    ['another destination', { destination: '741' }, 'inconsistent'],
    ['another id', { id: 43 }, 'inconsistent'],
    ['another mode', { securingMode: record.securingMode === 'S' ? 'D' : 'S' }, 'inconsistent'],
    ['another amount', { amountCents: record.amountCents + 1 }, 'inconsistent'],
    ['cut bytes', { bytes: record.bytes.slice(0, 40) }, 'bad-bytes'],
  ];
  for (const [name, change, reason] of cases) {
    const result = lotCandidate({ ...record, ...change, state: 'stored', size: 0 });
    t.false(result.ok, name);
    if (!result.ok) t.is(result.error.reason, reason, name);
  }
});
