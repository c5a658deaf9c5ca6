/**
 * `bifente terminal` on a real terminal (stdin a TTY): raw mode, keys read
 * one by one (Node readline's keypress decoding, {@link keyFromConsole}),
 * the screen redrawn on the alternate screen each time the display, the
 * status or the window size changes, hotkeys moving the persona cards.
 *
 * OURS: the layout (the boxed display, the status, the last hotkey's
 * notice, a key reminder), the hotkeys (F1/c, F2/v, q, Ctrl-C), the 22-column
 * minimum. The terminal is always given back as found (raw mode off, cursor
 * shown, main screen), also when the session fails. Typed digits never reach
 * the screen: raw mode turns the tty's echo off and the display masks the PIN.
 * @module
 */
import { emitKeypressEvents } from 'node:readline';
import { keyFromConsole, type Firmware } from '../../terminal/index.js';
import type { Io } from '../command.js';
import type { CardRack } from './terminal-rack.js';
import { BOX_WIDTH, boxed, stateStatus, statusFields, statusLine } from './terminal-view.js';

/** What the interactive mode reads keys from: a TTY stream (process.stdin). */
export interface TerminalStdin extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The window the interactive mode draws in (process.stdout): its width, and its resizes. */
export interface TerminalWindow {
  readonly columns?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Escape sequences (ECMA-48 / xterm): alternate screen and hidden cursor for the session, and each frame from the top left of a cleared screen. */
export const SCREEN = {
  enter: '\x1b[?1049h\x1b[?25l',
  leave: '\x1b[?25h\x1b[?1049l',
  frame: '\x1b[H\x1b[2J',
} as const;

const KEYS_REMINDER = 'F1/c CPS  F2/v Vitale  q quitter';

/** Node readline's decoded key. */
interface ConsoleKey {
  readonly name?: string;
  readonly ctrl?: boolean;
}

/** One screen: the boxed display, the status (one field a line when the window is too narrow for one line), the notice, the keys. */
async function frame(firmware: Firmware, notice: string, columns: number | undefined): Promise<string> {
  if (columns !== undefined && columns > 0 && columns < BOX_WIDTH) return `${SCREEN.frame}Terminal trop etroit\n(${BOX_WIDTH} colonnes min.)\n`;
  const fields = await statusFields(firmware);
  const line = statusLine(fields);
  const status = columns === undefined || columns <= 0 || line.length <= columns ? line : fields.join('\n');
  return `${SCREEN.frame}${boxed(firmware.display())}\n${status}\n${notice}\n\n${KEYS_REMINDER}\n`;
}

/**
 * Run the firmware interactively until `q`, Ctrl-C, the end of stdin or
 * `io.signal`; rejects (after giving the terminal back) when drawing fails.
 * A hotkey that fails shows its error as the notice and the session goes on.
 */
export async function runInteractive(firmware: Firmware, rack: CardRack, stdin: TerminalStdin, window: TerminalWindow, io: Io): Promise<void> {
  let notice = '';
  let drawing = false;
  let stale = false;
  let closed = false;
  let failed: ((error: unknown) => void) | undefined;
  /** Draw now, or once the frame being drawn is out (a frame reads the store): the last frame always shows the latest state. */
  const redraw = (): void => {
    stale = true;
    if (drawing || closed) return;
    drawing = true;
    void (async () => {
      try {
        while (stale && !closed) {
          stale = false;
          const text = await frame(firmware, notice, window.columns);
          if (!closed) io.out(text);
        }
      } finally {
        drawing = false; // in the same turn as the last look at `stale`: no request falls between
      }
    })().catch((error: unknown) => failed?.(error));
  };
  const watching = new AbortController();
  const watchStatus = async (): Promise<void> => {
    for (;;) {
      const shown = stateStatus(firmware.state()).join();
      try {
        await firmware.waitFor('a status change', (state) => stateStatus(state).join() !== shown, { signal: watching.signal });
      } catch (error) {
        if (watching.signal.aborted) return;
        throw error;
      }
      redraw();
    }
  };
  const hotkey = (move: Promise<string>): void => {
    void move
      .then(
        (done) => done,
        (error: unknown) => `Echec: ${error instanceof Error ? error.message : String(error)}`,
      )
      .then((text) => {
        notice = text;
        redraw();
      });
  };

  const stopDrawing = firmware.onDisplay(redraw);
  window.on?.('resize', redraw);
  emitKeypressEvents(stdin);
  stdin.setRawMode?.(true);
  io.out(SCREEN.enter);
  try {
    await new Promise<void>((resolve, reject) => {
      const end = (error?: unknown): void => {
        closed = true;
        stdin.off('keypress', onKey);
        stdin.off('end', quit);
        io.signal?.removeEventListener('abort', quit);
        watching.abort();
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const quit = (): void => end();
      failed = end;
      const onKey = (typed: string | undefined, key: ConsoleKey | undefined): void => {
        const name = key?.name ?? typed ?? '';
        if (name === 'q' || (key?.ctrl === true && name === 'c')) return quit();
        if (name === 'c' || name === 'f1') return hotkey(rack.toggleCps());
        if (name === 'v' || name === 'f2') return hotkey(rack.toggleVitale());
        const event = keyFromConsole(name);
        if (event !== undefined) firmware.send(event);
      };
      stdin.on('keypress', onKey);
      stdin.once('end', quit);
      if (io.signal?.aborted === true) return quit();
      io.signal?.addEventListener('abort', quit);
      stdin.resume();
      watchStatus().catch(end);
      redraw();
    });
  } finally {
    closed = true;
    stopDrawing();
    window.off?.('resize', redraw);
    stdin.setRawMode?.(false);
    stdin.pause();
    io.out(SCREEN.leave);
  }
}
