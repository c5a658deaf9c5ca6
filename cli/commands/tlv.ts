/**
 * `bifente tlv <hex>`: show BER-TLV (or SIMPLE-TLV) data objects as a tree.
 * @module
 */
import {
  fromHex,
  isPadding,
  parseSimpleTlv,
  parseTlv,
  tagHex,
  type SimpleTlvNode,
  type TlvItem,
} from '../../protocol/index.js';
import { joinedPositionals, parseCommandArgs } from '../args.js';
import { EXIT, type Command, type Io } from '../command.js';
import { byteHex, hexAndText, invalidLine, toJson } from '../format.js';

/** The tree of BER-TLV items, one object a line, children indented. */
export function explainTlv(items: readonly TlvItem[], depth = 0): string {
  const pad = '  '.repeat(depth);
  let out = '';
  for (const item of items) {
    if (isPadding(item)) {
      out += `${pad}padding (${item.padding.length} byte(s) of 00/FF)\n`;
    } else if (item.constructed) {
      out += `${pad}${tagHex(item.tag)} (${item.value.length} bytes, constructed)\n${explainTlv(item.children, depth + 1)}`;
    } else {
      out += `${pad}${tagHex(item.tag)} (${item.value.length} bytes) ${hexAndText(item.value)}\n`;
    }
  }
  return out;
}

function tlvJson(items: readonly TlvItem[]): unknown[] {
  return items.map((item) => {
    if (isPadding(item)) return { padding: item.padding };
    const base = { tag: tagHex(item.tag), length: item.value.length, lengthSize: item.lengthSize };
    return item.constructed ? { ...base, constructed: true, children: tlvJson(item.children) } : { ...base, value: item.value };
  });
}

function explainSimple(nodes: readonly SimpleTlvNode[]): string {
  return nodes.map((n) => `${byteHex(n.tag)} (${n.value.length} bytes) ${hexAndText(n.value)}\n`).join('');
}

export const tlvCommand: Command = {
  name: 'tlv',
  summary: 'show BER-TLV or SIMPLE-TLV data objects as a tree (ISO/IEC 7816-4 §5.2)',
  usage: [
    'Usage: bifente tlv <hex> [--simple] [--json]',
    '',
    'Reads BER-TLV by default (multi-byte tags, long lengths, nesting, 00/FF padding);',
    '--simple reads SIMPLE-TLV (1-byte tag, length 1 byte or FF + 2 bytes).',
  ].join('\n'),
  run(args: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs(args, { simple: { type: 'boolean', default: false } });
    const bytes = fromHex(joinedPositionals(positionals, 'TLV hex'));
    if (!bytes.ok) {
      io.err(invalidLine('tlv', bytes.error));
      return EXIT.invalid;
    }
    if (values.simple) {
      const r = parseSimpleTlv(bytes.value);
      if (!r.ok) {
        io.err(invalidLine('tlv', r.error));
        return EXIT.invalid;
      }
      io.out(values.json ? toJson(r.value.map((n) => ({ tag: byteHex(n.tag), length: n.value.length, value: n.value }))) : explainSimple(r.value));
      return EXIT.ok;
    }
    const r = parseTlv(bytes.value);
    if (!r.ok) {
      io.err(invalidLine('tlv', r.error));
      return EXIT.invalid;
    }
    io.out(values.json ? toJson(tlvJson(r.value)) : explainTlv(r.value));
    return EXIT.ok;
  },
};
