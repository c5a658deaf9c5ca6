/**
 * Which serial devices this machine has. `serialport`'s `SerialPort.list()`
 * reads udev's database through the `udevadm` program; where that is
 * missing (containers, minimal systems) the list degrades to a scan of
 * /dev for the names USB serial devices get, and says so.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { isDriverError } from '../core/errors.js';
import { loadSerialPort } from './load-serialport.js';

/** One serial device. Only `path` is certain; the USB ids come from udev. */
export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** USB vendor id, 4 hex digits, when udev knows it. */
  readonly vendorId?: string;
  readonly productId?: string;
}

/** What {@link listSerialPorts} found, and how. */
export interface SerialPortListing {
  readonly ports: readonly SerialPortInfo[];
  /** `udev`: `SerialPort.list()` worked; `dev-scan`: names matched in /dev, no USB ids. */
  readonly source: 'udev' | 'dev-scan';
  /** Why the list fell back to a scan, in plain words. */
  readonly note?: string;
}

/** Device names of USB CDC ACM terminals and USB-UART bridges (Linux). */
const USB_SERIAL_NAME = /^tty(ACM|USB)\d+$/;

/**
 * List serial devices: through `SerialPort.list()` when udev answers,
 * else by scanning /dev for ttyACM* and ttyUSB*, with a `note` saying why.
 * Never rejects for a missing udevadm or serialport; rejects only when /dev
 * itself cannot be read.
 */
export async function listSerialPorts(devDir = '/dev'): Promise<SerialPortListing> {
  let note: string;
  try {
    const { SerialPort } = await loadSerialPort();
    const ports = await SerialPort.list();
    return { source: 'udev', ports: ports.map(toInfo) };
  } catch (error) {
    if (isDriverError(error, 'not-installed')) note = `${error.message}; listed by scanning ${devDir} instead`;
    else if (isSpawnMissing(error)) note = `udevadm is not installed (Debian package udev), so USB ids are unknown; listed by scanning ${devDir}/ttyACM* and ${devDir}/ttyUSB*`;
    else note = `SerialPort.list() failed (${error instanceof Error ? error.message : String(error)}); listed by scanning ${devDir}/ttyACM* and ${devDir}/ttyUSB*`;
  }
  const names = await readdir(devDir);
  const ports = names.filter((name) => USB_SERIAL_NAME.test(name)).sort().map((name) => ({ path: `${devDir}/${name}` }));
  return { source: 'dev-scan', ports, note };
}

function isSpawnMissing(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT' && /udevadm/.test(error.message);
}

function toInfo(port: { path: string; manufacturer: string | undefined; serialNumber: string | undefined; vendorId: string | undefined; productId: string | undefined }): SerialPortInfo {
  return {
    path: port.path,
    ...(port.manufacturer === undefined ? {} : { manufacturer: port.manufacturer }),
    ...(port.serialNumber === undefined ? {} : { serialNumber: port.serialNumber }),
    ...(port.vendorId === undefined ? {} : { vendorId: port.vendorId }),
    ...(port.productId === undefined ? {} : { productId: port.productId }),
  };
}
