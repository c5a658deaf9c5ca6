/**
 * Drive a command under a real pseudo-terminal, for tests of the interactive
 * (TTY) commands: raw mode, key decoding, redraws and terminal restoration
 * are only real on a real tty. Python's `pty`/`termios` modules do the tty
 * work (no native npm module): a small relay owns the master side, gives the
 * child the slave side as its controlling terminal, writes the keys it is
 * sent, resizes the window on request (the kernel then sends SIGWINCH), and
 * when the child exits reports its exit code and whether the terminal was
 * left in canonical mode with echo on (restored).
 *
 * Waiting is on output patterns with a deadline, never on a sleep.
 * @module
 */
import { spawn } from 'node:child_process';

/** The relay (python3): argv rows cols command...; stdin JSON lines {"keys"} / {"resize"}; stdout the tty's output; stderr the final JSON report. */
const RELAY = String.raw`
import fcntl, json, os, select, struct, subprocess, sys, termios
master, slave = os.openpty()
def winsize(rows, cols):
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
def controlling_tty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
winsize(int(sys.argv[1]), int(sys.argv[2]))
child = subprocess.Popen(sys.argv[3:], stdin=slave, stdout=slave, stderr=slave, preexec_fn=controlling_tty)
pending, reading = b'', True
while True:
    ready, _, _ = select.select([master] + ([0] if reading else []), [], [], 0.05)
    if master in ready:
        os.write(1, os.read(master, 65536))
    if 0 in ready:
        chunk = os.read(0, 65536)
        reading = chunk != b''
        pending += chunk
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            message = json.loads(line)
            if 'keys' in message:
                os.write(master, message['keys'].encode())
            if 'resize' in message:
                winsize(*message['resize'])
    if not ready and child.poll() is not None:
        break
lflag = termios.tcgetattr(slave)[3]
sys.stderr.write(json.dumps({'code': child.returncode, 'canonical': bool(lflag & termios.ICANON), 'echo': bool(lflag & termios.ECHO)}))
`;

/** How a command run under a pty ended. */
export interface PtyExit {
  /** The exit code (negative: killed by that signal). */
  readonly code: number;
  /** The tty was left in canonical (line) mode: raw mode was turned off. */
  readonly canonical: boolean;
  /** The tty was left echoing typed characters. */
  readonly echo: boolean;
}

/** A command running under a pseudo-terminal. */
export interface PtySession {
  /** Type `keys` (raw bytes as a terminal sends them: `\r` Enter, `\x7f` Backspace, `\x1bOP` F1...). */
  type(keys: string): void;
  /** Resize the window (the command receives SIGWINCH). */
  resize(rows: number, columns: number): void;
  /** Everything the command wrote to the tty so far. */
  output(): string;
  /** Resolve with the output once `pattern` matches `view(output)`; reject with the output after `deadlineMs`. */
  waitFor(pattern: RegExp, view?: (output: string) => string, deadlineMs?: number): Promise<string>;
  /** Resolves when the command has exited. */
  readonly exited: Promise<PtyExit>;
  /** Kill the command (tests' cleanup). */
  kill(): void;
}

/**
 * Run `argv` under a `rows` × `columns` pseudo-terminal, from `cwd`.
 * @example const tty = spawnInPty(['node', '--import=tsx', 'cli/bin.ts', 'terminal']);
 */
export function spawnInPty(argv: readonly string[], options: { readonly rows?: number; readonly columns?: number; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): PtySession {
  const relay = spawn('python3', ['-c', RELAY, String(options.rows ?? 24), String(options.columns ?? 80), ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let report = '';
  const watchers = new Set<() => void>();
  relay.stdout.setEncoding('utf8');
  relay.stdout.on('data', (text: string) => {
    output += text;
    for (const watch of watchers) watch();
  });
  relay.stderr.setEncoding('utf8');
  relay.stderr.on('data', (text: string) => (report += text));
  const exited = new Promise<PtyExit>((resolve, reject) => {
    relay.once('error', reject);
    relay.once('close', (code) => {
      for (const watch of watchers) watch();
      try {
        resolve(JSON.parse(report) as PtyExit);
      } catch (cause) {
        reject(new Error(`pty relay ended (${code ?? 'signal'}) without a report: ${report}`, { cause }));
      }
    });
  });
  const send = (message: object): void => void relay.stdin.write(`${JSON.stringify(message)}\n`);
  return {
    type: (keys) => send({ keys }),
    resize: (rows, columns) => send({ resize: [rows, columns] }),
    output: () => output,
    exited,
    kill: () => void relay.kill(),
    waitFor(pattern, view = (text) => text, deadlineMs = 10_000) {
      return new Promise((resolve, reject) => {
        const done = (): void => {
          watchers.delete(check);
          clearTimeout(timer);
        };
        const check = (): void => {
          if (pattern.test(view(output))) {
            done();
            resolve(output);
          } else if (relay.exitCode !== null) {
            done();
            reject(new Error(`the command ended before ${pattern}; it showed:\n${view(output)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${deadlineMs} ms; the tty shows:\n${view(output)}`));
        }, deadlineMs);
        watchers.add(check);
        check();
      });
    },
  };
}
