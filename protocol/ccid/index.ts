/**
 * USB CCID (Smart Card Device Class, Rev 1.1): bulk-out commands, bulk-in
 * responses, interrupt-in notifications and the class descriptor, as
 * pure byte-exact codecs.
 * @module
 */
export {
  CCID_HEADER_LENGTH,
  CCID_MAX_DATA_LENGTH,
  type CcidReason,
} from './wire.js';
export {
  ccidCommandCodec,
  encodeCcidCommand,
  parseCcidCommand,
  parseCcidCommandPrefix,
  PC_TO_RDR,
  type BareCommand,
  type CcidAddress,
  type CcidCommand,
  type CcidCommandType,
  type EscapeCommand,
  type IccClockCommand,
  type IccPowerOnCommand,
  type MechanicalCommand,
  type MechanicalFunction,
  type PowerSelect,
  type SecureCommand,
  type SecureContinuation,
  type SetDataRateAndClockFrequencyCommand,
  type SetParametersCommand,
  type T0ApduCommand,
  type XfrBlockCommand,
} from './command.js';
export {
  ccidResponseCodec,
  encodeCcidResponse,
  parseCcidResponse,
  parseCcidResponsePrefix,
  RDR_TO_PC,
  type CcidResponse,
  type CcidResponseBase,
  type CcidResponseType,
  type ClockStatus,
  type DataBlockResponse,
  type DataRateAndClockFrequencyResponse,
  type EscapeResponse,
  type ParametersResponse,
  type SlotStatusResponse,
} from './response.js';
export {
  ccidInterruptCodec,
  encodeCcidInterrupt,
  parseCcidInterrupt,
  RDR_TO_PC_INTERRUPT,
  type CcidInterrupt,
  type HardwareError,
  type NotifySlotChange,
  type SlotChange,
} from './interrupt.js';
export {
  decodeSlotStatus,
  describeSlotError,
  encodeSlotStatus,
  SLOT_ERRORS,
  type CommandStatus,
  type IccStatus,
  type SlotErrorDescription,
  type SlotErrorKind,
  type SlotErrorRow,
  type SlotStatus,
} from './slot-status.js';
export {
  protocolNum,
  type CcidClockStop,
  type CommonParameters,
  type NoProtocolParameters,
  type ProtocolParameters,
  type CcidT0Parameters,
  type CcidT1Parameters,
} from './protocol-data.js';
export {
  modifyMessageCount,
  type PinControl,
  type PinControlOperation,
  type PinEntry,
  type PinModification,
  type PinOperation,
  type PinSizeRange,
  type PinVerification,
} from './pin-operation.js';
export {
  CCID_DESCRIPTOR_LENGTH,
  CCID_DESCRIPTOR_TYPE,
  ccidCapabilities,
  ccidClassDescriptorCodec,
  ccidFeatures,
  encodeCcidClassDescriptor,
  exchangeLevel,
  parseCcidClassDescriptor,
  type CcidCapabilities,
  type CcidClassDescriptor,
  type CcidFeatures,
  type ExchangeLevel,
} from './class-descriptor.js';
