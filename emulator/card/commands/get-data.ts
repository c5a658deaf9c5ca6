/**
 * GET DATA (ISO/IEC 7816-4 §7.4.2). Even INS CA: P1-P2 is the tag, the
 * answer is the data object's value (OURS: value only). Odd INS CB: P1-P2
 * names the file (3FFF: the current DF), the data field is a tag list 5C
 * (answer: the whole data objects, concatenated) or an extended header
 * list 4D (answered by the profile's hook, else 6A88).
 * @module
 */
import { concatBytes, parseTlvNode, SW, tagToBytes, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import { requireCondition } from '../access.js';
import type { DataObject, DfNode } from '../card-model.js';
import { childByFid } from '../file-system.js';
import type { CardContext } from '../session.js';

/** The data object with this tag in the DF or, failing that, its ancestors (OURS). */
function lookup(df: DfNode, tag: number): DataObject | undefined {
  for (let at: DfNode | undefined = df; at !== undefined; at = at.parent) {
    const found = at.dataObjects.find((d) => d.tag === tag);
    if (found !== undefined) return found;
  }
  return undefined;
}

function readable(ctx: CardContext, df: DfNode, tag: number): DataObject {
  const found = lookup(df, tag) ?? (() => { throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND); })();
  requireCondition(found.read, ctx.security);
  return found;
}

/** GET DATA, even INS: the value of the object whose tag is P1-P2 (P1 = 00 for a one-byte tag). */
export function getData(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length !== 0 || cmd.ne === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const tag = (cmd.p1 << 8) | cmd.p2;
  if (tag === 0 || tag === 0xffff) throw new CardStatus(SW.INCORRECT_P1_P2);
  return readable(ctx, ctx.channel.currentDf, tag).value;
}

function tagList(list: Uint8Array): number[] {
  const tags: number[] = [];
  let i = 0;
  while (i < list.length) {
    let tag = list[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      do {
        if (i >= list.length) throw new CardStatus(SW.WRONG_DATA);
        tag = tag * 256 + list[i]!;
      } while ((list[i++]! & 0x80) !== 0 && tag < 0x1000000);
    }
    tags.push(tag);
  }
  return tags;
}

/** A whole data object, primitive or constructed, with a minimal BER length (X.690 §8.1.3). */
function dataObjectBytes(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concatBytes(tagToBytes(tag), Uint8Array.from(length), value);
}

/** GET DATA, odd INS CB: 5C tag list or 4D extended header list on the DF named by P1-P2. */
export function getDataOdd(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const fid = (cmd.p1 << 8) | cmd.p2;
  const df = fid === 0x3fff ? ctx.channel.currentDf : childByFid(ctx.channel.currentDf, fid);
  if (df === undefined) throw new CardStatus(SW.FILE_NOT_FOUND);
  if (df.kind !== 'df') throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
  const request = parseTlvNode(cmd.data);
  if (!request.ok) throw new CardStatus(SW.WRONG_DATA);
  const node = request.value;
  if (node.tag === 0x4d) {
    const answer = ctx.extensions.extendedHeaderList?.(node.value, df, ctx);
    if (answer === undefined) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
    return answer;
  }
  if (node.tag !== 0x5c || node.value.length === 0) throw new CardStatus(SW.WRONG_DATA);
  return concatBytes(...tagList(node.value).map((tag) => dataObjectBytes(tag, readable(ctx, df, tag).value)));
}
