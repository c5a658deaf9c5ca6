/**
 * `terminal/firmware/`: the composed firmware (issue 6): the device, the
 * two slots, the CPS session and its PIN entry running together under one
 * parent statechart, and `createFirmware`, the running terminal.
 * @module
 */
export {
  cardPresent,
  cpsSessionIn,
  firmwareMachine,
  hostTransfer,
  keyTarget,
  visitCapture,
  type CaptureHookInput,
  type CaptureRefusal,
  type FirmwareContext,
  type FirmwareEvent,
  type FirmwareMachineInput,
  type KeyTarget,
  type StorageStatus,
} from './firmware.machine.js';
export { firmwareDisplay } from './firmware-view.js';
export { watchChildren, type ChildReport, type SlotName, type WatchedChildren } from './watch-children.js';
export {
  createFirmware,
  EARLIEST_PLAUSIBLE_TIME,
  isoDay,
  type DeviceIdentity,
  type Firmware,
  type FirmwareClock,
  type FirmwareHooks,
  type FirmwareInputEvent,
  type FirmwareOptions,
  type FirmwareState,
} from './create-firmware.js';
