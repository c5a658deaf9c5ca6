/**
 * A quarantined file fetched in chunks onto the host's disk (OURS): written
 * to `<name>.part`, each chunk's `total` checked against the listed size,
 * fsynced, then renamed to `<name>` and the folder fsynced, so a crash never
 * leaves a file under its own name that is not whole. Names from the
 * terminal are base names only (protocol/link README): anything else is a
 * protocol error, never a path.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LINK_ERROR, LINK_MAX_QUARANTINE_CHUNK } from '../../protocol/index.js';
import type { QuarantineFileRecord } from '../database/quarantine-table.js';
import { ask, type AskTarget } from '../sync/link-ask.js';
import { SyncError } from '../sync/sync-error.js';

/** True for a name that is one plain path segment (letters, digits, `.`, `_`, `-`; not `.` or `..`). */
export function isPlainName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,255}$/.test(name) && name !== '.' && name !== '..';
}

/** Flush a folder's entries (a rename) to the disk; a no-op where folders cannot be opened (Windows). */
async function syncFolder(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Create `path` and flush its parent's entry. */
export async function makeFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await syncFolder(join(path, '..'));
}

/**
 * Fetch file `name` of quarantine `id` (`size` bytes, as listed) into
 * `folder`; resolves with its record once it is whole under its name.
 * `onChunk(written)` runs after each chunk.
 */
export async function fetchQuarantinedFile(target: AskTarget, id: number, file: { readonly name: string; readonly size: number }, folder: string, onChunk: (written: number) => void): Promise<QuarantineFileRecord> {
  const { name, size } = file;
  if (!isPlainName(name)) throw new SyncError('protocol-error', `the terminal listed a quarantined file named ${JSON.stringify(name)}: not a plain file name`);
  const hash = createHash('sha256');
  const partial = join(folder, `${name}.part`);
  const handle = await open(partial, 'w');
  try {
    let written = 0;
    for (;;) {
      const chunk = await ask(target, { kind: 'fetch-quarantined', id, name, offset: written, length: LINK_MAX_QUARANTINE_CHUNK }, [LINK_ERROR.notFound]);
      if (chunk === undefined) throw new SyncError('protocol-error', `the terminal listed ${name} in quarantine ${id}, then did not find it`);
      if (chunk.id !== id || chunk.name !== name || chunk.offset !== written) throw new SyncError('protocol-error', `asked for ${name} of quarantine ${id} at ${written}, the terminal sent ${chunk.name} of ${chunk.id} at ${chunk.offset}`);
      if (chunk.total !== size) throw new SyncError('protocol-error', `${name} of quarantine ${id} was listed with ${size} bytes, the terminal now says ${chunk.total}`);
      if (chunk.bytes.length === 0) break;
      if (written + chunk.bytes.length > size) throw new SyncError('protocol-error', `${name} of quarantine ${id} overran its ${size} bytes`);
      await handle.write(chunk.bytes, 0, chunk.bytes.length, written);
      hash.update(chunk.bytes);
      written += chunk.bytes.length;
      onChunk(written);
      if (written === size) break;
    }
    if (written !== size) throw new SyncError('protocol-error', `${name} of quarantine ${id} ended at ${written} of ${size} bytes`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, join(folder, name));
  await syncFolder(folder);
  return { name, size, sha256: hash.digest('hex') };
}
