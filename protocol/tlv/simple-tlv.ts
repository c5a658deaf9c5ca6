/**
 * SIMPLE-TLV data objects: a one-byte tag (01 to FE) and a length of one
 * byte (00 to FE) or three (FF then 2 bytes, 0 to 65535). No nesting and no
 * padding.
 *
 * ISO/IEC 7816-4 §5.2 (SIMPLE-TLV data objects).
 * @module
 */
import { fail, ok, strict, type Codec, type CommonReason, type ParseResult, type Prefix } from '../result.js';
import { toHex } from '../bytes.js';

/** Why SIMPLE-TLV bytes could not be parsed. */
export type SimpleTlvReason =
  | CommonReason
  /** Tag byte 00 or FF, both invalid in SIMPLE-TLV. */
  | 'bad-tag';

/** One SIMPLE-TLV data object (ISO/IEC 7816-4 §5.2). */
export interface SimpleTlvNode {
  /** 0x01 to 0xFE. */
  readonly tag: number;
  /**
   * Bytes in the length field: 1 (`00` to `FE`) or 3 (`FF` and 2 bytes).
   * Recorded so that `FF 00 05` encodes back as it came.
   */
  readonly lengthSize: 1 | 3;
  readonly value: Uint8Array;
}

/** Bounds on what the SIMPLE-TLV parser accepts. */
export interface SimpleTlvOptions {
  /** Most data objects in the input. Default 65,536. */
  readonly maxNodes?: number;
  /** Longest input accepted. Default 1 MiB. */
  readonly maxBytes?: number;
}

const DEFAULTS: Required<SimpleTlvOptions> = { maxNodes: 65536, maxBytes: 1 << 20 };

/** Largest SIMPLE-TLV value: the 3-byte length field's 2 bytes. */
export const MAX_SIMPLE_TLV_LENGTH = 0xffff;

function parseAt(bytes: Uint8Array, pos: number): ParseResult<Prefix<SimpleTlvNode>, SimpleTlvReason> {
  const tag = bytes[pos]!;
  const name = toHex(bytes.subarray(pos, pos + 1));
  if (tag === 0x00 || tag === 0xff) return fail('bad-tag', `tag ${name} is invalid in SIMPLE-TLV`, pos, 'simple-tlv/tag');
  let at = pos + 1;
  if (at >= bytes.length) return fail('truncated', 'no length field', at, `simple-tlv/${name}/length`);
  let length = bytes[at++]!;
  let lengthSize: 1 | 3 = 1;
  if (length === 0xff) {
    if (at + 2 > bytes.length) return fail('truncated', 'the 3-byte length field is cut', bytes.length, `simple-tlv/${name}/length`);
    length = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
    lengthSize = 3;
  }
  if (length > bytes.length - at) {
    return fail('truncated', `length ${length} but only ${bytes.length - at} byte(s) left`, pos + 1, `simple-tlv/${name}/value`);
  }
  return ok({ value: { tag, lengthSize, value: bytes.subarray(at, at + length) }, bytesRead: at + length - pos });
}

/**
 * Parse the SIMPLE-TLV data object at the start of `bytes` and say how many
 * bytes it took.
 * @example parseSimpleTlvPrefix(hex('01 02 AB CD 9000')) // ok: bytesRead 4
 */
export function parseSimpleTlvPrefix(bytes: Uint8Array): ParseResult<Prefix<SimpleTlvNode>, SimpleTlvReason> {
  if (bytes.length === 0) return fail('truncated', 'no data object', 0, 'simple-tlv/tag');
  return parseAt(bytes, 0);
}

/**
 * Parse exactly one SIMPLE-TLV data object.
 * @example parseSimpleTlvNode(hex('FE FF 00 01 41')) // ok: non-minimal length kept as lengthSize 3
 */
export function parseSimpleTlvNode(bytes: Uint8Array): ParseResult<SimpleTlvNode, SimpleTlvReason> {
  return strict(parseSimpleTlvPrefix(bytes), bytes.length, 'SIMPLE-TLV data object');
}

/**
 * Parse a whole buffer as a sequence of SIMPLE-TLV data objects. An empty
 * buffer is an empty sequence.
 * @example parseSimpleTlv(hex('01 01 41 02 00')) // ok: two objects
 */
export function parseSimpleTlv(bytes: Uint8Array, options?: SimpleTlvOptions): ParseResult<SimpleTlvNode[], SimpleTlvReason> {
  const limits = options === undefined ? DEFAULTS : { ...DEFAULTS, ...options };
  if (bytes.length > limits.maxBytes) {
    return fail('too-large', `input of ${bytes.length} bytes exceeds ${limits.maxBytes}`, limits.maxBytes, 'simple-tlv');
  }
  const nodes: SimpleTlvNode[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (nodes.length >= limits.maxNodes) return fail('too-large', `more than ${limits.maxNodes} data objects`, pos, 'simple-tlv');
    const r = parseAt(bytes, pos);
    if (!r.ok) return r;
    nodes.push(r.value.value);
    pos += r.value.bytesRead;
  }
  return ok(nodes);
}

/**
 * A SIMPLE-TLV data object with the shortest length field unless
 * `lengthSize` 3 is asked for. Throws a RangeError for a tag outside
 * 01..FE or a value over 65,535 bytes.
 * @example encodeSimpleTlvNode(simpleTlv(0x01, hex('AB'))) // 01 01 AB
 */
export function simpleTlv(tag: number, value: Uint8Array, lengthSize?: 1 | 3): SimpleTlvNode {
  const node: SimpleTlvNode = { tag, lengthSize: lengthSize ?? (value.length < 0xff ? 1 : 3), value };
  checkNode(node);
  return node;
}

function checkNode(node: SimpleTlvNode): void {
  if (!Number.isInteger(node.tag) || node.tag < 0x01 || node.tag > 0xfe) throw new RangeError(`SIMPLE-TLV tag ${node.tag} is not 01..FE`);
  if (node.value.length > MAX_SIMPLE_TLV_LENGTH) throw new RangeError(`SIMPLE-TLV value of ${node.value.length} bytes exceeds 65535`);
  if (node.lengthSize === 1 ? node.value.length >= 0xff : node.lengthSize !== 3) {
    throw new RangeError(`lengthSize ${node.lengthSize} cannot state length ${node.value.length}`);
  }
}

function nodeSize(node: SimpleTlvNode): number {
  checkNode(node);
  return 1 + node.lengthSize + node.value.length;
}

function writeNode(node: SimpleTlvNode, out: Uint8Array, at: number): number {
  let pos = at;
  out[pos++] = node.tag;
  const n = node.value.length;
  if (node.lengthSize === 1) out[pos++] = n;
  else {
    out[pos++] = 0xff;
    out[pos++] = n >> 8;
    out[pos++] = n & 0xff;
  }
  out.set(node.value, pos);
  return pos + n;
}

/**
 * Encode a sequence of SIMPLE-TLV data objects; the exact inverse of
 * {@link parseSimpleTlv}. Throws a RangeError for a node
 * {@link simpleTlv} would refuse.
 * @example encodeSimpleTlv([simpleTlv(0x01, hex('41'))]) // 01 01 41
 */
export function encodeSimpleTlv(nodes: readonly SimpleTlvNode[]): Uint8Array {
  let size = 0;
  for (const node of nodes) size += nodeSize(node);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const node of nodes) pos = writeNode(node, out, pos);
  return out;
}

/**
 * Encode one SIMPLE-TLV data object; the exact inverse of {@link parseSimpleTlvNode}.
 * @example encodeSimpleTlvNode({ tag: 0x02, lengthSize: 3, value: hex('41') }) // 02 FF 00 01 41
 */
export function encodeSimpleTlvNode(node: SimpleTlvNode): Uint8Array {
  const out = new Uint8Array(nodeSize(node));
  writeNode(node, out, 0);
  return out;
}

/**
 * Codec of a SIMPLE-TLV sequence (ISO/IEC 7816-4 §5.2) with default bounds.
 * @example simpleTlvCodec.parse(hex('01 00')) // ok: [{ tag: 1, lengthSize: 1, value: empty }]
 */
export const simpleTlvCodec: Codec<readonly SimpleTlvNode[], SimpleTlvReason> = {
  parse: (b) => parseSimpleTlv(b),
  encode: encodeSimpleTlv,
};

/**
 * Codec of exactly one SIMPLE-TLV data object.
 * @example simpleTlvNodeCodec.encode(simpleTlv(0x10, new Uint8Array(300))) // 10 FF 01 2C ...
 */
export const simpleTlvNodeCodec: Codec<SimpleTlvNode, SimpleTlvReason> = {
  parse: parseSimpleTlvNode,
  encode: encodeSimpleTlvNode,
};
