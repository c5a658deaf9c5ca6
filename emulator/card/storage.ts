/**
 * Where a card image lives between runs: a {@link CardStorage} holds the
 * image's JSON text. File writes are atomic (temporary file, fsync, rename,
 * fsync of the folder), so a crash leaves either the old or the new image,
 * never a torn one (the card's anti-tearing rule, issue 4 "Security").
 * @module
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Raised by a storage hook to simulate the card losing power inside a write
 * (tearing). The card answers 6F00, forgets its RAM and reloads the stored
 * image at the next power-on, as a real card would.
 */
export class PowerCutError extends Error {
  override readonly name = 'PowerCutError';
  constructor(readonly when: 'before-write' | 'after-write') {
    super(`simulated power cut ${when}`);
  }
}

/** Test hooks called around each committed write; throw {@link PowerCutError} to cut the power. */
export interface StorageHooks {
  /** Before write number `n` (1-based) reaches the medium: the old image stays. */
  beforeWrite?(n: number): void;
  /** After write number `n` is durable: the new image stays. */
  afterWrite?(n: number): void;
}

/**
 * The persistent memory of one card: the JSON text of its image.
 * `baseDir` is the folder that relative paths inside the image (key PEM
 * files) are resolved against.
 */
export interface CardStorage {
  readonly baseDir: string;
  /** The stored image text, or undefined when nothing was ever written. */
  read(): string | undefined;
  /** Replace the stored image, atomically. */
  write(text: string): void;
}

function withHooks(hooks: StorageHooks | undefined, commit: (text: string) => void): (text: string) => void {
  let n = 0;
  return (text) => {
    n += 1;
    hooks?.beforeWrite?.(n);
    commit(text);
    hooks?.afterWrite?.(n);
  };
}

/** A storage in RAM: for tests, fuzzing and benchmarks. */
export function memoryStorage(initial: string | undefined, baseDir: string, hooks?: StorageHooks): CardStorage {
  let text = initial;
  const write = withHooks(hooks, (t) => {
    text = t;
  });
  return { baseDir, read: () => text, write };
}

/**
 * A storage in one file, written atomically: the text goes to a temporary
 * file next to it, is fsynced, renamed over the old file, and the folder is
 * fsynced so the rename itself survives a crash (POSIX rename(2) atomicity).
 */
export function fileStorage(path: string, options: { baseDir?: string; hooks?: StorageHooks } = {}): CardStorage {
  const dir = dirname(path);
  const write = withHooks(options.hooks, (text) => {
    const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  });
  return {
    baseDir: options.baseDir ?? dir,
    read: () => {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`cannot read card image ${path}`, { cause: error });
      }
    },
    write,
  };
}
