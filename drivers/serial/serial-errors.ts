/**
 * Plain-words DriverErrors for what `serialport` and the Linux tty layer
 * report (errno text inside the binding's messages).
 * @module
 */
import { DriverError } from '../core/errors.js';

/** A failed open of `path`, mapped to a DriverError code with advice. */
export function openError(path: string, cause: unknown): DriverError {
  const text = cause instanceof Error ? cause.message : String(cause);
  if (/No such file or directory/i.test(text)) {
    return new DriverError('not-found', `no serial device at ${path}: is the terminal plugged in? (see ls /dev/ttyACM* /dev/ttyUSB*)`, { cause });
  }
  if (/Permission denied/i.test(text)) {
    return new DriverError(
      'transport-error',
      `permission denied on ${path}: add your user to the dialout group (sudo usermod -aG dialout $USER, then log in again) or install a udev rule for the terminal`,
      { cause },
    );
  }
  if (/Cannot lock port|Resource temporarily unavailable|busy/i.test(text)) {
    return new DriverError('sharing-violation', `${path} is held by another program (serial ports are opened exclusively): close it and retry`, { cause });
  }
  if (/Inappropriate ioctl/i.test(text)) {
    return new DriverError('not-supported', `${path} is not a serial device (it refused the line settings)`, { cause });
  }
  return new DriverError('transport-error', `cannot open the serial device ${path}: ${text}`, { cause });
}

/** The device went away under an open port (unplugged, or the far end of a pty hung up). */
export function goneError(path: string, cause: unknown): DriverError {
  return new DriverError('reader-gone', `the serial device ${path} went away (unplugged, or its far end hung up)`, { cause });
}

/** A call on a port that is closed. */
export function closedError(path: string, cause?: unknown): DriverError {
  return new DriverError('closed', `the serial port ${path} is closed`, cause === undefined ? undefined : { cause });
}
