/**
 * BER-TLV data objects as used by smart cards: the definite-length subset
 * of X.690 that ISO/IEC 7816-4 keeps, with 00/FF padding between objects.
 *
 * The parser builds a tree (constructed objects are parsed recursively) of
 * views into the input, without copying. Every wire choice (length form,
 * padding) is recorded, so {@link encodeTlv} gives back the parsed bytes.
 *
 * ISO/IEC 7816-4 §5.2 (BER-TLV data objects) and §8 (data objects);
 * ISO/IEC 8825-1 (X.690) §8.1 (identifier and length octets).
 * @module
 */
import { fail, ok, strict, type Codec, type CommonReason, type Err, type ParseResult, type Prefix } from '../result.js';
import { MAX_TAG_BYTES, tagByteLength, tagHex, tagProblem } from './tag.js';

/** Why BER-TLV bytes could not be parsed. */
export type BerTlvReason =
  | CommonReason
  /** A tag longer than `maxTagBytes`, or a padding byte where a single data object must start. */
  | 'bad-tag'
  /** A length field starting with 85 to FF (more than 4 length bytes). */
  | 'bad-length'
  /** Length byte 80: X.690 indefinite form, not allowed by ISO/IEC 7816-4 §5.2. */
  | 'indefinite-length';

/** Fields every data object has. */
export interface TlvNodeBase {
  /** The tag's bytes as a big-endian number, for example `0x5F37`; see `decodeTag`. */
  readonly tag: number;
  /**
   * Bytes in the length field: 1 for the short form (`05`), 2 to 5 for the
   * long forms `81 xx` to `84 xx xx xx xx`. Recorded so that non-minimal
   * lengths such as `81 05` encode back as they came.
   */
  readonly lengthSize: number;
  /** The value field. For a constructed object, the raw bytes its children were parsed from. */
  readonly value: Uint8Array;
}

/** A primitive data object: the value is opaque bytes (bit 6 of the first tag byte clear). */
export interface TlvPrimitive extends TlvNodeBase {
  readonly constructed: false;
}

/**
 * A constructed data object: its value is a sequence of data objects
 * (bit 6 of the first tag byte set). The encoder writes `children`, not
 * `value`.
 */
export interface TlvConstructed extends TlvNodeBase {
  readonly constructed: true;
  readonly children: readonly TlvItem[];
}

/** One BER-TLV data object (ISO/IEC 7816-4 §5.2). */
export type TlvNode = TlvPrimitive | TlvConstructed;

/**
 * A run of 00 and FF bytes before, between or after data objects
 * (ISO/IEC 7816-4 §5.2: they carry no meaning, for example erased objects).
 * Kept so that encoding reproduces them.
 */
export interface TlvPadding {
  /** One or more bytes, each 00 or FF. */
  readonly padding: Uint8Array;
}

/** What a sequence of BER-TLV holds: data objects and padding runs, in wire order. */
export type TlvItem = TlvNode | TlvPadding;

/** Bounds on what the parser accepts, so hostile input costs bounded time and memory. */
export interface TlvOptions {
  /** Deepest nesting of data objects; a top-level object is at depth 1. Default 16, at most {@link MAX_TLV_DEPTH}. */
  readonly maxDepth?: number;
  /** Most data objects and padding runs in the whole input. Default 65,536. */
  readonly maxNodes?: number;
  /** Longest input accepted. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Longest tag, 1 to 4 bytes. Default 3 (ISO/IEC 7816-4 §5.2). */
  readonly maxTagBytes?: number;
}

/** Largest `maxDepth` the parser accepts: it recurses once per level. */
export const MAX_TLV_DEPTH = 1000;

/** The default bounds of {@link TlvOptions}. */
export const TLV_DEFAULTS: Required<TlvOptions> = {
  maxDepth: 16,
  maxNodes: 65536,
  maxBytes: 1 << 20,
  maxTagBytes: 3,
};

/** True when `item` is a padding run rather than a data object (ISO/IEC 7816-4 §5.2). */
export function isPadding(item: TlvItem): item is TlvPadding {
  return 'padding' in item;
}

interface State {
  readonly bytes: Uint8Array;
  readonly limits: Required<TlvOptions>;
  /** Where the last node parsed ends. */
  end: number;
  nodes: number;
  error: Err<BerTlvReason> | null;
  /** Tags of the constructed objects the error sits in, innermost first (filled while unwinding). */
  readonly trail: number[];
}

function failAt(s: State, reason: BerTlvReason, message: string, offset: number, field: string): null {
  s.error = fail(reason, message, offset, field);
  return null;
}

function limitsOf(options: TlvOptions | undefined): Required<TlvOptions> {
  if (options === undefined) return TLV_DEFAULTS;
  const limits = { ...TLV_DEFAULTS, ...options };
  const within = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  // The parser recurses once per level: a bounded depth keeps it off the stack limit.
  if (!within(limits.maxDepth, 1, MAX_TLV_DEPTH)) throw new RangeError(`maxDepth must be 1 to ${MAX_TLV_DEPTH}`);
  if (!within(limits.maxTagBytes, 1, MAX_TAG_BYTES)) throw new RangeError(`maxTagBytes must be 1 to ${MAX_TAG_BYTES}`);
  if (!within(limits.maxNodes, 1, Number.MAX_SAFE_INTEGER)) throw new RangeError('maxNodes must be a positive integer');
  if (!within(limits.maxBytes, 0, Number.MAX_SAFE_INTEGER)) throw new RangeError('maxBytes must be a non-negative integer');
  return limits;
}

const isPad = (b: number): boolean => b === 0x00 || b === 0xff;

/** Parse data objects and padding in `[start, end)` at `depth`. */
function parseSequence(s: State, start: number, end: number, depth: number): TlvItem[] | null {
  const { bytes } = s;
  const items: TlvItem[] = [];
  let pos = start;
  while (pos < end) {
    if (isPad(bytes[pos]!)) {
      let q = pos + 1;
      while (q < end && isPad(bytes[q]!)) q++;
      if (++s.nodes > s.limits.maxNodes) return failAt(s, 'too-large', `more than ${s.limits.maxNodes} items`, pos, 'padding');
      items.push({ padding: bytes.subarray(pos, q) });
      pos = q;
      continue;
    }
    const node = parseNode(s, pos, end, depth);
    if (node === null) return null;
    items.push(node);
    pos = s.end;
  }
  return items;
}

/** Parse one data object starting at `pos` (not a padding byte), inside `[pos, end)`. */
function parseNode(s: State, pos: number, end: number, depth: number): TlvNode | null {
  const { bytes, limits } = s;
  const start = pos;
  const first = bytes[pos++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // X.690 §8.1.2.4: subsequent bytes while bit 8 is set.
    let size = 1;
    let b: number;
    do {
      if (pos >= end) return failAt(s, 'truncated', 'the tag ends before its last byte', pos, 'tag');
      if (++size > limits.maxTagBytes) return failAt(s, 'bad-tag', `tag longer than ${limits.maxTagBytes} bytes`, start, 'tag');
      b = bytes[pos++]!;
      tag = tag * 256 + b;
    } while ((b & 0x80) !== 0);
  }
  if (depth > limits.maxDepth) return failAt(s, 'too-deep', `nesting deeper than ${limits.maxDepth}`, start, tagHex(tag));
  if (pos >= end) return failAt(s, 'truncated', 'no length field', pos, `${tagHex(tag)}/length`);
  const lengthAt = pos;
  let length = bytes[pos++]!;
  let lengthSize = 1;
  if (length >= 0x80) {
    if (length === 0x80) return failAt(s, 'indefinite-length', 'indefinite length (80) is not allowed in ISO/IEC 7816 BER-TLV', lengthAt, `${tagHex(tag)}/length`);
    const k = length & 0x7f;
    if (k > 4) return failAt(s, 'bad-length', `length field of ${k + 1} bytes (at most 5)`, lengthAt, `${tagHex(tag)}/length`);
    if (pos + k > end) return failAt(s, 'truncated', `length field needs ${k} more byte(s)`, end, `${tagHex(tag)}/length`);
    length = 0;
    for (let i = 0; i < k; i++) length = length * 256 + bytes[pos++]!;
    lengthSize = 1 + k;
  }
  if (length > end - pos) {
    return failAt(s, 'truncated', `length ${length} but only ${end - pos} byte(s) left`, lengthAt, `${tagHex(tag)}/value`);
  }
  if (++s.nodes > limits.maxNodes) return failAt(s, 'too-large', `more than ${limits.maxNodes} items`, start, tagHex(tag));
  const valueEnd = pos + length;
  const value = bytes.subarray(pos, valueEnd);
  let node: TlvNode;
  if ((first & 0x20) !== 0) {
    const children = parseSequence(s, pos, valueEnd, depth + 1);
    if (children === null) {
      s.trail.push(tag);
      return null;
    }
    node = { tag, lengthSize, value, constructed: true, children };
  } else {
    node = { tag, lengthSize, value, constructed: false };
  }
  s.end = valueEnd;
  return node;
}

/** Run `body` on a fresh state; on failure, prefix the error path with `tlv/` and the enclosing tags. */
function run<T>(bytes: Uint8Array, options: TlvOptions | undefined, body: (s: State) => T | null): ParseResult<T, BerTlvReason> {
  const limits = limitsOf(options);
  if (bytes.length > limits.maxBytes) return fail('too-large', `input of ${bytes.length} bytes exceeds ${limits.maxBytes}`, limits.maxBytes, 'tlv');
  const s: State = { bytes, limits, end: 0, nodes: 0, error: null, trail: [] };
  const value = body(s);
  if (value !== null) return ok(value);
  const e = s.error!.error;
  const enclosing = s.trail.reverse().map(tagHex);
  const path = ['tlv', ...enclosing, e.path].join('/');
  return { ok: false, error: { ...e, path } };
}

/**
 * Parse a whole buffer as a sequence of BER-TLV data objects and padding
 * (ISO/IEC 7816-4 §5.2), for example the content of an EF or the data of a
 * GET DATA response. An empty buffer is an empty sequence. Never throws on
 * input; throws a RangeError only for options out of range.
 * @example parseTlv(hex('65 05 80 03 44 55 50 00 00')) // ok: [65 {80 "DUP"}, padding 00 00]
 */
export function parseTlv(bytes: Uint8Array, options?: TlvOptions): ParseResult<readonly TlvItem[], BerTlvReason> {
  return run(bytes, options, (s) => parseSequence(s, 0, bytes.length, 1));
}

/**
 * Parse the one data object at the start of `bytes` and say how many bytes
 * it took; what follows is left alone (for streams). A leading padding byte
 * is `bad-tag`: padding belongs to sequences, see {@link parseTlv}.
 * @example parseTlvPrefix(hex('80 01 41 90 00')) // ok: { value: 80 "A", bytesRead: 3 }
 */
export function parseTlvPrefix(bytes: Uint8Array, options?: TlvOptions): ParseResult<Prefix<TlvNode>, BerTlvReason> {
  return run(bytes, options, (s) => {
    if (bytes.length === 0) return failAt(s, 'truncated', 'no data object', 0, 'tag');
    if (isPad(bytes[0]!)) return failAt(s, 'bad-tag', `${bytes[0] === 0 ? '00' : 'FF'} is padding, not a tag`, 0, 'tag');
    const node = parseNode(s, 0, bytes.length, 1);
    return node === null ? null : { value: node, bytesRead: s.end };
  });
}

/**
 * Parse exactly one data object: bytes after it are `trailing-bytes`.
 * @example parseTlvNode(hex('BF 81 01 08 A0 06 9A 01 03 9B 01 03')) // ok: the CPS PIN counters
 */
export function parseTlvNode(bytes: Uint8Array, options?: TlvOptions): ParseResult<TlvNode, BerTlvReason> {
  const r = strict(parseTlvPrefix(bytes, options), bytes.length, 'data object');
  return r.ok ? r : { ok: false, error: { ...r.error, path: r.error.path === '' ? 'tlv' : r.error.path } };
}

/**
 * Bytes of the shortest length field for a value of `length` bytes
 * (X.690 §8.1.3.3-5): short form below 128, else 81 to 84 and the bytes.
 * @example minimalLengthSize(200) // 2, for 81 C8
 */
export function minimalLengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  return 5;
}

/** Largest value length the 4-byte long form can state. */
const MAX_LENGTH = 0xffffffff;

/** Check a hand-made or parsed node and return its encoded size. */
function nodeSize(node: TlvNode, depth: number): number {
  if (depth > MAX_TLV_DEPTH) throw new RangeError(`nesting deeper than ${MAX_TLV_DEPTH}`);
  const problem = tagProblem(node.tag);
  if (problem !== null) throw new RangeError(problem);
  const first = Math.floor(node.tag / 256 ** (tagByteLength(node.tag) - 1));
  if (((first & 0x20) !== 0) !== node.constructed) {
    throw new RangeError(`tag ${tagHex(node.tag)} says ${node.constructed ? 'primitive' : 'constructed'} but the node is not`);
  }
  const content = node.constructed ? itemsSize(node.children, depth + 1) : node.value.length;
  if (content > MAX_LENGTH) throw new RangeError(`value of ${content} bytes is too long for BER-TLV`);
  const { lengthSize } = node;
  if (!Number.isInteger(lengthSize) || lengthSize < minimalLengthSize(content) || lengthSize > 5) {
    throw new RangeError(`lengthSize ${lengthSize} cannot state length ${content} (tag ${tagHex(node.tag)})`);
  }
  return tagByteLength(node.tag) + lengthSize + content;
}

function itemsSize(items: readonly TlvItem[], depth: number): number {
  let size = 0;
  let afterPadding = false;
  for (const item of items) {
    if (isPadding(item)) {
      const p = item.padding;
      if (p.length === 0 || afterPadding || !p.every(isPad)) {
        throw new RangeError('a padding item must be one non-empty run of 00/FF bytes, not next to another');
      }
      size += p.length;
      afterPadding = true;
    } else {
      size += nodeSize(item, depth);
      afterPadding = false;
    }
  }
  return size;
}

function writeNode(node: TlvNode, out: Uint8Array, at: number): number {
  let pos = at;
  for (let i = tagByteLength(node.tag) - 1; i >= 0; i--) out[pos++] = Math.floor(node.tag / 256 ** i) & 0xff;
  const lengthAt = pos;
  const { lengthSize } = node;
  pos += lengthSize;
  const contentAt = pos;
  if (node.constructed) pos = writeItems(node.children, out, pos);
  else {
    out.set(node.value, pos);
    pos += node.value.length;
  }
  const length = pos - contentAt;
  if (lengthSize === 1) out[lengthAt] = length;
  else {
    out[lengthAt] = 0x80 | (lengthSize - 1);
    for (let i = 1; i < lengthSize; i++) out[lengthAt + i] = Math.floor(length / 256 ** (lengthSize - 1 - i)) & 0xff;
  }
  return pos;
}

function writeItems(items: readonly TlvItem[], out: Uint8Array, at: number): number {
  let pos = at;
  for (const item of items) {
    if (isPadding(item)) {
      out.set(item.padding, pos);
      pos += item.padding.length;
    } else pos = writeNode(item, out, pos);
  }
  return pos;
}

/**
 * Encode a sequence of data objects and padding; the exact inverse of
 * {@link parseTlv}. Constructed objects are written from their `children`
 * (their `value` is ignored). Throws a RangeError for a value no parse can
 * give: a malformed tag, a `constructed` flag that contradicts the tag, a
 * `lengthSize` too small for the value, an empty or mixed padding run,
 * nesting deeper than {@link MAX_TLV_DEPTH}.
 * @example encodeTlv([tlv(0x80, hex('41'))]) // 80 01 41
 */
export function encodeTlv(items: readonly TlvItem[]): Uint8Array {
  const out = new Uint8Array(itemsSize(items, 1));
  writeItems(items, out, 0);
  return out;
}

/**
 * Encode one data object; the exact inverse of {@link parseTlvNode}.
 * Throws a RangeError as {@link encodeTlv} does.
 * @example encodeTlvNode(tlvConstructed(0x65, [tlv(0x80, hex('41'))])) // 65 03 80 01 41
 */
export function encodeTlvNode(node: TlvNode): Uint8Array {
  const out = new Uint8Array(nodeSize(node, 1));
  writeNode(node, out, 0);
  return out;
}

/**
 * Codec of a BER-TLV sequence (ISO/IEC 7816-4 §5.2) with default bounds.
 * @example tlvCodec.parse(hex('80 01 41 00')) // ok: [80 "A", padding 00]
 */
export const tlvCodec: Codec<readonly TlvItem[], BerTlvReason> = { parse: (b) => parseTlv(b), encode: encodeTlv };

/**
 * Codec of exactly one BER-TLV data object with default bounds.
 * @example tlvNodeCodec.encode(tlv(0x5A, hex('01 02'))) // 5A 02 01 02
 */
export const tlvNodeCodec: Codec<TlvNode, BerTlvReason> = { parse: (b) => parseTlvNode(b), encode: encodeTlvNode };
