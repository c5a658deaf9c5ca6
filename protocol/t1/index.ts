/**
 * T=1, the block transmission protocol (ISO/IEC 7816-3 §11): the block
 * codec with LRC or CRC, and the reader and card ends of the link as pure
 * state machines (chaining, IFS, WTX, ABORT, RESYNCH, error recovery).
 * @module
 */
export { crc16, edcLength, lrc, type T1Edc } from './edc.js';
export {
  encodeT1Block,
  nadOf,
  parseT1Block,
  parseT1BlockPrefix,
  replyNad,
  t1BlockCodec,
  T1_MAX_INF,
  type T1Bit,
  type T1Block,
  type T1BlockOptions,
  type T1IBlock,
  type T1RBlock,
  type T1Reason,
  type T1RError,
  type T1SBlock,
  type T1SIfsBlock,
  type T1SPlainBlock,
  type T1SType,
  type T1SWtxBlock,
} from './block.js';
export type { T1Link, T1LinkOptions, T1Step, T1Transmit } from './link.js';
export {
  initialT1Reader,
  t1ReaderStep,
  type T1ReaderError,
  type T1ReaderEvent,
  type T1ReaderLimits,
  type T1ReaderOptions,
  type T1ReaderOutput,
  type T1ReaderPhase,
  type T1ReaderState,
  type T1ReaderTransition,
} from './reader.js';
export {
  initialT1Card,
  t1CardStep,
  type T1CardEvent,
  type T1CardOptions,
  type T1CardOutput,
  type T1CardPhase,
  type T1CardState,
  type T1CardTransition,
} from './card.js';
