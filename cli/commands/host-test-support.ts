// Helpers of the tests of `bifente host upload` and `bifente rights`: a
// SoftHSM2 token with dr-benali's two keys (authentication 01, signature 02,
// as OpenSC shows a CPS), the REAL teleservice on loopback with a clock the
// test moves, and the CLI spawned as a process with the token's conf.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTeleservice, virtualClock, type Teleservice, type VirtualClock } from '../../emulator/index.js';
import { syncTerminal } from '../../host-sdk/index.js';
import { copyTerminal, hostDatabase, openCards, plugTerminal, SYNC_OPTIONS, writeTerminalFile } from '../../host-sdk/test-support.js';
import { initSoftHsmToken, missingSoftHsmPrograms, SOFTHSM_MODULE } from '../../scripts/softhsm/init-token.js';
import { ROOT, spawnCli as spawnBifente } from '../test-support.js';

const execute = promisify(execFile);
/** The repository root (the CLI's working folder). */
/** The test token's user PIN. */
export const PIN = '1234';
/** What the token set-up needs and is missing here (empty: it can run). */
export const MISSING = missingSoftHsmPrograms();

/** A test token. */
export interface TestToken {
  /** `SOFTHSM2_CONF` of the token. */
  readonly conf: string;
  readonly label: string;
  /** The signer options of the CLI for this token, PIN on stdin. */
  readonly options: readonly string[];
}

/** A SoftHSM2 token in `dir` with dr-benali's signature key (02, scripts/softhsm/init-token.ts) and authentication key and certificate (01). */
export async function makeToken(dir: string, label = 'bifente-cli'): Promise<TestToken> {
  const token = await initSoftHsmToken({ dir, label });
  const pki = (file: string) => join(ROOT, 'test-vectors', 'pki', 'doctors', file);
  const der = join(dir, 'auth.cert.der');
  writeFileSync(der, new X509Certificate(readFileSync(pki('dr-benali-auth.cert.pem'))).raw);
  const env = { ...process.env, SOFTHSM2_CONF: token.conf };
  await execute('softhsm2-util', ['--import', pki('dr-benali-auth.key.pem'), '--token', label, '--id', '01', '--label', 'auth', '--pin', PIN], { env });
  await execute('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', PIN, '--write-object', der, '--type', 'cert', '--id', '01', '--label', 'auth'], { env });
  return { conf: token.conf, label, options: ['--pkcs11', SOFTHSM_MODULE, '--token-label', label, '--pin-stdin'] };
}

/** The teleservice on loopback, its clock starting now (the CLI's host clock is the real one); the test moves it. */
export async function startTeleservice(): Promise<{ service: Teleservice; clock: VirtualClock; url: string }> {
  const clock = virtualClock(Date.now());
  const service = await createTeleservice({ database: ':memory:', clock, rateLimit: false, log: () => undefined });
  return { service, clock, url: await service.listen() };
}

/** `bifente …` as a child process with the token's conf, `stdin` written to its stdin. */
export function spawnCli(token: TestToken, stdin: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return spawnBifente(args, { stdin, env: { SOFTHSM2_CONF: token.conf } });
}

/** The standard terminal file (host-sdk test-support `writeTerminalFile`) written at `dir`/terminal-template.db with cards opened for it; its path. */
export async function terminalTemplate(dir: string): Promise<string> {
  const path = join(dir, 'terminal-template.db');
  const cards = await openCards();
  try {
    await writeTerminalFile(path, cards);
  } finally {
    await cards.close();
  }
  return path;
}

/**
 * A host database `name` in `dir` holding the standard terminal's two signed
 * lots (751-001, 691-001), by a real sync of a copy of `template` (a terminal
 * file from host-sdk test-support `writeTerminalFile`); its path.
 */
export async function syncedHostDatabase(dir: string, template: string, name: string): Promise<string> {
  const terminal = await copyTerminal(template, join(dir, `terminal-of-${name}`));
  const db = await hostDatabase(dir, name);
  const plug = await plugTerminal(terminal);
  try {
    await syncTerminal(plug.host, db, SYNC_OPTIONS);
  } finally {
    await plug.unplug();
    db.close();
    await terminal.close();
  }
  return db.path;
}
