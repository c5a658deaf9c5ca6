/**
 * vpcd serves one card a port, and a machine has one pcscd (DOMAIN.md): two
 * processes serving cards on the same ports at once would steal each other's
 * readers. Whoever serves cards to the vpcd readers for a while (a test file,
 * a benchmark) holds this machine-wide lock first.
 * @module
 */
import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PcscdError } from './errors.js';

/** The lock file: in the temporary folder, so that every clone on the machine shares it. */
export const VPCD_READERS_LOCK = join(tmpdir(), 'bifente-vpcd-readers.lock');

function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return true; // being written right now: count it as held
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the vpcd readers for this process; resolves to the function that
 * gives them back. A lock left by a dead process is taken over. Rejects with
 * a PcscdError `readers-busy` after `timeoutMs`.
 */
export async function lockVpcdReaders(options: { timeoutMs?: number; path?: string } = {}): Promise<() => void> {
  const path = options.path ?? VPCD_READERS_LOCK;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to give back
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!holderAlive(path)) {
      try {
        unlinkSync(path);
      } catch {
        // another waiter took it over first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new PcscdError('readers-busy', `the vpcd readers are held by another process (lock ${path})`);
    }
    await sleep(50);
  }
}
