/**
 * The terminal-host link (ours, see README): 64-byte frames with a CRC-16
 * for a serial line or HID reports, an incremental framer, a pure
 * sliding-window session with fragmentation, and the typed messages a
 * host and a portable terminal exchange.
 * @module
 */
export { crc16CcittFalse } from './crc16.js';
export {
  encodeLinkFrame,
  LINK_CRC_BYTES,
  LINK_HEADER_BYTES,
  LINK_MAX_FRAME,
  LINK_MAX_PAYLOAD,
  LINK_START,
  linkFrameCodec,
  parseLinkFrame,
  parseLinkFramePrefix,
  type LinkAckFrame,
  type LinkDataFrame,
  type LinkFrame,
  type LinkFrameReason,
  type LinkResetAckFrame,
  type LinkResetFrame,
} from './frame.js';
export { createLinkFramer, type LinkFramer, type LinkFramerStats, type LinkPushResult } from './framer.js';
export type { LinkReassemblyReason } from './reassembly.js';
export {
  createLinkSession,
  type LinkFailure,
  type LinkSession,
  type LinkSessionOptions,
  type LinkSessionState,
  type LinkSessionStats,
  type LinkStep,
} from './session.js';
export type { LinkMessageReason } from './message-fields.js';
export { encodeLinkMessage, isLinkRequest, linkMessageCodec, linkRequestIdOf, parseLinkMessage } from './message.js';
export * from './message-types.js';
export { isLotLinkId, LOT_LINK_FLAG, lotLinkId, lotStoreId } from './link-ids.js';
