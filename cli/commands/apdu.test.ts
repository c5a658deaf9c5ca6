import test from 'ava';
import { runCli } from '../test-support.js';

test('a SELECT by AID is explained as a case 3S command', async (t) => {
  const r = await runCli('apdu', '00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45');
  t.is(r.code, 0);
  t.regex(r.out, /case 3S/);
  t.regex(r.out, /INS A4 {2}SELECT/);
  t.regex(r.out, /Nc {2}11/);
});

test('--json gives the command fields', async (t) => {
  const r = await runCli('apdu', '00B0820000', '--json');
  t.is(r.code, 0);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  t.like(j, { type: 'command', case: '2S', ins: 'B0', p1: '82', ne: 256, extended: false, name: 'READ BINARY' });
});

test('two bytes are read as a response with the SW meaning', async (t) => {
  const r = await runCli('apdu', '63C1', '--json');
  t.is(r.code, 0);
  t.like(JSON.parse(r.out) as object, { type: 'response', sw: '63C1', kind: 'warning', triesLeft: 1 });
});

test('--response forces a response reading of bytes that are also a command', async (t) => {
  const r = await runCli('apdu', '6F 02 84 00 90 00', '--response');
  t.is(r.code, 0);
  t.regex(r.out, /Response APDU/);
  t.regex(r.out, /SW {2}9000/);
});

test('an APDU whose Lc lies is invalid input: exit 1 with the reason', async (t) => {
  const r = await runCli('apdu', '00 A4 04 00 0B D2', '--command');
  t.is(r.code, 1);
  t.regex(r.err, /truncated at offset \d+/);
  t.is(r.out, '');
});

test('one byte is not an APDU of either kind', async (t) => {
  const r = await runCli('apdu', '90');
  t.is(r.code, 1);
  t.regex(r.err, /truncated/);
});

test('--command with --response is a usage error', async (t) => {
  const r = await runCli('apdu', '9000', '--command', '--response');
  t.is(r.code, 2);
});
