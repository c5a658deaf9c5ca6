/**
 * The quarantined files as the host link serves them (issue 6: the host
 * takes a quarantined store, then releases it): each quarantine with the
 * name and size of every file moved, reads of a file in chunks, and the
 * release with the invoice number to go on from. The terminal reaches the
 * files only through this (terminal/ has no file system).
 *
 * OURS: a file is named by its base name as `quarantine.json` records it,
 * never by a path the host sends, so a request cannot reach another file;
 * a file gone from the folder (removed by hand) is left out of the list.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { listQuarantined, releaseQuarantine, type QuarantineEntry } from './quarantine.js';
import { StoreError } from './store-error.js';

/** One file of a quarantine, as it is now on disk. */
export interface QuarantinedFile {
  /** The base name (`terminal.db`, `terminal.db-wal`...). */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** A quarantine and its files still on disk. */
export interface QuarantinedStore {
  readonly entry: QuarantineEntry;
  readonly files: readonly QuarantinedFile[];
}

/** A chunk of a quarantined file. */
export interface QuarantinedChunk {
  /** The file's size now. */
  readonly total: number;
  /** The bytes from the offset asked (fewer than asked at the end; none at `total`). */
  readonly bytes: Uint8Array;
}

/** The quarantines of one store file. */
export interface QuarantineArchive {
  /** The store file whose quarantines these are. */
  readonly storePath: string;
  /** Every quarantine, oldest first, released ones included. */
  list(): Promise<QuarantinedStore[]>;
  /**
   * Read up to `length` bytes at `offset` of file `name` of quarantine `id`.
   * Rejects with `StoreError('not-found')` for an unknown quarantine or
   * file, `RangeError` for an offset past the end.
   */
  read(id: string, name: string, offset: number, length: number): Promise<QuarantinedChunk>;
  /**
   * The host holds the data of quarantine `id`: record it (`releasedAt`,
   * `nextInvoiceNumber`). Rejects with `StoreError('not-found')` for an
   * unknown one; a released one is returned unchanged.
   */
  release(id: string, release: { readonly at: number; readonly nextInvoiceNumber: number }): Promise<QuarantineEntry>;
}

function present(entry: QuarantineEntry): QuarantinedFile[] {
  return entry.files.filter((file) => existsSync(file)).map((file) => ({ name: basename(file), size: statSync(file).size }));
}

function find(storePath: string, id: string): QuarantineEntry {
  const entry = listQuarantined(storePath).find((e) => e.id === id);
  if (entry === undefined) throw new StoreError('not-found', `no quarantine ${id}`);
  return entry;
}

/**
 * The quarantines of the store at `storePath` (`<storePath>.quarantine/`).
 * @example
 * const archive = openQuarantineArchive('/var/lib/tla/terminal.db');
 * const [first] = await archive.list();
 * const { total, bytes } = await archive.read(first.entry.id, 'terminal.db', 0, 32_768);
 */
export function openQuarantineArchive(storePath: string): QuarantineArchive {
  return {
    storePath,
    list: async () => listQuarantined(storePath).map((entry) => ({ entry, files: present(entry) })),
    async read(id, name, offset, length) {
      for (const [what, value] of [['offset', offset], ['length', length]] as const) {
        if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number of bytes, got ${String(value)}`);
      }
      const file = find(storePath, id).files.find((f) => basename(f) === name);
      if (file === undefined || !existsSync(file)) throw new StoreError('not-found', `no file ${name} in quarantine ${id}`);
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (error) {
        throw new StoreError('io-error', `opening ${name} of quarantine ${id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      try {
        const total = (await handle.stat()).size;
        if (offset > total) throw new RangeError(`offset ${offset} is past the end of ${name} (${total} bytes)`);
        const bytes = new Uint8Array(Math.min(length, total - offset));
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
        return { total, bytes: bytes.subarray(0, bytesRead) };
      } finally {
        await handle.close();
      }
    },
    async release(id, { at, nextInvoiceNumber }) {
      find(storePath, id);
      return releaseQuarantine(storePath, id, at, nextInvoiceNumber);
    },
  };
}
