/**
 * The one place that loads the `serialport` npm package, lazily at first
 * use, so that `npm start` never needs its native binding.
 * @module
 */
import { DriverError } from '../core/errors.js';

/** The `serialport` module as this driver uses it. */
export type SerialPortModule = typeof import('serialport');

let loading: Promise<SerialPortModule> | undefined;

/** Import `serialport` once; a failed load is a `not-installed` DriverError naming the package. */
export function loadSerialPort(): Promise<SerialPortModule> {
  loading ??= import('serialport').catch((cause: unknown) => {
    loading = undefined;
    throw new DriverError(
      'not-installed',
      'the serialport npm package (13.x) is not installed or its native binding did not load: run npm install serialport',
      { cause },
    );
  });
  return loading;
}
