/**
 * drivers/hid: the terminal-host link over USB HID reports with the
 * `node-hid` npm package (loaded lazily), and a mimic of node-hid for
 * tests on machines without HID devices.
 * @module
 */
export { openHidLinkPort, type HidDeviceSelector, type HidLinkOptions } from './hid-link-port.js';
export { listHidDevices, type HidDeviceInfo, type ListHidOptions } from './list-hid-devices.js';
export type { NodeHidBinding, NodeHidDeviceInfo, NodeHidHandle } from './node-hid-binding.js';
export { createNodeHidMimic, MimicHidAsync, type MimicHidDevice, type MimicHidDeviceOptions, type NodeHidMimic } from './node-hid-mimic.js';
