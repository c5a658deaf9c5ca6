import test from 'ava';
import { parseB2File } from '../../protocol/index.js';
import { DEFAULT_RETURN_RULES, lotReturn } from './lot-returns.js';
import { testLot } from './test-support.js';

test('closed rights reject an invoice; a degraded FSE (D) whose rights were not verified is paid', (t) => {
  const parsed = parseB2File(testLot({ invoices: [10, 11, 12], rightsClosed: [11, 12] }).b2);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const lot = parsed.value.lots[0]!;
  // Invoice 12 as the terminal writes a degraded FSE: no card read, so rights not verified (flag 0).
  const withDegraded = { ...lot, invoices: lot.invoices.map((i) => (i.invoiceNumber === 12 ? { ...i, securing: 'D' as const } : i)) };
  const made = lotReturn(withDegraded, DEFAULT_RETURN_RULES, '261124', '751001', (code) => code);
  t.deepEqual(
    made.view.invoices.map((i) => [i.invoiceNumber, i.status]),
    [[10, 'paid'], [11, 'rejected'], [12, 'paid']],
  );
});
