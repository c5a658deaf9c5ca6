/**
 * fast-check arbitraries for BER-TLV and SIMPLE-TLV trees. Test-only: not
 * exported by the folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import { minimalLengthSize, type TlvConstructed, type TlvItem, type TlvNode, type TlvPadding } from './ber-tlv.js';
import { tlv, tlvConstructed } from './builders.js';
import type { SimpleTlvNode } from './simple-tlv.js';

/**
 * A well-formed tag of 1 to `maxBytes` bytes with the given constructed bit:
 * any class, low or high tag number form, never a first byte 00 or FF.
 */
export function arbTag(constructed: boolean, maxBytes = 3): fc.Arbitrary<number> {
  const cls = fc.integer({ min: 0, max: 3 }).map((c) => (c << 6) | (constructed ? 0x20 : 0));
  // 00 and FF are padding, never a first tag byte (ISO/IEC 7816-4 §5.2).
  const short = fc.tuple(cls, fc.integer({ min: 0, max: 30 })).map(([head, n]) => head | n).filter((t) => t !== 0x00);
  const long = fc
    .tuple(cls.filter((head) => head !== 0xe0), fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: maxBytes - 2 }), fc.integer({ min: 0, max: 0x7f }))
    .map(([head, middle, last]) => [head | 0x1f, ...middle, last].reduce((tag, b) => tag * 256 + b, 0));
  return maxBytes === 1 ? short : fc.oneof(short, long);
}

/** A padding run of 1 to 4 bytes, each 00 or FF. */
export const arbPadding: fc.Arbitrary<TlvPadding> = fc
  .array(fc.constantFrom(0x00, 0xff), { minLength: 1, maxLength: 4 })
  .map((bytes) => ({ padding: Uint8Array.from(bytes) }));

/** A length field 0 to 2 bytes longer than needed, within the 5-byte maximum. */
const extraLength = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) });

function sized(node: TlvNode, extra: number): TlvNode {
  return { ...node, lengthSize: Math.min(5, minimalLengthSize(node.value.length) + extra) };
}

/** Data objects, each optionally preceded by padding, then optional trailing padding: never two runs in a row. */
function sequence(node: fc.Arbitrary<TlvNode>, maxLength: number): fc.Arbitrary<TlvItem[]> {
  const pad = fc.option(arbPadding, { freq: 4, nil: undefined });
  return fc.tuple(fc.array(fc.tuple(pad, node), { maxLength }), pad).map(([pairs, tail]) => {
    const out: TlvItem[] = [];
    for (const [p, n] of pairs) {
      if (p !== undefined) out.push(p);
      out.push(n);
    }
    if (tail !== undefined) out.push(tail);
    return out;
  });
}

/** A primitive data object; values sometimes pass 127 bytes to reach the long form. */
export const arbPrimitive: fc.Arbitrary<TlvNode> = fc
  .tuple(arbTag(false), fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 24 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 300 }) }), extraLength)
  .map(([tag, value, extra]) => sized(tlv(tag, value), extra));

/** Trees of BER-TLV: a node (primitive or constructed) and a sequence of items, nested up to 5 levels. */
export const arbTlv = fc.letrec<{ node: TlvNode; constructed: TlvConstructed; items: TlvItem[] }>((tie) => ({
  node: fc.oneof({ maxDepth: 5, depthIdentifier: 'tlv' }, arbPrimitive, tie('constructed')),
  constructed: fc
    .tuple(arbTag(true), tie('items'), extraLength)
    .map(([tag, children, extra]) => sized(tlvConstructed(tag, children), extra) as TlvConstructed),
  items: sequence(tie('node'), 4),
}));

/** A SIMPLE-TLV data object, sometimes with the 3-byte length form. */
export const arbSimpleTlv: fc.Arbitrary<SimpleTlvNode> = fc
  .tuple(fc.integer({ min: 0x01, max: 0xfe }), fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 300 }) }), fc.boolean())
  .map(([tag, value, long]) => ({ tag, value, lengthSize: long || value.length >= 0xff ? 3 : 1 }));
