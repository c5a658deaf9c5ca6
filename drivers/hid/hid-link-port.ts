/**
 * A {@link LinkPort} over USB HID reports with `node-hid`'s `HIDAsync`:
 * for terminals that enumerate as a HID device (no driver to install on
 * the PC). One write is one output report; each input report is delivered
 * whole. On Linux (hidraw) node-hid wants the report id as the first byte
 * of every write (0 for a device without numbered reports), and returns
 * input reports without it unless the device numbers its reports.
 * @module
 */
import type { LinkPort, LinkPortEvent } from '../core/link-port.js';
import { DriverError } from '../core/errors.js';
import { withDeadline } from '../session/deadline.js';
import { LinkListeners } from '../serial/link-listeners.js';
import { closedError, goneError, openError, writeError } from './hid-errors.js';
import { loadNodeHid, type NodeHidBinding, type NodeHidHandle } from './node-hid-binding.js';

/** Which device to open: its hidraw path, or its USB ids (the first match). */
export type HidDeviceSelector = { readonly path: string } | { readonly vendorId: number; readonly productId: number };

/** Options of {@link openHidLinkPort}. */
export interface HidLinkOptions {
  /** Bytes of one report, without the report id (default 64: a full-speed interrupt endpoint). */
  readonly reportSize?: number;
  /** The report id of the link's reports; 0 (default) for a device without numbered reports. */
  readonly reportId?: number;
  /** How long the open may take (default 5000 ms). */
  readonly openTimeoutMs?: number;
  /** A write not done after this many ms rejects with `timeout` and closes the port (default 2000 ms). */
  readonly writeTimeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  /** The node-hid module to use; default: `node-hid`, imported at first use. Tests pass the mimic. */
  readonly binding?: NodeHidBinding;
}

function describe(device: HidDeviceSelector): string {
  return 'path' in device ? device.path : `${hex4(device.vendorId)}:${hex4(device.productId)}`;
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

/**
 * Open a HID device as a link port (kind `hid`, `maxWrite` = report size).
 *
 * `write(bytes)` sends one output report: the report id, then `bytes`
 * zero-padded to the report size. Input reports arrive as `data` events of
 * `reportSize` bytes (reports with another id are other functions of the
 * device and are not delivered). Reading starts with the first listener.
 * The port emits `closed` once: with a `reader-gone` error when node-hid's
 * read fails (unplug), without one after `close()`. Rejections are
 * DriverErrors: `not-installed`, `not-found`, `not-supported`,
 * `transport-error` (permission: the message points at the udev rule),
 * `reader-gone`, `timeout`, `canceled`, `closed`.
 * @throws TypeError / RangeError on a bad selector, option or oversized write, synchronously.
 * @example
 * const port = await openHidLinkPort({ vendorId: 0x1d6b, productId: 0x0104 });
 * await port.write(Uint8Array.of(0x7e, 0x01));
 */
export function openHidLinkPort(device: HidDeviceSelector, options: HidLinkOptions = {}): Promise<LinkPort> {
  if ('path' in device) {
    if (typeof device.path !== 'string' || device.path.length === 0) throw new TypeError('path must be a non-empty hidraw path such as /dev/hidraw0');
  } else if (![device.vendorId, device.productId].every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffff)) {
    throw new RangeError('vendorId and productId must be integers from 0 to 0xFFFF');
  }
  const reportSize = options.reportSize ?? 64;
  const reportId = options.reportId ?? 0;
  if (!Number.isInteger(reportSize) || reportSize < 1 || reportSize > 4095) throw new RangeError(`reportSize must be 1 to 4095 bytes, got ${reportSize}`);
  if (!Number.isInteger(reportId) || reportId < 0 || reportId > 255) throw new RangeError(`reportId must be 0 to 255, got ${reportId}`);
  const openTimeoutMs = options.openTimeoutMs ?? 5000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 2000;
  if (!(openTimeoutMs > 0) || !(writeTimeoutMs > 0)) throw new RangeError('openTimeoutMs and writeTimeoutMs must be positive');
  return open(device, { reportSize, reportId, openTimeoutMs, writeTimeoutMs, signal: options.signal, binding: options.binding });
}

interface Settings {
  readonly reportSize: number;
  readonly reportId: number;
  readonly openTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly binding: NodeHidBinding | undefined;
}

async function open(device: HidDeviceSelector, settings: Settings): Promise<LinkPort> {
  const name = describe(device);
  const opening = async (signal: AbortSignal): Promise<NodeHidHandle> => {
    const binding = settings.binding ?? (await loadNodeHid());
    signal.throwIfAborted(); // gave up while node-hid loaded: open nothing
    const opened = 'path' in device ? binding.HIDAsync.open(device.path) : binding.HIDAsync.open(device.vendorId, device.productId);
    return opened.catch((error: unknown) => {
      throw openError(name, error);
    });
  };
  const handle = await withDeadline(
    opening,
    { timeoutMs: settings.openTimeoutMs, signal: settings.signal },
    { timeout: (ms) => `HID device ${name} did not open within ${ms} ms`, canceled: `opening HID device ${name} was canceled` },
    // An open that completes after we gave up is closed at once, so no handle leaks.
    (late) => void late.close(),
  );
  return new HidLinkPort(name, handle, settings);
}

class HidLinkPort implements LinkPort {
  readonly kind = 'hid';
  readonly maxWrite: number;
  readonly #listeners: LinkListeners;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly handle: NodeHidHandle,
    private readonly settings: Settings,
  ) {
    this.maxWrite = settings.reportSize;
    this.#listeners = new LinkListeners(() => {
      handle.on('data', (report: Buffer) => this.#onReport(report));
    });
    // node-hid's read thread reports a failed read (an unplugged device) as an `error` event and stops.
    handle.on('error', (error: unknown) => {
      if (this.#closing !== undefined) return;
      this.#listeners.close(goneError(name, error));
      void this.close();
    });
  }

  #onReport(report: Buffer): void {
    const { reportId } = this.settings;
    // Numbered reports come with their id first; others belong to another function of the device.
    if (reportId !== 0 && report[0] !== reportId) return;
    const body = reportId === 0 ? report : report.subarray(1);
    this.#listeners.data(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('write takes a Uint8Array');
    if (bytes.length > this.maxWrite) throw new RangeError(`a HID report carries at most ${this.maxWrite} bytes, got ${bytes.length}`);
    if (this.#closing !== undefined || this.#listeners.closed) return Promise.reject(closedError(this.name));
    const report = Buffer.alloc(1 + this.settings.reportSize);
    report[0] = this.settings.reportId;
    report.set(bytes, 1);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new DriverError('timeout', `the HID device ${this.name} did not take a report within ${this.settings.writeTimeoutMs} ms; the port is closed`));
        void this.close();
      }, this.settings.writeTimeoutMs);
      this.handle.write(report).then(
        (written) => {
          clearTimeout(timer);
          if (written === report.length) resolve();
          else reject(new DriverError('transport-error', `the HID device ${this.name} took ${written} of ${report.length} bytes of a report`));
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(this.#closing !== undefined ? closedError(this.name, error) : writeError(this.name, error));
        },
      );
    });
  }

  onEvent(listener: (event: LinkPortEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#listeners.close();
      // node-hid's close stops its read thread, releases the hidraw descriptor and drops the
      // handle's listeners; it rejects only for a handle already closed, which this guard prevents.
      await this.handle.close();
    })();
    return this.#closing;
  }
}
