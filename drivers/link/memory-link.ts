/**
 * Two {@link LinkPort}s joined in memory: what one writes, the other
 * reads. A byte stream by default, which may split reads like a serial
 * line; or a report port (HID-like) delivering every write as one report
 * padded with zeros. Used by tests and to run a terminal in the same
 * process as the host.
 * @module
 */
import type { LinkPort, LinkPortEvent } from '../core/link-port.js';
import { DriverError } from '../core/errors.js';

/** Options of {@link createMemoryLinkPair}. */
export interface MemoryLinkOptions {
  /**
   * Report size: every write carries at most this many bytes and is read
   * as one report padded with zeros to this size (64 for HID). Default:
   * none, a byte stream.
   */
  readonly maxWrite?: number;
  /** Stream only: deliver reads of at most this many bytes, each in its own event. */
  readonly fragmentReads?: number;
  /**
   * What the line does to each write (tests of a lossy line): return the
   * bytes to deliver (possibly changed) or null to lose them. Default: deliver.
   */
  readonly line?: (bytes: Uint8Array) => Uint8Array | null;
}

/**
 * Create two connected ports. Delivery is asynchronous (a later turn of
 * the event loop) and in order. Closing one end closes both: each end's
 * listeners get a `closed` event; writes then reject with `closed`.
 * @example
 * const [host, terminal] = createMemoryLinkPair({ maxWrite: 64 });
 * terminal.onEvent((e) => { if (e.type === 'data') console.log(e.bytes.length); }); // 64
 * await host.write(Uint8Array.of(0xa5));
 */
export function createMemoryLinkPair(options: MemoryLinkOptions = {}): [LinkPort, LinkPort] {
  const maxWrite = options.maxWrite ?? Infinity;
  const fragment = options.fragmentReads ?? Infinity;
  if (!(maxWrite === Infinity || (Number.isInteger(maxWrite) && maxWrite > 0))) throw new RangeError(`maxWrite ${maxWrite} is not a positive integer`);
  if (!(fragment === Infinity || (Number.isInteger(fragment) && fragment > 0))) throw new RangeError(`fragmentReads ${fragment} is not a positive integer`);
  const kind = maxWrite === Infinity ? 'memory-stream' : 'memory-report';
  let closed = false;

  interface End {
    readonly port: LinkPort;
    deliver(bytes: Uint8Array): void;
    close(): void;
  }

  function end(peer: () => End): End {
    const listeners = new Set<(event: LinkPortEvent) => void>();
    const pending: Uint8Array[] = [];
    let scheduled = false;
    const emit = (event: LinkPortEvent) => {
      for (const l of [...listeners]) l(event);
    };
    const flush = () => {
      scheduled = false;
      for (let bytes = pending.shift(); bytes !== undefined && !closed; bytes = pending.shift()) emit({ type: 'data', bytes });
      pending.length = 0;
    };
    return {
      port: {
        kind,
        maxWrite,
        write(bytes) {
          if (bytes.length > maxWrite) throw new RangeError(`a ${kind} write carries at most ${maxWrite} bytes, got ${bytes.length}`);
          if (closed) return Promise.reject(new DriverError('closed', 'the in-memory link is closed'));
          peer().deliver(bytes);
          return Promise.resolve();
        },
        onEvent(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        close() {
          if (!closed) {
            closed = true;
            a.close();
            b.close();
          }
          return Promise.resolve();
        },
      },
      deliver(written) {
        const bytes = options.line === undefined ? written : options.line(written);
        if (bytes === null) return;
        if (maxWrite !== Infinity) {
          const report = new Uint8Array(maxWrite);
          report.set(bytes.subarray(0, maxWrite));
          pending.push(report);
        } else {
          for (let i = 0; i < bytes.length; i += fragment) pending.push(bytes.slice(i, i + fragment));
        }
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      },
      close() {
        pending.length = 0;
        emit({ type: 'closed' });
        listeners.clear();
      },
    };
  }

  const a: End = end(() => b);
  const b: End = end(() => a);
  return [a.port, b.port];
}
