/**
 * Which HID devices this machine has (node-hid `devicesAsync()`, hidapi's
 * enumeration of hidraw nodes through udev on Linux).
 * @module
 */
import { DriverError } from '../core/errors.js';
import { loadNodeHid, type NodeHidBinding, type NodeHidDeviceInfo } from './node-hid-binding.js';

/** One HID interface of a device. */
export interface HidDeviceInfo {
  /** The hidraw node to open (`/dev/hidraw0`), when node-hid reports one. */
  readonly path?: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly product?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** HID usage page and usage of the top-level collection (a vendor page is 0xFF00 to 0xFFFF). */
  readonly usagePage?: number;
  readonly usage?: number;
  /** USB interface number. */
  readonly interface: number;
}

/** Options of {@link listHidDevices}. */
export interface ListHidOptions {
  /** Keep only this vendor's devices. */
  readonly vendorId?: number;
  readonly productId?: number;
  /** The node-hid module to use (default: `node-hid`, imported at first use). */
  readonly binding?: NodeHidBinding;
}

/** List HID interfaces; rejects `not-installed` without node-hid, `transport-error` when enumeration fails. */
export async function listHidDevices(options: ListHidOptions = {}): Promise<HidDeviceInfo[]> {
  const binding = options.binding ?? (await loadNodeHid());
  let devices: NodeHidDeviceInfo[];
  try {
    devices = await binding.devicesAsync();
  } catch (cause) {
    throw new DriverError('transport-error', `listing HID devices failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return devices
    .filter((d) => (options.vendorId === undefined || d.vendorId === options.vendorId) && (options.productId === undefined || d.productId === options.productId))
    .map((d) => ({
      vendorId: d.vendorId,
      productId: d.productId,
      interface: d.interface,
      ...(d.path === undefined ? {} : { path: d.path }),
      ...(d.product === undefined ? {} : { product: d.product }),
      ...(d.manufacturer === undefined ? {} : { manufacturer: d.manufacturer }),
      ...(d.serialNumber === undefined ? {} : { serialNumber: d.serialNumber }),
      ...(d.usagePage === undefined ? {} : { usagePage: d.usagePage }),
      ...(d.usage === undefined ? {} : { usage: d.usage }),
    }));
}
