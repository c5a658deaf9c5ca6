/**
 * Finding a CCID interface: the standard configuration descriptor, read
 * with GET_DESCRIPTOR (USB 2.0 §9.4.3, §9.6.3), holds the Smart Card
 * class descriptor (USB CCID Rev 1.1 §5.1, type 21h) after the interface
 * descriptor of class 0Bh. WebUSB does not expose class descriptors, so
 * the driver reads the whole configuration and walks it here.
 * @module
 */
import { CCID_DESCRIPTOR_TYPE, parseCcidClassDescriptor, type CcidClassDescriptor } from '../../protocol/index.js';
import { DriverError } from '../core/errors.js';
import { fromUsbError, type UsbDeviceLike, type UsbEndpointLike } from './usb-api.js';

/** bInterfaceClass of a Smart Card Device Class interface (CCID §4.3). */
export const CCID_INTERFACE_CLASS = 0x0b;
const DESCRIPTOR_INTERFACE = 0x04;
const DESCRIPTOR_CONFIGURATION = 0x02;
const GET_DESCRIPTOR = 0x06;
const CONFIGURATION_HEADER = 9;
const CONTROL_TIMEOUT_MS = 1000;

/** A CCID interface's class descriptor, by interface number and alternate setting. */
export interface CcidInterfaceDescriptor {
  readonly interfaceNumber: number;
  readonly alternateSetting: number;
  readonly descriptor: CcidClassDescriptor;
}

/**
 * Walk a configuration descriptor (wTotalLength bytes) and return the
 * class descriptor of each CCID interface. A descriptor that runs past
 * the end, or a CCID interface without a valid class descriptor, is a
 * `protocol-error`. Like libccid, the class descriptor may sit anywhere
 * among the interface's descriptors (some readers put it after the
 * endpoints).
 */
export function ccidInterfacesOf(configuration: Uint8Array): CcidInterfaceDescriptor[] {
  const found: CcidInterfaceDescriptor[] = [];
  let current: { interfaceNumber: number; alternateSetting: number; ccid: boolean; done: boolean } | null = null;
  for (let at = 0; at < configuration.length; ) {
    const length = configuration[at]!;
    const type = configuration[at + 1];
    if (length < 2 || type === undefined || at + length > configuration.length) {
      throw new DriverError('protocol-error', `the reader's configuration descriptor is malformed at byte ${at}`);
    }
    if (type === DESCRIPTOR_INTERFACE && length >= 9) {
      finish(current);
      current = { interfaceNumber: configuration[at + 2]!, alternateSetting: configuration[at + 3]!, ccid: configuration[at + 5] === CCID_INTERFACE_CLASS, done: false };
    } else if (type === CCID_DESCRIPTOR_TYPE && current?.ccid === true && !current.done) {
      const parsed = parseCcidClassDescriptor(configuration.subarray(at, at + length));
      if (!parsed.ok) throw new DriverError('protocol-error', `the reader's CCID class descriptor is invalid: ${parsed.error.message}`);
      found.push({ interfaceNumber: current.interfaceNumber, alternateSetting: current.alternateSetting, descriptor: parsed.value });
      current.done = true;
    }
    at += length;
  }
  finish(current);
  return found;

  function finish(i: typeof current): void {
    if (i?.ccid === true && !i.done) {
      throw new DriverError('protocol-error', `CCID interface ${i.interfaceNumber} has no class descriptor (type 21h)`);
    }
  }
}

/** The index of the active configuration among the device's configurations (GET_DESCRIPTOR takes an index, not a value). */
function configurationIndex(device: UsbDeviceLike): number {
  const value = device.configuration?.configurationValue;
  const index = device.configurations.findIndex((c) => c.configurationValue === value);
  return Math.max(index, 0);
}

async function getConfiguration(device: UsbDeviceLike, length: number): Promise<Uint8Array> {
  const setup = { requestType: 'standard', recipient: 'device', request: GET_DESCRIPTOR, value: (DESCRIPTOR_CONFIGURATION << 8) | configurationIndex(device), index: 0 } as const;
  let result;
  try {
    result = await device.controlTransferIn(setup, length, CONTROL_TIMEOUT_MS);
  } catch (error) {
    throw fromUsbError(error, 'reading the configuration descriptor');
  }
  if (result.status !== 'ok' || result.data === undefined) {
    throw new DriverError('protocol-error', `the reader refused GET_DESCRIPTOR (configuration): ${result.status}`);
  }
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
}

/** Read the device's whole configuration descriptor: the 9-byte header first, then wTotalLength bytes. */
export async function readConfigurationDescriptor(device: UsbDeviceLike): Promise<Uint8Array> {
  const header = await getConfiguration(device, CONFIGURATION_HEADER);
  if (header.length < 4 || header[1] !== DESCRIPTOR_CONFIGURATION) {
    throw new DriverError('protocol-error', 'the reader answered GET_DESCRIPTOR (configuration) with something else');
  }
  const total = header[2]! | (header[3]! << 8);
  const whole = await getConfiguration(device, total);
  if (whole.length !== total) throw new DriverError('protocol-error', `the configuration descriptor has ${whole.length} bytes, wTotalLength says ${total}`);
  return whole;
}

/** The three pipes of a CCID interface (CCID §3.2: bulk-out, bulk-in, optional interrupt-in). */
export interface CcidEndpoints {
  readonly bulkIn: UsbEndpointLike;
  readonly bulkOut: UsbEndpointLike;
  readonly interruptIn: UsbEndpointLike | null;
}

/** Pick the CCID endpoints of an interface's alternate setting; a missing bulk pipe is a `protocol-error`. */
export function ccidEndpoints(endpoints: readonly UsbEndpointLike[]): CcidEndpoints {
  const find = (direction: 'in' | 'out', type: 'bulk' | 'interrupt') => endpoints.find((e) => e.direction === direction && e.type === type) ?? null;
  const bulkIn = find('in', 'bulk');
  const bulkOut = find('out', 'bulk');
  if (bulkIn === null || bulkOut === null) throw new DriverError('protocol-error', 'the CCID interface lacks a bulk-in or bulk-out endpoint');
  return { bulkIn, bulkOut, interruptIn: find('in', 'interrupt') };
}
