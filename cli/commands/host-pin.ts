/**
 * The CPS PIN for `bifente host upload` and `bifente rights` (OURS): typed on
 * the terminal without echo (raw mode, one `*` a character), or one line of
 * stdin with `--pin-stdin` (scripts, tests). Asked once a process, only when
 * the CPS first signs. The PIN is never printed, logged or put in an error
 * (STYLE.md, DOMAIN.md "Cards": 3 wrong entries block the CPS).
 * @module
 */
import { SignerError, type PinSource } from '../../host-sdk/index.js';

/** What the PIN is read from: the process's stdin and stderr, or a test's streams. */
export interface PinStreams {
  readonly input: NodeJS.ReadStream;
  /** Where the prompt and the `*` go (stderr: stdout stays for the results). */
  readonly write: (text: string) => void;
}

/** Longest PIN read (a CPS PIN has 4 to 8 digits; a PKCS#11 token may take more). */
const MAX_PIN = 64;

/** The first line of `input` (without its end of line); rejects when the stream ends without one. */
function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error?: Error): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', done);
      input.pause();
      if (error !== undefined) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const end = text.search(/\r?\n/);
      if (end >= 0) {
        text = text.slice(0, end);
        done();
      } else if (text.length > MAX_PIN) done(new SignerError('bad-card-data', `the PIN line is longer than ${MAX_PIN} characters`));
    };
    const onEnd = (): void => (text.length > 0 ? done() : done(new SignerError('canceled', 'no PIN on stdin (--pin-stdin reads one line)')));
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', done);
    input.resume();
  });
}

/** The PIN typed on a TTY without echo: `*` a character, backspace erases, Enter ends, Ctrl-C / Ctrl-D cancel. Raw mode is restored on every path. */
function readHidden(streams: PinStreams): Promise<string> {
  const { input, write } = streams;
  return new Promise((resolve, reject) => {
    let pin = '';
    const restore = (): void => {
      input.off('data', onData);
      process.off('exit', restoreMode);
      restoreMode();
      input.pause();
      write('\n');
    };
    const restoreMode = (): void => void input.setRawMode(false);
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) {
          restore();
          return resolve(pin);
        }
        if (byte === 0x03 || byte === 0x04) {
          restore();
          return reject(new SignerError('canceled', 'PIN entry canceled'));
        }
        if (byte === 0x7f || byte === 0x08) {
          if (pin.length > 0) {
            pin = pin.slice(0, -1);
            write('\b \b');
          }
        } else if (byte >= 0x20 && byte < 0x7f && pin.length < MAX_PIN) {
          pin += String.fromCharCode(byte);
          write('*');
        }
      }
    };
    input.setRawMode(true);
    process.once('exit', restoreMode);
    write('CPS PIN: ');
    input.on('data', onData);
    input.resume();
  });
}

/**
 * The PIN source of the signers: asked at most once (the promise is kept, so
 * a card that forgot its PIN is verified again without asking twice).
 * `fromStdin`: one line of `input`; else `input` must be a TTY (a
 * `SignerError` `canceled` tells to use `--pin-stdin` otherwise).
 */
export function pinSource(streams: PinStreams, fromStdin: boolean): PinSource {
  let pin: Promise<string> | undefined;
  return () => {
    pin ??= fromStdin
      ? readLine(streams.input)
      : streams.input.isTTY === true
        ? readHidden(streams)
        : Promise.reject(new SignerError('canceled', 'no terminal to type the PIN on: give --pin-stdin and the PIN as one line of stdin'));
    return pin;
  };
}
