/**
 * Lookup of data objects by tag path, as card readers name them:
 * `'65/93'` is tag 93 inside tag 65 (cardpeek and ISO/IEC 7816-4 §8.5
 * tag lists use the same idea).
 *
 * ISO/IEC 7816-4 §5.2 (constructed data objects nest BER-TLV).
 * @module
 */
import { isPadding, type TlvItem, type TlvNode } from './ber-tlv.js';
import { parseTagHex } from './tag.js';

/**
 * A tag path: hex tags separated by `/` (`'7F21/5F37'`, case and spaces
 * ignored), or the tag numbers themselves. It starts at the given sequence:
 * `'65'` matches top-level 65 objects only, not nested ones.
 */
export type TlvPath = string | readonly number[];

function pathTags(path: TlvPath): readonly number[] {
  if (typeof path !== 'string') return path;
  return path.split('/').map((part) => {
    const r = parseTagHex(part);
    if (!r.ok) throw new TypeError(`bad tag path "${path}": ${r.error.message}`);
    return r.value;
  });
}

/** Depth-first walk in wire order; `visit` returns true to stop. */
function walk(items: readonly TlvItem[], tags: readonly number[], level: number, visit: (node: TlvNode) => boolean): boolean {
  const want = tags[level];
  for (const item of items) {
    if (isPadding(item) || item.tag !== want) continue;
    if (level === tags.length - 1) {
      if (visit(item)) return true;
    } else if (item.constructed && walk(item.children, tags, level + 1, visit)) return true;
  }
  return false;
}

/**
 * The first data object, in wire order, at the end of `path`. If the first
 * 65 has no 93 but the second has, the second's is found. Throws a
 * TypeError for a malformed path.
 * @example findTlv(items, '65/93')?.value // the first beneficiary's NIR
 */
export function findTlv(items: readonly TlvItem[], path: TlvPath): TlvNode | undefined {
  const tags = pathTags(path);
  let found: TlvNode | undefined;
  if (tags.length > 0) {
    walk(items, tags, 0, (node) => {
      found = node;
      return true;
    });
  }
  return found;
}

/**
 * Every data object at the end of `path`, in wire order.
 * @example findAllTlv(items, '65').length // the number of beneficiaries
 */
export function findAllTlv(items: readonly TlvItem[], path: TlvPath): TlvNode[] {
  const tags = pathTags(path);
  const found: TlvNode[] = [];
  if (tags.length > 0) {
    walk(items, tags, 0, (node) => {
      found.push(node);
      return false;
    });
  }
  return found;
}

/**
 * The value of the first data object at `path`, or `undefined`.
 * @example tlvValue(items, '65/82') // 31 39 36 39 30 35 31 32 ("19690512")
 */
export function tlvValue(items: readonly TlvItem[], path: TlvPath): Uint8Array | undefined {
  return findTlv(items, path)?.value;
}
