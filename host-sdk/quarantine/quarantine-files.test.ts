import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { isPlainName } from './quarantine-files.js';

test('a quarantined file name from the terminal names one file in its folder, nothing else', (t) => {
  for (const name of ['terminal.db', 'terminal.db-wal', 'terminal.db-shm', 'BF-000042']) t.true(isPlainName(name), name);
  for (const name of ['', '.', '..', '../terminal.db', 'a/b', 'a\\b', '/etc/passwd', 'C:x', 'x\0', 'é.db', 'x'.repeat(256)]) t.false(isPlainName(name), JSON.stringify(name));
});

testProp('no accepted name holds a separator or climbs out', [fc.string({ unit: 'binary', maxLength: 40 })], (t, name) => {
  if (isPlainName(name)) t.true(!name.includes('/') && !name.includes('\\') && name !== '..' && name !== '.');
  else t.pass();
}, { seed: 20_260_714 });
