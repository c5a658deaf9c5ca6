import test from 'ava';
import { runCli } from '../test-support.js';

const VITALE = '65 16 93 0F 32 36 39 30 35 34 39 35 38 38 31 35 37 38 30 90 03 46 52 41';

test('a Vitale beneficiary template shows as a tree with its text', async (t) => {
  const r = await runCli('tlv', VITALE);
  t.is(r.code, 0);
  t.is(
    r.out,
    [
      '65 (22 bytes, constructed)',
      '  93 (15 bytes) 32 36 39 30 35 34 39 35 38 38 31 35 37 38 30  "269054958815780"',
      '  90 (3 bytes) 46 52 41  "FRA"',
      '',
    ].join('\n'),
  );
});

test('--json gives tags, lengths and values as hex', async (t) => {
  const r = await runCli('tlv', '7F21 07 5F37 01 AA 5F38 00', '--json');
  t.is(r.code, 0);
  t.deepEqual(JSON.parse(r.out), [
    {
      tag: '7F21',
      length: 7,
      lengthSize: 1,
      constructed: true,
      children: [
        { tag: '5F37', length: 1, lengthSize: 1, value: 'AA' },
        { tag: '5F38', length: 0, lengthSize: 1, value: '' },
      ],
    },
  ]);
});

test('a length that lies is invalid input with the path of the field', async (t) => {
  const r = await runCli('tlv', '65 16 93 0F 32');
  t.is(r.code, 1);
  t.regex(r.err, /truncated at offset \d+ \(tlv\/65/);
});

test('--simple reads SIMPLE-TLV', async (t) => {
  const r = await runCli('tlv', '--simple', '01 02 AA BB 02 FF 00 01 CC');
  t.is(r.code, 0);
  t.is(r.out, '01 (2 bytes) AA BB\n02 (1 bytes) CC\n');
});
