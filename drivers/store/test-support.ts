/**
 * Helpers of the store's tests and bench: a temp folder, a seeded FSE
 * maker, and a boot that must succeed.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../protocol/index.js';
import { openTerminalStore, type TerminalStoreOptions } from './open-terminal-store.js';
import type { FseRecord, SecuringMode } from './records.js';
import type { TerminalStore } from './terminal-store.js';

/** A fresh temp folder and its removal. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `bifente-store-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic stream of floats in [0, 1): protocol's mulberry32, the same seed, the same numbers. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed).next;
}

const MODES: readonly SecuringMode[] = ['S', 'F', 'D'];

/** An FSE record with `size` pseudo-random bytes drawn from `random`. */
export function makeFse(id: number, random: () => number, size: number, destination = '011'): FseRecord {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  return {
    id,
    capturedAt: 1_767_225_600_000 + id * 60_000,
    destination,
    amountCents: 3000 + Math.floor(random() * 5000),
    securingMode: MODES[id % 3] ?? 'S',
    bytes,
  };
}

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Opens the store at `path` and fails when the boot is not `ok`. */
export async function openOk(path: string, options: TerminalStoreOptions): Promise<TerminalStore> {
  const result = await openTerminalStore(path, options);
  if (result.boot !== 'ok') throw new Error(`boot ${result.boot}: ${result.quarantined.reason} ${result.quarantined.detail}`);
  return result.store;
}
