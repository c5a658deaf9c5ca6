/**
 * TLV data objects of ISO/IEC 7816-4 §5.2: BER-TLV (tree, tag paths,
 * builders), SIMPLE-TLV and COMPACT-TLV.
 * @module
 */
export {
  decodeTag,
  MAX_TAG_BYTES,
  parseTagHex,
  tagByteLength,
  tagHex,
  tagProblem,
  tagToBytes,
  type TagReason,
  type TlvClass,
  type TlvTagInfo,
} from './tag.js';
export {
  encodeTlv,
  encodeTlvNode,
  isPadding,
  MAX_TLV_DEPTH,
  minimalLengthSize,
  parseTlv,
  parseTlvNode,
  parseTlvPrefix,
  TLV_DEFAULTS,
  tlvCodec,
  tlvNodeCodec,
  type BerTlvReason,
  type TlvConstructed,
  type TlvItem,
  type TlvNode,
  type TlvNodeBase,
  type TlvOptions,
  type TlvPadding,
  type TlvPrimitive,
} from './ber-tlv.js';
export { latin1Bytes, tlv, tlvConstructed, tlvPadding } from './builders.js';
export { findAllTlv, findTlv, tlvValue, type TlvPath } from './find.js';
export {
  encodeSimpleTlv,
  encodeSimpleTlvNode,
  MAX_SIMPLE_TLV_LENGTH,
  parseSimpleTlv,
  parseSimpleTlvNode,
  parseSimpleTlvPrefix,
  simpleTlv,
  simpleTlvCodec,
  simpleTlvNodeCodec,
  type SimpleTlvNode,
  type SimpleTlvOptions,
  type SimpleTlvReason,
} from './simple-tlv.js';
export * from './compact-tlv.js';
