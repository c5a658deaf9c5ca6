/**
 * Progress of long work: a bar redrawn in place on a TTY, plain lines
 * otherwise (logs, pipes, CI), nothing at all for `--json`.
 * @module
 */

/** Where progress goes. */
export interface Progress {
  /** `done` of `total` units of work, and what is being done. */
  step(done: number, total: number, label: string): void;
  /** A line that stays (a phase ended). */
  note(text: string): void;
  /** End the bar (leaves the cursor on a fresh line). */
  end(): void;
}

/** Width of the bar, characters. */
const BAR_WIDTH = 24;

/**
 * A progress reporter writing to `write`: `mode` `tty` redraws one line
 * with a bar, `lines` prints a line a step, `silent` prints nothing.
 */
export function createProgress(write: (text: string) => void, mode: 'tty' | 'lines' | 'silent'): Progress {
  let open = false;
  const clear = (): void => {
    if (open) write('\r\x1b[2K');
    open = false;
  };
  return {
    step(done, total, label) {
      if (mode === 'silent') return;
      if (mode === 'lines') return void write(`${label} (${done}/${total})\n`);
      const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * done) / total);
      clear();
      write(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${label}`);
      open = true;
    },
    note(text) {
      if (mode === 'silent') return;
      clear();
      write(`${text}\n`);
    },
    end() {
      clear();
    },
  };
}
