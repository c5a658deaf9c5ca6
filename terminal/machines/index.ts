/**
 * `terminal/machines/`: the firmware's statecharts (XState v5, issue 6):
 * a card slot, PIN entry, the CPS session, the device; the CPS data they
 * read, the battery model, the failure reasons they keep, and the Mermaid
 * export of their definitions for the docs.
 * @module
 */
export { slotMachine, slotView, powerCard, watchPresence, type PoweredCard, type SlotContext, type SlotEvent, type SlotInput, type SlotSnapshotLike } from './slot.machine.js';
export { pinMachine, pinView, type PinContext, type PinEvent, type PinInput, type PinOutput, type PinResult, type PinSnapshotLike } from './pin.machine.js';
export { createPinPad, pinPad, readPinStatus, transmitVerify, type PinPadCommand, type PinPadInput, type PinPadReport, type VerifyPin } from './pin-pad.js';
export {
  cpsSessionMachine,
  cpsSessionView,
  dropAuthentication,
  readCps,
  type CpsLapse,
  type CpsSessionContext,
  type CpsSessionEnd,
  type CpsSessionEvent,
  type CpsSessionInput,
  type CpsSessionSnapshotLike,
} from './cps-session.machine.js';
export { deviceMachine, deviceView, MAIN_MENU, type DeviceContext, type DeviceEmitted, type DeviceEvent, type DeviceInput, type DeviceSnapshotLike, type FirmwareInfo, type MenuEntry } from './device.machine.js';
export { allowsCapture, BATTERY_COSTS, BATTERY_LOW_THRESHOLD, batteryPercent, drain, FULL_BATTERY, type Battery, type BatteryOperation } from './battery.js';
export {
  CPS_SITUATION_FILES,
  parseCpsSituation,
  READ_BINARY_ALL,
  READ_SERIAL,
  readCpsCard,
  selectSituationFile,
  type CpsCardData,
  type CpsSituation,
  type CpsSituationReason,
  type PracticeMode,
} from './cps-card.js';
export { cardKindOfAtr } from './card-kind.js';
export { CardOperationError, cardFailureOf, describeFailure, type CardFailure } from './card-failure.js';
