/**
 * The part of the `usb` 3.x package (node-usb-rs, a WebUSB-style API over
 * the Rust `nusb` crate) that the CCID driver uses, as structural types,
 * the lazy loader, and the mapping of its errors to {@link DriverError}.
 *
 * The real module and the mimic of `mimic/usb-mimic.ts` both satisfy
 * {@link UsbLike}; nothing else of the package is relied on.
 * @module
 */
import { DriverError, type DriverErrorCode } from '../core/errors.js';

/** An endpoint of an alternate setting (usb `UsbEndpoint`). */
export interface UsbEndpointLike {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

/** An alternate setting (usb `UsbAlternateInterface`). */
export interface UsbAlternateLike {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly interfaceName?: string | null | undefined;
  readonly endpoints: readonly UsbEndpointLike[];
}

/** An interface (usb `UsbInterface`). */
export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly claimed: boolean;
  readonly alternate: UsbAlternateLike;
  readonly alternates: readonly UsbAlternateLike[];
}

/** A configuration (usb `UsbConfiguration`). */
export interface UsbConfigurationLike {
  readonly configurationValue: number;
  readonly configurationName?: string | null | undefined;
  readonly interfaces: readonly UsbInterfaceLike[];
}

/** The setup of a control transfer (WebUSB `USBControlTransferParameters`). */
export interface UsbControlSetup {
  readonly requestType: 'standard' | 'class' | 'vendor';
  readonly recipient: 'device' | 'interface' | 'endpoint' | 'other';
  readonly request: number;
  readonly value: number;
  readonly index: number;
}

/** What `transferIn` / `controlTransferIn` resolve with (WebUSB `USBInTransferResult`). */
export interface UsbInResult {
  readonly data?: DataView | undefined;
  readonly status: 'ok' | 'stall' | 'babble';
}

/** What `transferOut` resolves with (WebUSB `USBOutTransferResult`). */
export interface UsbOutResult {
  readonly bytesWritten: number;
  readonly status: 'ok' | 'stall' | 'babble';
}

/**
 * A device (usb `UsbDevice` with the WebUSB methods of `dist/index.js`).
 * The third argument of the transfers is usb 3.x's timeout in ms
 * (default 1000); a transfer that times out rejects with
 * "transferIn error: Cancelled".
 */
export interface UsbDeviceLike {
  /** usb 3.x's stable id of the device (each `getDevices()` call makes new objects for the same device). */
  readonly handle?: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName: string | null | undefined;
  readonly productName: string | null | undefined;
  readonly serialNumber: string | null | undefined;
  readonly opened: boolean;
  readonly configuration: UsbConfigurationLike | null | undefined;
  readonly configurations: readonly UsbConfigurationLike[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  controlTransferIn(setup: UsbControlSetup, length: number, timeout?: number): Promise<UsbInResult>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<UsbInResult>;
  transferOut(endpointNumber: number, data: Uint8Array, timeout?: number): Promise<UsbOutResult>;
}

/** The `connect` / `disconnect` event of usb's `WebUSB` (its `device` getter). */
export interface UsbConnectionEventLike {
  readonly device: UsbDeviceLike;
}

/** The `usb` object of usb 3.x (`import { usb } from 'usb'`), or a mimic of it. */
export interface UsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void;
}

/** Load `usb` at first use; a failed load is `not-installed` naming what to install. */
export async function loadUsb(): Promise<UsbLike> {
  try {
    const module = (await import('usb')) as unknown as { usb: UsbLike };
    return module.usb;
  } catch (error) {
    throw new DriverError(
      'not-installed',
      'the USB CCID driver needs the npm package usb 3.x (an optionalDependency: run npm install usb); its prebuilt binary needs Linux with glibc, macOS or Windows',
      { cause: error },
    );
  }
}

/** How each native error of node-usb-rs (`"<method> error: <nusb error>"`) maps to a code and plain words. */
const NATIVE_ERRORS: readonly (readonly [RegExp, DriverErrorCode, string])[] = [
  [/\/sys\/bus\/usb\/devices\/? not found/i, 'no-service', 'this machine has no USB bus (/sys/bus/usb/devices/ not found): plug a reader into a machine with USB, or use the mimic of drivers/ccid/mimic in tests'],
  [/Disconnected|device disconnected|No such device/i, 'reader-gone', 'the USB reader was unplugged'],
  [/Cancelled|cancelled|timed out/i, 'timeout', 'the USB reader did not answer in time'],
  [/Permission denied|Access denied|EACCES/i, 'transport-error', 'no permission to open the USB reader: install the udev rule of drivers/ccid/README.md or run as a member of the plugdev group'],
  [/Busy|EBUSY|claimed/i, 'sharing-violation', 'another driver holds the reader\'s interface (pcscd\'s libccid?): stop pcscd, or detach its kernel driver'],
  [/STALL|Stall/, 'protocol-error', 'the USB reader stalled the endpoint (it refused the transfer)'],
];

/**
 * Turn anything the `usb` module rejected with into a DriverError whose
 * message says what happened in plain words; the native error is the cause.
 */
export function fromUsbError(error: unknown, what: string): DriverError {
  if (error instanceof DriverError) return error;
  const text = error instanceof Error ? error.message : String(error);
  for (const [pattern, code, words] of NATIVE_ERRORS) {
    if (pattern.test(text)) return new DriverError(code, `${what}: ${words} (${text})`, { cause: error });
  }
  return new DriverError('transport-error', `${what}: the USB layer failed (${text})`, { cause: error });
}
