/**
 * `terminal/firmware/`: the composed firmware (issue 6): the device, the
 * two slots, the CPS session and its PIN entry, the visit capture, the lot
 * run and the host link running together under one parent statechart, and
 * `createFirmware`, the running terminal.
 * @module
 */
export {
  cardPresent,
  countStore,
  firmwareMachine,
  hostServing,
  prepareCapture,
  prepareLots,
  type CapturePreparation,
  type CaptureRefusal,
  type FirmwareContext,
  type FirmwareEvent,
  type FirmwareMachineInput,
  type LotsPreparation,
  type PreparedCapture,
  type StorageStatus,
  type StoreCount,
  type TransferPhase,
} from './firmware.machine.js';
export { CPS_TAKES_KEYS, cpsSessionIn, keyTarget, lotsNeedPin, type KeyTarget } from './key-routing.js';
export { firmwareDisplay, heldLine, visitOutcomeView } from './firmware-view.js';
export { watchChildren, type ChildReport, type SlotName, type WatchedChildren } from './watch-children.js';
export { captureWork, lotsWork, watchWork, type SlotWork, type WatchedWork, type WorkReport } from './watch-work.js';
export { continueInvoicesFrom, INVOICE_SETTING, invoiceNumberAfter, nextInvoiceNumber } from './invoice-counter.js';
export { ADOPTED_SETTING, adoptReleasedQuarantines } from './quarantine-adoption.js';
export { countHeld, countStoreService, hostService, prepareCaptureService, prepareLotsService, type FirmwareWorld, type HostService, type QuarantineService } from './firmware-services.js';
export {
  createFirmware,
  EARLIEST_PLAUSIBLE_TIME,
  isoDay,
  type DeviceIdentity,
  type Firmware,
  type FirmwareClock,
  type FirmwareInputEvent,
  type FirmwareOptions,
  type FirmwareState,
} from './create-firmware.js';
