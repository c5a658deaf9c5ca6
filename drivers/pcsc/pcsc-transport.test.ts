// What the PC/SC transport does without pcscd: nothing native loads until
// the first call, and a pcsclite that will not load is not-installed with
// the packages to install.
import test from 'ava';
import { createPcscTransport } from './pcsc-transport.js';

const failing = () => Promise.reject(new Error("Cannot find module 'pcsclite'"));

test('creating the transport loads nothing; list() with a pcsclite that will not load is not-installed naming the packages', async (t) => {
  let imports = 0;
  const transport = createPcscTransport({ importer: () => (imports++, failing()) });
  t.is(transport.kind, 'pcsc');
  t.is(imports, 0);
  const error = await t.throwsAsync(transport.list());
  t.is(imports, 1);
  t.like(error, { code: 'not-installed' });
  t.regex(error?.message ?? '', /libpcsclite-dev/);
  t.regex(error?.message ?? '', /pcscd/);
  t.regex(((error?.cause as Error) ?? new Error('')).message, /Cannot find module/);
  await transport.close();
});

test('a module without a factory is not-installed too; open() with no protocol is a RangeError, thrown', async (t) => {
  const transport = createPcscTransport({ importer: () => Promise.resolve({ default: 42 }) });
  t.like(await t.throwsAsync(transport.open('R', { share: 'shared', protocols: ['T=1'] })), { code: 'not-installed' });
  t.throws(() => transport.open('R', { share: 'shared', protocols: [] }), { instanceOf: RangeError });
  await transport.close();
});

test('a closed transport rejects with closed; close() is idempotent', async (t) => {
  const transport = createPcscTransport({ importer: failing });
  await transport.close();
  await transport.close();
  t.like(await t.throwsAsync(transport.list()), { code: 'closed' });
});
