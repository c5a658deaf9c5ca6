import test from 'ava';
import { formatTable } from './table.js';

test('formatTable pads to the widest cell, aligns right columns right, rules the header', (t) => {
  const text = formatTable([{ header: 'state' }, { header: 'lots', right: true }], [['arl-negative', '2'], ['paid', '10']]);
  t.is(text, 'state         lots\n------------  ----\narl-negative     2\npaid            10\n');
});

test('formatTable says (none) for no rows', (t) => {
  t.is(formatTable([{ header: 'conflict' }], []), 'conflict\n--------\n(none)\n');
});
