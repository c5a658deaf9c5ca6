/**
 * Where trace entries go: memory (tests, the CLI's live view) or a file
 * that grows by one JSON line an entry.
 * @module
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { formatTraceLine, type TraceEntry } from './trace-entry.js';

/** Receives trace entries, already redacted. `write` must not throw. */
export interface TraceSink {
  write(entry: TraceEntry): void;
}

/** A sink that keeps every entry. */
export interface MemoryTraceSink extends TraceSink {
  readonly entries: readonly TraceEntry[];
  /** The entries as JSON lines, as a file sink would write them. */
  lines(): string[];
}

/** A sink that keeps entries in an array. */
export function memoryTraceSink(): MemoryTraceSink {
  const entries: TraceEntry[] = [];
  return {
    entries,
    write: (entry) => void entries.push(entry),
    lines: () => entries.map(formatTraceLine),
  };
}

/** A sink appending JSON lines to a file. */
export interface FileTraceSink extends TraceSink {
  /** Flush and close; rejects with the first write error, if any. */
  close(): Promise<void>;
}

/** Append to `path` (created if missing), one JSON line an entry. */
export function fileTraceSink(path: string): FileTraceSink {
  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    write: (entry) => {
      if (failure === undefined) stream.write(`${formatTraceLine(entry)}\n`);
    },
    close: async () => {
      stream.end();
      try {
        await finished(stream);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error('write failed', { cause: error });
      }
      if (failure !== undefined) throw new Error(`cannot write the trace ${path}`, { cause: failure });
    },
  };
}
