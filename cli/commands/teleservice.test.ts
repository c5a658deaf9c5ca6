// `bifente teleservice`: spawned on port 0 as a real process, called over
// loopback HTTP, stopped by SIGTERM (and SIGINT) with exit code 0; usage
// errors in process.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../test-support.js';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-cli-teleservice-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Spawn the command and wait for its first stdout line holding a URL. */
async function spawnService(args: string[]) {
  const child = spawn(process.execPath, ['--import=tsx', bin, 'teleservice', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:[0-9]+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  return { child, url, exited, output: () => out };
}

test('spawned on port 0: prints the URL and the OpenAPI path, serves over loopback, stops on SIGTERM with exit 0', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'teleservice.db');
  const service = await spawnService(['--port', '0', '--db', db, '--seed', '5']);
  t.teardown(() => service.child.kill('SIGKILL'));
  t.regex(service.output(), /OpenAPI document: http:\/\/127\.0\.0\.1:[0-9]+\/openapi\.json/);
  const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { openapi: string };
  t.is(document.openapi, '3.1.0');
  const challenge = await fetch(`${service.url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rpps: '99900000037' }) });
  t.is(challenge.status, 200);
  const missing = await fetch(`${service.url}/v1/rights`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.is(missing.status, 400);
  service.child.kill('SIGTERM');
  t.is(await service.exited, 0);
  t.regex(service.output(), /stopped/);
  t.true(existsSync(db));
});

test('--json prints the URLs as JSON; SIGINT stops it too', async (t) => {
  const service = await spawnService(['--db', ':memory:', '--json', '--rate-limit', '0']);
  t.teardown(() => service.child.kill('SIGKILL'));
  const printed = JSON.parse(service.output()) as { url: string; openapi: string };
  t.is(printed.openapi, `${printed.url}/openapi.json`);
  service.child.kill('SIGINT');
  t.is(await service.exited, 0);
});

test('usage errors exit 2; a database that is not ours exits 1 with the reason', async (t) => {
  for (const args of [['--port', '70000'], ['--port', 'x'], ['--seed', '-1'], ['extra'], ['--nope']]) {
    const result = await runCli('teleservice', ...args);
    t.is(result.code, 2, args.join(' '));
  }
  const dir = tempDir(t);
  const foreign = join(dir, 'notes.db');
  writeFileSync(foreign, 'this is not a database');
  const result = await runCli('teleservice', '--db', foreign);
  t.is(result.code, 1);
  t.regex(result.err, /bifente teleservice: /);
});
