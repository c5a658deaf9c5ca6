/**
 * A mimic of `node-hid` 3.4 for tests, where no HID device exists (this
 * machine has no USB bus and no /dev/uhid). It reproduces, from node-hid's
 * nodehid.js and src/HIDAsync.cc and hidapi's linux/hid.c:
 * - `HIDAsync.open(path)` / `open(vendorId, productId)`, rejecting with an
 *   `Error` whose message is node-hid's ("cannot open device with path P:
 *   Failed to open a device with path 'P': No such file or directory");
 * - `write(values)` taking `number[] | Buffer` whose first byte is the
 *   report id, resolving with the bytes written (id included); rejecting
 *   with `TypeError('device has been closed')` after close and
 *   `Error('Cannot write to hid device: No such device')` after unplug;
 * - `read(timeout?)` resolving with a Buffer (empty on timeout);
 * - the `data` event (one Buffer per input report; reading starts when the
 *   first `data` listener is added and stops when the last goes) and the
 *   `error` event, whose payload is a string, as node-hid's read thread
 *   sends it ("could not read from HID device: hid_read_timeout: unexpected
 *   poll error (device disconnected)");
 * - `close()` (a second one rejects `TypeError('device is already closed')`),
 *   `pause()`, `resume()`, `getDeviceInfo()`, `devices()`, `devicesAsync()`;
 * - hidraw's 64-report queue per open handle (newer reports dropped when full).
 * Not reproduced: the synchronous `HID` class, feature reports, `setNonBlocking`.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { LinkPort, LinkPortEvent } from '../core/link-port.js';
import { DriverError } from '../core/errors.js';
import { LinkListeners } from '../serial/link-listeners.js';
import type { NodeHidDeviceInfo } from './node-hid-binding.js';

/** hidraw keeps this many unread reports per open file (linux drivers/hid/hidraw.c HIDRAW_BUFFER_SIZE). */
const HIDRAW_QUEUE = 64;
const DISCONNECTED = 'could not read from HID device: hid_read_timeout: unexpected poll error (device disconnected)';

/** What a mimic device is, when plugged into the mimic's bus. */
export interface MimicHidDeviceOptions {
  readonly vendorId: number;
  readonly productId: number;
  /** hidraw node (default `/dev/hidrawN`, numbered in plugging order). */
  readonly path?: string;
  readonly product?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** Report size without the id (default 64). */
  readonly reportSize?: number;
  /** Report id of the device's reports, 0 (default) when it does not number them. */
  readonly reportId?: number;
  /** False makes every open fail with EACCES, as a hidraw node without a udev rule. */
  readonly accessible?: boolean;
}

interface Plugged {
  readonly info: NodeHidDeviceInfo;
  readonly reportSize: number;
  readonly reportId: number;
  readonly accessible: boolean;
  readonly handles: Set<MimicHidAsync>;
  present: boolean;
  /** Output reports to the device's firmware. */
  readonly firmware: LinkListeners;
}

/** The mimic's `HIDAsync`: one open handle. */
export class MimicHidAsync extends EventEmitter {
  readonly #device: Plugged;
  #closed = false;
  #reading = false;
  readonly #queue: Buffer[] = [];
  #waiting: ((report: Buffer) => void) | undefined;

  /** @internal Use {@link NodeHidMimic.HIDAsync.open}. */
  constructor(device: Plugged) {
    super();
    this.#device = device;
    this.on('newListener', (event: string) => {
      if (event === 'data') process.nextTick(() => this.resume());
    });
    this.on('removeListener', (event: string) => {
      if (event === 'data' && this.listenerCount('data') === 0) process.nextTick(() => this.pause());
    });
  }

  /** @internal An input report from the device, as hidraw hands it over (id first when numbered). */
  deliver(report: Buffer): void {
    if (this.#closed) return;
    if (this.#waiting !== undefined) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting(report);
    } else if (this.#queue.length < HIDRAW_QUEUE) {
      this.#queue.push(report);
    }
    this.#drain();
  }

  /** @internal The device was unplugged: a running read reports it once and stops. */
  unplugged(): void {
    if (this.#reading && !this.#closed) {
      this.#reading = false;
      setImmediate(() => this.emit('error', DISCONNECTED));
    }
  }

  #drain(): void {
    if (!this.#reading) return;
    setImmediate(() => {
      while (this.#reading && !this.#closed && this.#queue.length > 0) this.emit('data', this.#queue.shift());
    });
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (this.#closed) throw new TypeError('device has been closed');
    let message: Buffer;
    if (Buffer.isBuffer(values)) message = Buffer.from(values);
    else if (Array.isArray(values)) {
      if (!values.every((v) => typeof v === 'number')) throw new TypeError('unexpected array element in array to send, expecting only integers');
      message = Buffer.from(values);
    } else throw new TypeError('unexpected data to send, expecting an array or buffer');
    await new Promise((resolve) => setImmediate(resolve));
    if (message.length === 0) throw new Error('Cannot write to hid device: Zero buffer/length');
    if (!this.#device.present) throw new Error('Cannot write to hid device: No such device');
    // usbhid drops a zero report id before the transfer; a numbered report keeps it.
    const body = message[0] === 0 ? message.subarray(1) : message;
    const packetSize = this.#device.reportSize + (this.#device.reportId === 0 ? 0 : 1);
    for (let at = 0; at < body.length; at += packetSize) {
      const packet = body.subarray(at, at + packetSize);
      this.#device.firmware.data(new Uint8Array(packet));
    }
    return message.length;
  }

  async read(timeOut?: number): Promise<Buffer> {
    if (this.#closed) throw new TypeError('device has been closed');
    if (this.#reading) throw new TypeError('Cannot use read while async read is running');
    if (timeOut !== undefined && typeof timeOut !== 'number') throw new TypeError('time out parameter must be a number');
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    if (!this.#device.present) throw new Error('could not read data from device: hid_read_timeout: unexpected poll error (device disconnected)');
    return new Promise<Buffer>((resolve) => {
      const timer = timeOut === undefined ? undefined : setTimeout(() => {
        this.#waiting = undefined;
        resolve(Buffer.alloc(0));
      }, timeOut);
      this.#waiting = (report) => {
        clearTimeout(timer);
        resolve(report);
      };
    });
  }

  pause(): void {
    this.#reading = false;
  }

  resume(): void {
    if (this.listenerCount('data') === 0 || this.#closed) return;
    if (this.#reading) throw new TypeError('read is already running');
    if (!this.#device.present) {
      setImmediate(() => this.emit('error', DISCONNECTED));
      return;
    }
    this.#reading = true;
    this.#drain();
  }

  async getDeviceInfo(): Promise<NodeHidDeviceInfo> {
    if (this.#closed) throw new TypeError('device has been closed');
    return { ...this.#device.info };
  }

  async close(): Promise<void> {
    if (this.#closed) throw new TypeError('device is already closed');
    this.#closed = true;
    this.#reading = false;
    this.#device.handles.delete(this);
    await new Promise((resolve) => setImmediate(resolve));
    this.removeAllListeners();
  }

  /** @internal Whether this handle is still open (for leak checks). */
  get isOpen(): boolean {
    return !this.#closed;
  }
}

/** A device plugged into the mimic's bus, seen from its firmware's side. */
export interface MimicHidDevice {
  readonly info: NodeHidDeviceInfo;
  /**
   * The device's end of the link, for the test: `write` sends one input
   * report (zero-padded to the report size), `data` events are the output
   * reports the host wrote (without the report id byte when unnumbered).
   * `close()` unplugs the device.
   */
  readonly link: LinkPort;
  /** Handles the host has open on it now. */
  openHandles(): number;
  /** Pull the device out: reads fail with node-hid's disconnection error, writes with ENODEV. */
  unplug(): void;
}

/** The mimic module: `HIDAsync`, `devices`, `devicesAsync`, plus the test's `plug`. */
export interface NodeHidMimic {
  readonly HIDAsync: {
    open(path: string): Promise<MimicHidAsync>;
    open(vendorId: number, productId: number): Promise<MimicHidAsync>;
  };
  devices(): NodeHidDeviceInfo[];
  devicesAsync(): Promise<NodeHidDeviceInfo[]>;
  /** Plug a device in; it is listed and can be opened until unplugged. */
  plug(options: MimicHidDeviceOptions): MimicHidDevice;
}

/** A fresh mimic of `node-hid` with an empty bus. */
export function createNodeHidMimic(): NodeHidMimic {
  const bus: Plugged[] = [];
  let next = 0;
  const present = (): Plugged[] => bus.filter((d) => d.present);

  async function open(...args: [string] | [number, number]): Promise<MimicHidAsync> {
    await new Promise((resolve) => setImmediate(resolve));
    if (typeof args[0] === 'string') {
      const path = args[0];
      const device = present().find((d) => d.info.path === path);
      if (device === undefined) throw new Error(`cannot open device with path ${path}: Failed to open a device with path '${path}': No such file or directory`);
      if (!device.accessible) throw new Error(`cannot open device with path ${path}: Failed to open a device with path '${path}': Permission denied`);
      return attach(device);
    }
    const [vendorId, productId] = args as [number, number];
    if (!Number.isInteger(vendorId) || !Number.isInteger(productId)) throw new TypeError('VendorId and ProductId must be integers');
    const matching = present().filter((d) => d.info.vendorId === vendorId && d.info.productId === productId);
    const prefix = `cannot open device with vendor id 0x${vendorId.toString(16)} and product id 0x${productId.toString(16)}`;
    const device = matching[0];
    if (device === undefined) throw new Error(`${prefix}: No HID devices with requested VID/PID found in the system.`);
    if (!device.accessible) throw new Error(`${prefix}: Failed to open a device with path '${String(device.info.path)}': Permission denied`);
    return attach(device);
  }

  function attach(device: Plugged): MimicHidAsync {
    const handle = new MimicHidAsync(device);
    device.handles.add(handle);
    return handle;
  }

  function plug(options: MimicHidDeviceOptions): MimicHidDevice {
    const reportSize = options.reportSize ?? 64;
    const reportId = options.reportId ?? 0;
    const info: NodeHidDeviceInfo = {
      vendorId: options.vendorId,
      productId: options.productId,
      path: options.path ?? `/dev/hidraw${next++}`,
      serialNumber: options.serialNumber ?? '',
      manufacturer: options.manufacturer ?? '',
      product: options.product ?? '',
      release: 0x0100,
      interface: 0,
      usagePage: 0xff00,
      usage: 1,
    };
    const device: Plugged = { info, reportSize, reportId, accessible: options.accessible ?? true, handles: new Set(), present: true, firmware: new LinkListeners(() => undefined) };
    bus.push(device);
    const unplug = (): void => {
      if (!device.present) return;
      device.present = false;
      for (const handle of device.handles) handle.unplugged();
      device.firmware.close();
    };
    const link: LinkPort = {
      kind: 'hid-device',
      maxWrite: reportSize,
      write: async (bytes) => {
        if (bytes.length > reportSize) throw new RangeError(`a report carries at most ${reportSize} bytes`);
        if (!device.present) throw new DriverError('closed', `the mimic HID device ${String(info.path)} is unplugged`);
        // A device sends one input report per interrupt-IN poll of the host: yield like a USB frame.
        await new Promise((resolve) => setImmediate(resolve));
        const report = Buffer.alloc(reportSize + (reportId === 0 ? 0 : 1));
        if (reportId !== 0) report[0] = reportId;
        report.set(bytes, reportId === 0 ? 0 : 1);
        for (const handle of device.handles) handle.deliver(Buffer.from(report));
      },
      onEvent: (listener: (event: LinkPortEvent) => void) => device.firmware.add(listener),
      close: async () => unplug(),
    };
    return { info, link, unplug, openHandles: () => device.handles.size };
  }

  return {
    HIDAsync: { open: open as NodeHidMimic['HIDAsync']['open'] },
    devices: () => present().map((d) => ({ ...d.info })),
    devicesAsync: async () => present().map((d) => ({ ...d.info })),
    plug,
  };
}
