/**
 * The part of `node-hid` 3.4 that this driver uses, as a structural type
 * (the real module and the mimic both satisfy it), and its lazy loader.
 * @module
 */
import { DriverError } from '../core/errors.js';

/** A device as `devices()` / `devicesAsync()` describe it (node-hid `Device`). */
export interface NodeHidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release: number;
  interface: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** An open `HIDAsync` handle. `error` events carry a string (node-hid's read thread) or an Error. */
export interface NodeHidHandle {
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** `import('node-hid')` as this driver needs it. */
export interface NodeHidBinding {
  readonly HIDAsync: {
    open(path: string): Promise<NodeHidHandle>;
    open(vendorId: number, productId: number): Promise<NodeHidHandle>;
  };
  devicesAsync(): Promise<NodeHidDeviceInfo[]>;
}

let loading: Promise<NodeHidBinding> | undefined;

/** Import `node-hid` once; a failed load is a `not-installed` DriverError naming what to install. */
export function loadNodeHid(): Promise<NodeHidBinding> {
  loading ??= import('node-hid').then(
    (module): NodeHidBinding => module,
    (cause: unknown) => {
      loading = undefined;
      throw new DriverError(
        'not-installed',
        'the node-hid npm package (3.x) is not installed or its native binding did not load: run npm install node-hid (building it needs the Debian packages libudev-dev and libusb-1.0-0-dev)',
        { cause },
      );
    },
  );
  return loading;
}
