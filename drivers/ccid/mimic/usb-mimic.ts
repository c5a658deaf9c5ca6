/**
 * A mimic of the `usb` 3.1 package (node-usb-rs) for tests, where this
 * machine has no USB bus: the `WebUSB` object (`getDevices()`,
 * `addEventListener('connect' | 'disconnect')` with events whose `device`
 * getter gives the device) and `UsbDevice` (fields, `configuration` built
 * from the configuration descriptor as nusb builds it, `open`, `close`,
 * `selectConfiguration`, `claimInterface`, `releaseInterface`,
 * `controlTransferIn`, `transferIn`, `transferOut`). Results are the
 * objects of usb's `dist/index.js` (`{ data: DataView, status: 'ok' }`,
 * `{ bytesWritten, status: 'ok' }`); failures reject with the errors its
 * native layer throws: an `Error` with `code: 'GenericFailure'` and the
 * message `"<method> error: <nusb error>"` (src/webusb_device.rs), a
 * timed-out transfer being "transferIn error: Cancelled".
 * @module
 */
import type { UsbAlternateLike, UsbConfigurationLike, UsbControlSetup, UsbEndpointLike, UsbInResult, UsbInterfaceLike, UsbOutResult } from '../usb-api.js';

/** usb 3.x's default transfer timeout (dist/index.js DEFAULT_TIMEOUT). */
const DEFAULT_TIMEOUT = 1000;

/** The error napi-rs makes of `napi::Error::from_reason(message)`. */
export function napiError(message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code: 'GenericFailure' });
}

/** What a mimicked device does with its pipes: the software behind the plug. */
export interface UsbFunction {
  /** The device's identity (device descriptor and string descriptors). */
  readonly identity: {
    readonly vendorId: number;
    readonly productId: number;
    readonly manufacturerName: string | null;
    readonly productName: string | null;
    readonly serialNumber: string | null;
  };
  /** The whole configuration descriptor (configuration, interfaces, class and endpoint descriptors). */
  readonly configurationDescriptor: Uint8Array;
  /** Bytes the host wrote to an OUT endpoint (its number). */
  received(endpointNumber: number, data: Uint8Array): void;
  /** Called once by the device: the function queues IN data through `send`. */
  attach(send: (endpointNumber: number, data: Uint8Array) => void): void;
}

/** Build the WebUSB view of a configuration descriptor (as nusb's descriptors iterate it). */
function configurationOf(bytes: Uint8Array): UsbConfigurationLike {
  const interfaces = new Map<number, UsbAlternateLike[]>();
  let current: { alt: UsbAlternateLike; endpoints: UsbEndpointLike[] } | null = null;
  for (let at = 0; at + 2 <= bytes.length && bytes[at]! >= 2; at += bytes[at]!) {
    const type = bytes[at + 1];
    if (type === 0x04) {
      const endpoints: UsbEndpointLike[] = [];
      const alt: UsbAlternateLike = { alternateSetting: bytes[at + 3]!, interfaceClass: bytes[at + 5]!, interfaceSubclass: bytes[at + 6]!, interfaceProtocol: bytes[at + 7]!, interfaceName: null, endpoints };
      current = { alt, endpoints };
      const list = interfaces.get(bytes[at + 2]!) ?? [];
      list.push(alt);
      interfaces.set(bytes[at + 2]!, list);
    } else if (type === 0x05 && current !== null) {
      const address = bytes[at + 2]!;
      const kind = (['control', 'isochronous', 'bulk', 'interrupt'] as const)[bytes[at + 3]! & 0x03]!;
      if (kind !== 'control') {
        current.endpoints.push({ endpointNumber: address & 0x0f, direction: (address & 0x80) !== 0 ? 'in' : 'out', type: kind, packetSize: bytes[at + 4]! | (bytes[at + 5]! << 8) });
      }
    }
  }
  return {
    configurationValue: bytes[5]!,
    configurationName: null,
    interfaces: [...interfaces].map(([interfaceNumber, alternates]): UsbInterfaceLike => ({ interfaceNumber, claimed: false, alternate: alternates[0]!, alternates })),
  };
}

interface PendingIn {
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** A mimic of usb 3.x's `UsbDevice`, backed by a {@link UsbFunction}. */
export class MimicUsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor = 1;
  readonly deviceVersionMinor = 0;
  readonly deviceVersionSubminor = 0;
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 0;
  readonly usbVersionSubminor = 0;
  readonly deviceClass = 0;
  readonly deviceSubclass = 0;
  readonly deviceProtocol = 0;
  readonly bus = '1';
  readonly address: number;
  readonly ports: number[];
  readonly speed = 'full';
  /** Set to make `claimInterface` fail as when another driver (pcscd's libccid) holds it. */
  heldByAnotherDriver = false;
  readonly #function: UsbFunction;
  readonly #configuration: UsbConfigurationLike;
  readonly #claimed = new Set<number>();
  readonly #queues = new Map<number, Uint8Array[]>();
  readonly #waiting = new Map<number, PendingIn[]>();
  #opened = false;
  #connected = true;

  constructor(fn: UsbFunction, address: number) {
    this.#function = fn;
    this.vendorId = fn.identity.vendorId;
    this.productId = fn.identity.productId;
    this.address = address;
    this.ports = [address];
    this.#configuration = configurationOf(fn.configurationDescriptor);
    fn.attach((endpoint, data) => this.#queueIn(endpoint, data));
  }

  /** nusb's device id, Debug-formatted (stable across `getDevices()` calls). */
  get handle(): string {
    return `DeviceId(Bus 1 Device ${this.address})`;
  }
  get manufacturerName(): string | null {
    return this.#function.identity.manufacturerName;
  }
  get productName(): string | null {
    return this.#function.identity.productName;
  }
  get serialNumber(): string | null {
    return this.#function.identity.serialNumber;
  }
  get opened(): boolean {
    return this.#opened;
  }
  get configuration(): UsbConfigurationLike {
    return { ...this.#configuration, interfaces: this.#configuration.interfaces.map((i) => ({ ...i, claimed: this.#claimed.has(i.interfaceNumber) })) };
  }
  get configurations(): UsbConfigurationLike[] {
    return [this.configuration];
  }

  async open(): Promise<void> {
    await Promise.resolve();
    if (!this.#connected) throw napiError('open error: No such device (os error 19)');
    this.#opened = true;
  }

  async close(): Promise<void> {
    await Promise.resolve();
    this.#opened = false;
    this.#claimed.clear();
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    await Promise.resolve();
    if (!this.#opened) throw napiError('selectConfiguration error: invalid state');
    if (configurationValue !== this.#configuration.configurationValue) throw napiError('selectConfiguration error: configuration not found');
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    await Promise.resolve();
    if (!this.#opened) throw napiError('claimInterface error: invalid state');
    if (!this.#connected) throw napiError('claimInterface error: No such device (os error 19)');
    if (this.heldByAnotherDriver) throw napiError('claimInterface error: Device or resource busy (os error 16)');
    this.#claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    await Promise.resolve();
    if (!this.#opened || !this.#claimed.has(interfaceNumber)) throw napiError('releaseInterface error: invalid state');
    this.#claimed.delete(interfaceNumber);
  }

  /** GET_DESCRIPTOR (configuration) is the one control request a CCID function needs; others stall. */
  async controlTransferIn(setup: UsbControlSetup, length: number, _timeout = DEFAULT_TIMEOUT): Promise<UsbInResult> {
    await Promise.resolve();
    if (!this.#opened) throw napiError('controlTransferIn error: invalid state');
    if (!this.#connected) throw napiError('controlTransferIn error: device disconnected');
    if (setup.requestType !== 'standard' || setup.request !== 0x06 || setup.value >> 8 !== 0x02 || (setup.value & 0xff) !== 0) {
      throw napiError('controlTransferIn error: endpoint STALL condition');
    }
    const data = this.#function.configurationDescriptor.slice(0, length);
    return { data: new DataView(data.buffer), status: 'ok' };
  }

  transferIn(endpointNumber: number, length: number, timeout = DEFAULT_TIMEOUT): Promise<UsbInResult> {
    if (!this.#hasEndpoint(endpointNumber, 'in')) return Promise.reject(napiError('transferIn error: endpoint not found'));
    if (!this.#connected) return Promise.reject(napiError('transferIn error: Disconnected'));
    const toResult = (data: Uint8Array): UsbInResult => ({ data: new DataView(data.buffer, data.byteOffset, data.byteLength), status: 'ok' });
    const queued = this.#queues.get(endpointNumber);
    const first = queued?.shift();
    if (first !== undefined) return Promise.resolve(toResult(this.#take(endpointNumber, first, length)));
    return new Promise<UsbInResult>((resolve, reject) => {
      const waiting = this.#waiting.get(endpointNumber) ?? [];
      const entry: PendingIn = {
        resolve: (data) => resolve(toResult(this.#take(endpointNumber, data, length))),
        reject,
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(entry), 1);
          reject(napiError('transferIn error: Cancelled'));
        }, timeout),
      };
      waiting.push(entry);
      this.#waiting.set(endpointNumber, waiting);
    });
  }

  async transferOut(endpointNumber: number, data: Uint8Array, _timeout = DEFAULT_TIMEOUT): Promise<UsbOutResult> {
    await Promise.resolve();
    if (!this.#hasEndpoint(endpointNumber, 'out')) throw napiError('transferOut error: endpoint not found');
    if (!this.#connected) throw napiError('transferOut error: Disconnected');
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.#function.received(endpointNumber, bytes);
    return { bytesWritten: bytes.length, status: 'ok' };
  }

  /** The plug is pulled: pending and later transfers fail as nusb reports it. Used by {@link MimicUsb.unplug}. */
  disconnect(): void {
    this.#connected = false;
    for (const [, waiting] of this.#waiting) {
      for (const w of waiting.splice(0)) {
        clearTimeout(w.timer);
        w.reject(napiError('transferIn error: Disconnected'));
      }
    }
  }

  /** Endpoint lookup as nusb's `get_endpoint`: only on a claimed interface. */
  #hasEndpoint(endpointNumber: number, direction: 'in' | 'out'): boolean {
    return this.#configuration.interfaces.some(
      (i) => this.#claimed.has(i.interfaceNumber) && i.alternate.endpoints.some((e) => e.endpointNumber === endpointNumber && e.direction === direction),
    );
  }

  /** A transfer takes at most `length` bytes (nusb truncates); the rest stays for the next transfer. */
  #take(endpointNumber: number, data: Uint8Array, length: number): Uint8Array {
    if (data.length <= length) return data;
    this.#queues.get(endpointNumber)?.unshift(data.slice(length));
    return data.slice(0, length);
  }

  #queueIn(endpointNumber: number, data: Uint8Array): void {
    if (!this.#connected) return;
    const waiter = this.#waiting.get(endpointNumber)?.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve(data);
      return;
    }
    const queue = this.#queues.get(endpointNumber) ?? [];
    queue.push(data);
    this.#queues.set(endpointNumber, queue);
  }
}

/** usb's `ConnectionEvent`: an Event with a `device` getter. */
export class MimicConnectionEvent extends Event {
  constructor(
    type: 'connect' | 'disconnect',
    readonly device: MimicUsbDevice,
  ) {
    super(type);
  }
}

/**
 * A mimic of usb 3.x's `usb` object (`WebUSB` with `allowAllDevices`):
 * `connect` / `disconnect` listeners get an `Event` whose `device` getter
 * gives the device, as usb's `ConnectionEvent`. `plug` / `unplug` are the
 * test's hands.
 */
export class MimicUsb {
  readonly #target = new EventTarget();
  readonly #wrapped = new Map<(event: MimicConnectionEvent) => void, (event: Event) => void>();
  readonly #devices = new Set<MimicUsbDevice>();
  #address = 1;
  /** Set to make `getDevices()` fail as on a machine without /sys/bus/usb. */
  noBus = false;

  async getDevices(): Promise<MimicUsbDevice[]> {
    await Promise.resolve();
    if (this.noBus) throw napiError('getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
    return [...this.#devices];
  }

  addEventListener(type: 'connect' | 'disconnect', listener: (event: MimicConnectionEvent) => void): void {
    const wrapped = this.#wrapped.get(listener) ?? ((event: Event) => listener(event as MimicConnectionEvent));
    this.#wrapped.set(listener, wrapped);
    this.#target.addEventListener(type, wrapped);
  }

  removeEventListener(type: 'connect' | 'disconnect', listener: (event: MimicConnectionEvent) => void): void {
    const wrapped = this.#wrapped.get(listener);
    if (wrapped !== undefined) this.#target.removeEventListener(type, wrapped);
  }

  /** Plug a function in: a new device, a `connect` event. */
  plug(fn: UsbFunction): MimicUsbDevice {
    const device = new MimicUsbDevice(fn, ++this.#address);
    this.#devices.add(device);
    this.#target.dispatchEvent(new MimicConnectionEvent('connect', device));
    return device;
  }

  /** Pull the plug: transfers fail with Disconnected, a `disconnect` event. */
  unplug(device: MimicUsbDevice): void {
    if (!this.#devices.delete(device)) return;
    device.disconnect();
    this.#target.dispatchEvent(new MimicConnectionEvent('disconnect', device));
  }
}
