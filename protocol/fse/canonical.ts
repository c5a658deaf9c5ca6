/**
 * The canonical BER-TLV layer under the FSE and lot encodings (OURS, see
 * README): one value has exactly one encoding. Minimal lengths, no padding,
 * every field at its fixed place, unsigned integers big-endian without
 * leading zero bytes, UTF-8 text, booleans as one byte 00 / 01.
 *
 * Readers fail by raising {@link FieldFault}; the codec entry points
 * (`parseFse`, `parseLot`, ...) are the only places that catch it and turn
 * it into a `ParseResult`, so no parser throws on input (the same pattern
 * as the emulator's `CardStatus`, STYLE.md "Emulator").
 * ISO/IEC 7816-4 §5.2 (BER-TLV), X.690 §8.1.3 (minimal length form).
 * @module
 */
import { fail, type CommonReason, type Err, type ParseResult } from '../result.js';
import {
  encodeTlvNode,
  isPadding,
  minimalLengthSize,
  parseTlvNode,
  tagHex,
  tlv,
  tlvConstructed,
  type TlvItem,
  type TlvNode,
} from '../tlv/index.js';

/** Why FSE, secured-FSE, lot or signed-lot bytes were refused. */
export type FseReason =
  | CommonReason
  /** Wrong tag at a place of the fixed field order, or a malformed tag. */
  | 'bad-tag'
  /** A BER length field of more than 5 bytes. */
  | 'bad-length'
  /** BER indefinite length (80). */
  | 'indefinite-length'
  /** Valid BER, but not the one canonical form: a long length that fits a shorter one, padding, a leading zero byte. */
  | 'non-canonical'
  /** A mandatory field is absent. */
  | 'missing-field'
  /** A field after the last one of its record. */
  | 'unexpected-field'
  /** A field's value is out of its domain (bad date, NIR key, digits, UTF-8...). */
  | 'bad-value'
  /** Fields disagree: a total that does not add up, a securing mode without its cryptogram... */
  | 'inconsistent';

/** Bounds of the TLV parse under every record here: our records nest at most 4 deep. */
const TLV_LIMITS = { maxDepth: 8, maxNodes: 100_000, maxBytes: 16 << 20, maxTagBytes: 1 };

/** A reader's failure, caught only by {@link readRecord}. */
export class FieldFault extends Error {
  constructor(readonly failure: Err<FseReason>) {
    super(failure.error.message);
  }
}

function fault(reason: FseReason, message: string, offset: number, path: string): never {
  throw new FieldFault(fail(reason, message, offset, path));
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Largest unsigned integer a field carries: 7 bytes hold every safe integer. */
const MAX_UINT_BYTES = 7;

/**
 * Reads the children of one constructed data object in their fixed order.
 * Each read takes the next child if its tag matches, so an out-of-order or
 * unknown field shows as `bad-tag` / `missing-field` at its offset.
 */
export class FieldReader {
  private index = 0;
  private readonly children: readonly TlvNode[];

  constructor(
    private readonly input: Uint8Array,
    private readonly node: TlvNode,
    readonly path: string,
  ) {
    if (!node.constructed) fault('bad-tag', `tag ${tagHex(node.tag)} must be constructed`, this.at(node), path);
    this.children = node.children.map((item: TlvItem) => {
      if (isPadding(item)) fault('non-canonical', 'padding bytes inside a record', item.padding.byteOffset - input.byteOffset, path);
      return item;
    });
  }

  /** Offset of a node's value in the input. */
  private at(node: TlvNode): number {
    return node.value.byteOffset - this.input.byteOffset;
  }

  /** Fail at `node` (or at the record's end) on `name`. */
  fail(reason: FseReason, message: string, name: string, node?: TlvNode): never {
    const offset = node === undefined ? this.at(this.node) + this.node.value.length : this.at(node);
    fault(reason, message, offset, `${this.path}/${name}`);
  }

  private take(tag: number, name: string, optional: boolean): TlvNode | undefined {
    const child = this.children[this.index];
    if (child === undefined || child.tag !== tag) {
      if (optional) return undefined;
      if (child === undefined) this.fail('missing-field', `${name} (tag ${tagHex(tag)}) is missing`, name);
      this.fail('bad-tag', `expected ${name} (tag ${tagHex(tag)}), found tag ${tagHex(child.tag)}`, name, child);
    }
    if (child.lengthSize !== minimalLengthSize(child.value.length)) {
      this.fail('non-canonical', `${name}: length in ${child.lengthSize} bytes, not the shortest form`, name, child);
    }
    this.index++;
    return child;
  }

  /** A mandatory primitive field's raw value. */
  bytes(tag: number, name: string, minLength: number, maxLength: number): Uint8Array {
    const node = this.take(tag, name, false)!;
    return this.checkLength(node, name, minLength, maxLength);
  }

  /** An optional primitive field's raw value. */
  optionalBytes(tag: number, name: string, minLength: number, maxLength: number): Uint8Array | undefined {
    const node = this.take(tag, name, true);
    return node === undefined ? undefined : this.checkLength(node, name, minLength, maxLength);
  }

  private checkLength(node: TlvNode, name: string, min: number, max: number): Uint8Array {
    if (node.constructed) this.fail('bad-tag', `${name} must be primitive`, name, node);
    const n = node.value.length;
    if (n < min || n > max) this.fail('bad-value', `${name}: ${n} byte(s), expected ${min} to ${max}`, name, node);
    return node.value;
  }

  /** Mandatory UTF-8 text matching `pattern`, at most `maxBytes` bytes. */
  text(tag: number, name: string, pattern: RegExp, maxBytes: number): string {
    return this.decodeText(this.take(tag, name, false)!, name, pattern, maxBytes);
  }

  /** Optional UTF-8 text. */
  optionalText(tag: number, name: string, pattern: RegExp, maxBytes: number): string | undefined {
    const node = this.take(tag, name, true);
    return node === undefined ? undefined : this.decodeText(node, name, pattern, maxBytes);
  }

  private decodeText(node: TlvNode, name: string, pattern: RegExp, maxBytes: number): string {
    const raw = this.checkLength(node, name, 1, maxBytes);
    let text: string;
    try {
      text = utf8Decoder.decode(raw);
    } catch {
      this.fail('bad-value', `${name} is not UTF-8`, name, node);
    }
    if (!pattern.test(text)) this.fail('bad-value', `${name} "${text}" does not match ${pattern.source}`, name, node);
    return text;
  }

  /** Mandatory unsigned integer, `min` to `max`, big-endian without leading zero bytes. */
  uint(tag: number, name: string, min: number, max: number): number {
    const node = this.take(tag, name, false)!;
    const raw = this.checkLength(node, name, 1, MAX_UINT_BYTES);
    if (raw.length > 1 && raw[0] === 0) this.fail('non-canonical', `${name}: leading zero byte`, name, node);
    let n = 0;
    for (const b of raw) n = n * 256 + b;
    if (n < min || n > max) this.fail('bad-value', `${name} ${n} is outside ${min} to ${max}`, name, node);
    return n;
  }

  /** Mandatory boolean: one byte, 00 or 01. */
  bool(tag: number, name: string): boolean {
    const node = this.take(tag, name, false)!;
    const raw = this.checkLength(node, name, 1, 1);
    if (raw[0]! > 1) this.fail('non-canonical', `${name}: boolean byte ${raw[0]} (00 or 01 only)`, name, node);
    return raw[0] === 1;
  }

  /** Mandatory constructed field read by `read`. */
  record<T>(tag: number, name: string, read: (r: FieldReader) => T): T {
    return this.readChild(this.take(tag, name, false)!, name, read);
  }

  /** Optional constructed field. */
  optionalRecord<T>(tag: number, name: string, read: (r: FieldReader) => T): T | undefined {
    const node = this.take(tag, name, true);
    return node === undefined ? undefined : this.readChild(node, name, read);
  }

  /** A constructed field holding `min` to `max` records, each under `itemTag`. */
  list<T>(tag: number, name: string, itemTag: number, min: number, max: number, read: (r: FieldReader) => T): T[] {
    return this.record(tag, name, (r) => {
      const items: T[] = [];
      while (r.hasMore()) {
        if (items.length === max) r.fail('too-large', `${name}: more than ${max} entries`, String(items.length));
        items.push(r.record(itemTag, String(items.length), read));
      }
      if (items.length < min) r.fail('missing-field', `${name}: ${items.length} entries, at least ${min}`, String(items.length));
      return items;
    });
  }

  private readChild<T>(node: TlvNode, name: string, read: (r: FieldReader) => T): T {
    const r = new FieldReader(this.input, node, `${this.path}/${name}`);
    const value = read(r);
    r.end();
    return value;
  }

  /** True while fields remain. */
  hasMore(): boolean {
    return this.index < this.children.length;
  }

  /** Every field was read: anything left is `unexpected-field`. */
  end(): void {
    const child = this.children[this.index];
    if (child !== undefined) this.fail('unexpected-field', `tag ${tagHex(child.tag)} after the last field`, tagHex(child.tag), child);
  }
}

/**
 * Parse `bytes` as exactly one record under `tag` and read it; the one
 * place where a {@link FieldFault} becomes a `ParseResult`.
 */
export function readRecord<T>(bytes: Uint8Array, tag: number, name: string, read: (r: FieldReader) => T): ParseResult<T, FseReason> {
  const tree = parseTlvNode(bytes, TLV_LIMITS);
  if (!tree.ok) return { ok: false, error: { ...tree.error, path: tree.error.path.replace(/^tlv/, name) } };
  const node = tree.value;
  if (node.tag !== tag) return fail('bad-tag', `a ${name} starts with tag ${tagHex(tag)}, not ${tagHex(node.tag)}`, 0, name);
  if (node.lengthSize !== minimalLengthSize(node.value.length)) return fail('non-canonical', `${name}: length not in the shortest form`, 1, name);
  try {
    const r = new FieldReader(bytes, node, name);
    const value = read(r);
    r.end();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof FieldFault) return e.failure;
    throw e;
  }
}

/** A text field (UTF-8). */
export function textField(tag: number, text: string): TlvNode {
  if (typeof text !== 'string') throw new TypeError(`tag ${tagHex(tag)}: text expected`);
  return tlv(tag, utf8Encoder.encode(text));
}

/** An unsigned integer field, big-endian without leading zero bytes (0 is one byte 00). */
export function uintField(tag: number, n: number): TlvNode {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`tag ${tagHex(tag)}: ${n} is not an unsigned safe integer`);
  const out: number[] = [];
  let rest = n;
  do {
    out.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return tlv(tag, Uint8Array.from(out));
}

/** A boolean field: 01 true, 00 false. */
export function boolField(tag: number, b: boolean): TlvNode {
  if (typeof b !== 'boolean') throw new TypeError(`tag ${tagHex(tag)}: boolean expected`);
  return tlv(tag, Uint8Array.of(b ? 1 : 0));
}

/** A raw bytes field. */
export function bytesField(tag: number, bytes: Uint8Array): TlvNode {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`tag ${tagHex(tag)}: Uint8Array expected`);
  return tlv(tag, bytes);
}

/** A constructed field; `undefined` children (absent optional fields) are left out. */
export function recordField(tag: number, children: readonly (TlvNode | undefined)[]): TlvNode {
  return tlvConstructed(tag, children.filter((c): c is TlvNode => c !== undefined));
}

/** Encode a record built with the field helpers (minimal lengths by construction). */
export function encodeRecord(node: TlvNode): Uint8Array {
  return encodeTlvNode(node);
}

/**
 * Run a record's writer and check the bytes with its parser, so an encoder
 * never emits what its parser would refuse: a value outside the domain is a
 * RangeError (the caller's bug), as the protocol/ rules ask.
 */
export function encodeChecked<T>(write: () => TlvNode, parse: (bytes: Uint8Array) => ParseResult<T, FseReason>, what: string): Uint8Array {
  const bytes = encodeRecord(write());
  const back = parse(bytes);
  if (!back.ok) throw new RangeError(`invalid ${what}: ${back.error.reason} at ${back.error.path}: ${back.error.message}`);
  return bytes;
}

/**
 * The smart-constructor side of {@link encodeChecked}: a value the writer
 * or the parser refuses is a typed failure, not a throw.
 */
export function checkValue<T>(value: T, write: (v: T) => TlvNode, parse: (bytes: Uint8Array) => ParseResult<T, FseReason>): ParseResult<T, FseReason> {
  let node: TlvNode;
  try {
    node = write(value);
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) return fail('bad-value', e.message, 0, '');
    throw e;
  }
  return parse(encodeRecord(node));
}
