/**
 * A real pseudo-terminal pair for tests and benchmarks of serial link
 * ports, made with Debian's socat: each end is `socat pty STDIO` (a pty
 * whose master socat holds), and this process relays the two socats'
 * pipes, optionally at a serial line's rate ({@link PacedLine}).
 *
 * A program closing one end is not seen by the other (as on a real serial
 * line, where closing the tty tells the device nothing): socat 1.7.4 does
 * not notice reliably that a pty's slave side was closed (its `waitslave`
 * option caught it in some runs only). What the far end does see is an
 * unplug: {@link PtyPair.unplug} kills one end's socat, its pty hangs up
 * and the relay ends the other socat too. The ptys survive any number of
 * open/close cycles.
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PacedLine } from './paced-line.js';

/** Options of {@link openPtyPair}. */
export interface PtyPairOptions {
  /** Deliver at most this many bytes a second per direction (default: as fast as the pipes go). */
  readonly bytesPerSecond?: number;
  /** How long socat may take to create its pty (default 5000 ms). */
  readonly timeoutMs?: number;
}

/** Two connected pseudo-terminals. */
export interface PtyPair {
  /** The slave devices (`/dev/pts/N`) to open, one per end. */
  readonly paths: readonly [string, string];
  /** Pull the plug: kill one end's socat; both ports see a hangup (the relay ends the other socat). */
  unplug(end: 0 | 1): Promise<void>;
  /** Stop both socats and the relay. Idempotent. */
  close(): Promise<void>;
}

/** Why a pty pair cannot be made here, or undefined when socat is on the PATH. */
export function socatMissing(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'socat'), constants.X_OK);
      return undefined;
    } catch {
      // not in this directory: look in the next
    }
  }
  return 'socat is not installed (Debian package socat)';
}

interface PtyEnd {
  readonly path: string;
  readonly socat: ChildProcessWithoutNullStreams;
  readonly exited: Promise<void>;
}

async function spawnEnd(timeoutMs: number): Promise<PtyEnd> {
  // -t: after one side ends, flush the other for 50 ms, then exit.
  const socat = spawn('socat', ['-d', '-d', '-t', '0.05', 'pty,raw,echo=0', 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  socat.stdin.on('error', () => undefined); // EPIPE after socat exits: the exit is what we act on
  let log = '';
  try {
    const path = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socat made no pty within ${timeoutMs} ms: ${log}`)), timeoutMs);
      socat.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const match = /PTY is (\S+)/.exec(log);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      socat.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socat.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited (${code}) before making a pty: ${log}`));
      });
    });
    return { path, socat, exited };
  } catch (error) {
    socat.kill('SIGKILL');
    await exited;
    throw error;
  }
}

async function stop(end: PtyEnd): Promise<void> {
  if (end.socat.exitCode !== null || end.socat.signalCode !== null) return;
  end.socat.kill('SIGTERM');
  const timer = setTimeout(() => end.socat.kill('SIGKILL'), 1000);
  await end.exited;
  clearTimeout(timer);
}

/** Start two socats and relay them: a connected pty pair. Reject if socat is missing or makes no pty in time. */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const settled = await Promise.allSettled([spawnEnd(timeoutMs), spawnEnd(timeoutMs)]);
  const [first, second] = settled;
  if (first.status === 'rejected' || second.status === 'rejected') {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? stop(s.value) : undefined)));
    const reason: unknown = first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  const [a, b] = [first.value, second.value];
  const lines: PacedLine[] = [];
  // Both relays keep backpressure: a pty nobody reads fills up and its writer blocks, as on a real line.
  const relay = (from: PtyEnd, to: PtyEnd): void => {
    if (options.bytesPerSecond === undefined) {
      // pipe() also ends the other socat's input when this one exits, so that it hangs up its pty.
      from.socat.stdout.pipe(to.socat.stdin);
      return;
    }
    const source = from.socat.stdout;
    const line = new PacedLine(
      (bytes) => {
        if (to.socat.stdin.writable && !to.socat.stdin.write(bytes)) source.pause();
      },
      options.bytesPerSecond,
      undefined,
      () => source.resume(),
    );
    to.socat.stdin.on('drain', () => {
      if (line.queued < PacedLine.HIGH_WATER) source.resume();
    });
    lines.push(line);
    source.on('data', (chunk: Buffer) => {
      line.push(chunk);
      if (line.queued >= PacedLine.HIGH_WATER) source.pause();
    });
    void from.exited.then(() => {
      line.stop();
      to.socat.stdin.end();
    });
  };
  relay(a, b);
  relay(b, a);
  let closing: Promise<void> | undefined;
  return {
    paths: [a.path, b.path],
    unplug: (end) => stop(end === 0 ? a : b),
    close: () => {
      closing ??= (async () => {
        for (const line of lines) line.stop();
        await Promise.all([stop(a), stop(b)]);
      })();
      return closing;
    },
  };
}
