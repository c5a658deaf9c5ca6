import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { COMMANDS } from './commands/index.js';
import { runCli } from './test-support.js';

test('--help lists every command and exits 0', async (t) => {
  const r = await runCli('--help');
  t.is(r.code, 0);
  for (const c of COMMANDS) t.regex(r.out, new RegExp(`^  ${c.name} `, 'm'));
});

test('no command prints the help and exits 2', async (t) => {
  const r = await runCli();
  t.is(r.code, 2);
  t.regex(r.out, /Usage: bifente <command>/);
});

test('an unknown command is a usage error', async (t) => {
  const r = await runCli('frobnicate');
  t.is(r.code, 2);
  t.regex(r.err, /unknown command "frobnicate"/);
});

test('an unknown option is a usage error naming it', async (t) => {
  const r = await runCli('apdu', '9000', '--bogus');
  t.is(r.code, 2);
  t.regex(r.err, /--bogus/);
});

test('<command> --help prints its usage', async (t) => {
  for (const c of COMMANDS) {
    const r = await runCli(c.name, '--help');
    t.is(r.code, 0, c.name);
    t.is(r.out, `${c.usage}\n`);
  }
});

test('the real bin sets the process exit code', async (t) => {
  const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
  const run = promisify(execFile);
  const ok = await run(process.execPath, ['--import=tsx', bin, 'apdu', '9000']);
  t.regex(ok.stdout, /SW {2}9000/);
  const bad = await run(process.execPath, ['--import=tsx', bin, 'apdu', 'ZZ']).then(
    () => undefined,
    (e: unknown) => e as { code: number; stderr: string },
  );
  t.is(bad?.code, 1);
  t.regex(bad?.stderr ?? '', /bad-hex/);
});
