/**
 * `emulator/`: software cards that real PC/SC software can use, with
 * fault injection, timing and tracing.
 * @module emulator
 */
export { CardStatus, type Card } from './card/card.js';
export { CardGoneError, fromCard, type CardPresence, type VirtualCard } from './card/virtual-card.js';
export { CardOs, CORE_HANDLERS, openCard, type CardLogger, type CardOsOptions } from './card/card-os.js';
export {
  CARD_IMAGE_SCHEMA_PATH,
  loadCardImage,
  parseCardImage,
  parseCardImageText,
  type AccessJson,
  type CardImageJson,
  type CardImageReason,
  type ConditionJson,
  type DataObjectJson,
  type DfJson,
  type EfJson,
  type KeyJson,
  type PinJson,
  type SecretJson,
} from './card/card-image.js';
export { cardImageJson, serializeCardImage } from './card/card-image-writer.js';
export { fileStorage, memoryStorage, PowerCutError, type CardStorage, type StorageHooks } from './card/storage.js';
export type {
  CardContext,
  CardExtensions,
  ChannelState,
  ExtendedHeaderListHandler,
  InsHandler,
  KeySelection,
  SecurityEnvironment,
} from './card/session.js';
export type {
  AccessRules,
  CardModel,
  Condition,
  DataObject,
  DfNode,
  EfNode,
  FileNode,
  KeyObjectEntry,
  KeySource,
  KeyUsage,
  Operation,
  PinObject,
  RecordEf,
  Secret,
  TransparentEf,
} from './card/card-model.js';
export { mulberry32, seededRng, type Prng, type SeededRng } from './card/rng.js';
export { DF_OPERATIONS, EF_OPERATIONS } from './card/card-model.js';
export type { SecurityStatus } from './card/access.js';
export * from './personas/index.js';
export {
  createVpcdClient,
  VPCD_DEFAULT_BACKOFF,
  VPCD_PORT_SLOT0,
  VPCD_PORT_SLOT1,
  type VpcdBackoff,
  type VpcdClient,
  type VpcdClientEvent,
  type VpcdClientOptions,
  type VpcdClientState,
  type VpcdTimers,
} from './vpcd/client.js';
export { PcscdError, VpcdError, type PcscdErrorCode, type VpcdErrorCode } from './vpcd/errors.js';
export { createNullCard, NULL_CARD_ATR } from './vpcd/null-card.js';
export { lockVpcdReaders, VPCD_READERS_LOCK } from './vpcd/readers-lock.js';
export {
  ensurePcscd,
  missingPcscPrerequisites,
  PCSC_PROGRAM_PACKAGES,
  PCSCD_SCRIPT,
  releasePcscd,
  VPCD_DRIVER,
  type PcscdLease,
  type PcscdOptions,
} from './vpcd/pcscd.js';
export { systemClock, virtualClock, type Clock, type VirtualClock } from './timing/clock.js';
export {
  ATR_BAUD,
  checkProfileTiming,
  ETU_PER_BYTE,
  exchangeMs,
  lineBytes,
  lineMs,
  loadProfileTiming,
  loadTimingFile,
  processingMs,
  type ProfileTiming,
  type TimedProfile,
  type TimingProtocol,
} from './timing/profile-timing.js';
export { withTiming } from './timing/with-timing.js';
export type {
  BlockPinAction,
  CorruptAction,
  DelayAction,
  Fault,
  FaultAction,
  FaultPlan,
  FaultTrigger,
  MuteAction,
  RemoveAction,
  StatusAction,
  TearAction,
  TearingHook,
} from './faults/fault-plan.js';
export { checkFaultPlan, FaultPlanError, loadFaultPlan, type FaultPlanErrorCode } from './faults/plan-loader.js';
export { withFaults, type FaultEvent, type FaultOptions, type FaultyCard, type WaitExtensionRequest } from './faults/with-faults.js';
export { faultStream } from './faults/prng.js';
export { tearingSwitch } from './faults/tearing.js';
export { carriesSecret, redactedHex, SECRET_INSTRUCTIONS } from './trace/redact.js';
export { scanForSecrets, type SecretFinding, type SecretToFind, type TextToScan } from './trace/scan-secrets.js';
export { fileTraceSink, memoryTraceSink, type FileTraceSink, type MemoryTraceSink, type TraceSink } from './trace/sinks.js';
export { formatTraceLine, type DecodedCommand, type TraceEntry } from './trace/trace-entry.js';
export { withTrace } from './trace/with-trace.js';
export * from './profiles/index.js';
export * from './teleservice/index.js';
