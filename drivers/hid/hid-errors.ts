/**
 * Plain-words DriverErrors for what `node-hid` (hidapi on Linux hidraw)
 * reports: its messages wrap hidapi's, which carry the errno text.
 * @module
 */
import { DriverError } from '../core/errors.js';

function text(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A failed `HIDAsync.open`, mapped to a code with advice. */
export function openError(device: string, cause: unknown): DriverError {
  const message = text(cause);
  if (/No such file or directory|not found|No HID devices/i.test(message)) {
    return new DriverError('not-found', `no HID device ${device}: is the terminal plugged in? (listHidDevices() shows what is there)`, { cause });
  }
  if (/Permission denied/i.test(message)) {
    return new DriverError(
      'transport-error',
      `permission denied on HID device ${device}: install a udev rule giving your user access to its hidraw node (see drivers/hid/README.md)`,
      { cause },
    );
  }
  if (/not a HIDRAW device/i.test(message)) {
    return new DriverError('not-supported', `${device} is not a hidraw device`, { cause });
  }
  return new DriverError('transport-error', `cannot open HID device ${device}: ${message}`, { cause });
}

/** The device went away (node-hid's read thread or a write said so). */
export function goneError(device: string, cause: unknown): DriverError {
  return new DriverError('reader-gone', `the HID device ${device} went away (${text(cause)})`, { cause });
}

/** A failed write on a device that is still there as far as we know. */
export function writeError(device: string, cause: unknown): DriverError {
  const message = text(cause);
  if (/device has been closed/i.test(message)) return closedError(device, cause);
  if (/No such device|disconnected/i.test(message)) return goneError(device, cause);
  return new DriverError('transport-error', `writing to HID device ${device} failed: ${message}`, { cause });
}

/** A call on a port that is closed. */
export function closedError(device: string, cause?: unknown): DriverError {
  return new DriverError('closed', `the HID port to ${device} is closed`, cause === undefined ? undefined : { cause });
}
