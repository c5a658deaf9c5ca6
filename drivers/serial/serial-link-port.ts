/**
 * A {@link LinkPort} over a serial line with `serialport` 13: what a
 * portable terminal that enumerates as USB CDC ACM (`/dev/ttyACM0`) or sits
 * behind a USB-UART bridge (`/dev/ttyUSB0`) offers. The line runs 8N1
 * (8 data bits, no parity, 1 stop bit) without flow control, at 115200
 * baud by default: the settings such readers use (a CDC ACM device ignores
 * the rate; a UART bridge applies it).
 * @module
 */
import type { SerialPort } from 'serialport';
import type { LinkPort, LinkPortEvent } from '../core/link-port.js';
import { DriverError } from '../core/errors.js';
import { LinkListeners } from './link-listeners.js';
import { loadSerialPort } from './load-serialport.js';
import { closedError, goneError, openError } from './serial-errors.js';

/** Options of {@link openSerialLinkPort}. */
export interface SerialLinkOptions {
  /** Line rate in baud (default 115200). */
  readonly baudRate?: number;
  /** How long the open may take (default 5000 ms). */
  readonly openTimeoutMs?: number;
  /**
   * A write rejects with `timeout` (and closes the port, since part of the
   * bytes may be on the wire) when it has not gone out after this many ms
   * plus twice the line time of its bytes (default 2000 ms).
   */
  readonly writeTimeoutMs?: number;
  /** Cancels the open with a `canceled` DriverError. */
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_BAUD_RATE = 115_200;

/**
 * Open the serial device at `path` as a link port (kind `serial`,
 * `maxWrite` Infinity: a byte stream, delivered in any split).
 *
 * Reading starts with the first `onEvent` listener; bytes that come before
 * wait in the stream. The port emits `closed` once: with a `reader-gone`
 * error when the device goes away (unplug, pty hang-up), without one after
 * `close()`. Rejections are DriverErrors: `not-installed`, `not-found`,
 * `sharing-violation` (another program holds the port), `not-supported`
 * (not a tty), `transport-error` (permission denied: the message says
 * which group to join), `timeout`, `canceled`, `closed`.
 * @throws TypeError / RangeError on a bad path or option, synchronously.
 * @example
 * const port = await openSerialLinkPort('/dev/ttyACM0');
 * port.onEvent((e) => e.type === 'data' && console.log(e.bytes));
 * await port.write(Uint8Array.of(0x7e, 0x00));
 * await port.close();
 */
export function openSerialLinkPort(path: string, options: SerialLinkOptions = {}): Promise<LinkPort> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty device path such as /dev/ttyACM0');
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  if (!Number.isInteger(baudRate) || baudRate <= 0) throw new RangeError(`baudRate must be a positive integer, got ${baudRate}`);
  const openTimeoutMs = options.openTimeoutMs ?? 5000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 2000;
  for (const [name, value] of [['openTimeoutMs', openTimeoutMs], ['writeTimeoutMs', writeTimeoutMs]] as const) {
    if (!(value > 0)) throw new RangeError(`${name} must be positive, got ${value}`);
  }
  return open(path, baudRate, openTimeoutMs, writeTimeoutMs, options.signal);
}

async function open(path: string, baudRate: number, openTimeoutMs: number, writeTimeoutMs: number, signal: AbortSignal | undefined): Promise<LinkPort> {
  if (signal?.aborted === true) throw new DriverError('canceled', `opening ${path} was canceled`, { cause: signal.reason });
  const { SerialPort } = await loadSerialPort();
  const port = new SerialPort({
    path,
    baudRate,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    rtscts: false,
    xon: false,
    xoff: false,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: DriverError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    // An open that completes after we gave up is closed at once, so no descriptor leaks.
    const giveUp = (error: DriverError): void => {
      finish(error);
      port.once('open', () => port.close());
    };
    const onAbort = (): void => giveUp(new DriverError('canceled', `opening ${path} was canceled`, { cause: signal?.reason }));
    const timer = setTimeout(() => giveUp(new DriverError('timeout', `${path} did not open within ${openTimeoutMs} ms`)), openTimeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    port.open((error) => finish(error === null ? undefined : openError(path, error)));
  });
  return new SerialLinkPort(path, port, baudRate, writeTimeoutMs);
}

/** Errors a tty gives once its device is gone (EIO after a hang-up, ENXIO after a USB unplug). */
function isHangUp(error: NodeJS.ErrnoException): boolean {
  if (error.code === 'EIO' || error.code === 'ENXIO' || error.code === 'EBADF' || (error as { disconnected?: unknown }).disconnected === true) return true;
  // serialport's DisconnectedError keeps only the message of the errno error.
  return /bad file descriptor|i\/o error|no such device/i.test(error.message);
}

class SerialLinkPort implements LinkPort {
  readonly kind = 'serial';
  readonly maxWrite = Number.POSITIVE_INFINITY;
  readonly #listeners: LinkListeners;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly port: SerialPort,
    private readonly baudRate: number,
    private readonly writeTimeoutMs: number,
  ) {
    this.#listeners = new LinkListeners(() => {
      port.on('data', (chunk: Buffer) => this.#listeners.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    });
    // serialport closes the port itself on a disconnect and passes a DisconnectedError.
    port.on('close', (error: Error | null) => this.#listeners.close(error === null || this.#closing !== undefined ? undefined : goneError(path, error)));
    // A stream error (a failed write also lands here): the port is unusable, so close it and say why.
    port.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#closing !== undefined) return;
      this.#listeners.close(isHangUp(error) ? goneError(path, error) : new DriverError('transport-error', `the serial port ${path} failed: ${error.message}`, { cause: error }));
      void this.close();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!(bytes instanceof Uint8Array)) return Promise.reject(new TypeError('write takes a Uint8Array'));
    if (this.#closing !== undefined || this.#listeners.closed || !this.port.isOpen) return Promise.reject(closedError(this.path));
    if (bytes.length === 0) return Promise.resolve();
    const lineMs = (bytes.length * 10 * 1000) / this.baudRate;
    const limitMs = this.writeTimeoutMs + 2 * lineMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DriverError('timeout', `the serial port ${this.path} took more than ${Math.round(limitMs)} ms to send ${bytes.length} bytes (is the far end reading?); the port is closed`));
        void this.close();
      }, limitMs);
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        clearTimeout(timer);
        if (error === null || error === undefined) resolve();
        else if (this.#closing !== undefined) reject(closedError(this.path, error));
        else reject(goneError(this.path, error));
      });
    });
  }

  onEvent(listener: (event: LinkPortEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.#listeners.close();
        this.port.removeAllListeners();
        this.port.destroy();
        resolve();
      };
      if (!this.port.isOpen) {
        done();
        return;
      }
      // A close error leaves nothing to release on our side: the descriptor is gone either way.
      this.port.close(() => done());
    });
    return this.#closing;
  }
}
