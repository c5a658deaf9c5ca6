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
export { seededRng, type SeededRng } from './card/rng.js';
export { DF_OPERATIONS, EF_OPERATIONS } from './card/card-model.js';
export type { SecurityStatus } from './card/access.js';
