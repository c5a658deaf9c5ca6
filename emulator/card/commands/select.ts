/**
 * SELECT (INS A4, ISO/IEC 7816-4 §7.1.1): by FID (P1 00), child DF (01),
 * EF under the current DF (02), parent DF (03), DF name (04, first or next
 * occurrence), path from the MF (08) or from the current DF (09); answer
 * with the FCI (P2 00), the FCP (04) or nothing (0C). FMD (08) gets 6A86.
 * @module
 */
import { SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import type { DfNode, FileNode } from '../card-model.js';
import { childByFid, dfsInOrder, fci, fcp, MF_FID, nameMatches } from '../file-system.js';
import type { CardContext } from '../session.js';

function notFound(): never {
  throw new CardStatus(SW.FILE_NOT_FOUND);
}

function fidOf(data: Uint8Array): number {
  if (data.length !== 2) throw new CardStatus(SW.WRONG_LENGTH);
  return (data[0]! << 8) | data[1]!;
}

/** P1 00: MF, a child of the current DF, the current DF itself, its parent, or a sibling (ISO/IEC 7816-4 §7.1.1). */
function byFid(df: DfNode, mf: DfNode, data: Uint8Array): FileNode {
  if (data.length === 0) return mf;
  const fid = fidOf(data);
  if (fid === MF_FID) return mf;
  const found = childByFid(df, fid) ?? (df.fid === fid ? df : undefined) ?? (df.parent?.fid === fid ? df.parent : undefined);
  return found ?? (df.parent === undefined ? undefined : childByFid(df.parent, fid)) ?? notFound();
}

function byPath(start: DfNode, mf: DfNode, data: Uint8Array): FileNode {
  if (data.length === 0 || data.length % 2 !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  let at: FileNode = start;
  for (let i = 0; i < data.length; i += 2) {
    const fid = (data[i]! << 8) | data[i + 1]!;
    // A path that repeats 3F00 first is accepted (OpenSC sends 09 with 3F00 kept, DOMAIN.md): OURS.
    if (i === 0 && fid === MF_FID) {
      at = mf;
      continue;
    }
    if (at.kind !== 'df') notFound();
    at = childByFid(at, fid) ?? notFound();
  }
  return at;
}

function byName(ctx: CardContext, data: Uint8Array, next: boolean): FileNode {
  if (data.length === 0 || data.length > 16) throw new CardStatus(SW.WRONG_LENGTH);
  const matches = dfsInOrder(ctx.model.mf).filter((df) => nameMatches(df.name, data));
  if (!next) return matches[0] ?? notFound();
  const current = matches.indexOf(ctx.channel.currentDf);
  return matches[current + 1] ?? notFound();
}

function target(cmd: CommandApdu, ctx: CardContext): FileNode {
  const { mf } = ctx.model;
  const df = ctx.channel.currentDf;
  const occurrence = cmd.p2 & 0x03;
  if (occurrence !== 0 && cmd.p1 !== 0x04) throw new CardStatus(SW.INCORRECT_P1_P2);
  switch (cmd.p1) {
    case 0x00:
      return byFid(df, mf, cmd.data);
    case 0x01: {
      const child = childByFid(df, fidOf(cmd.data));
      return child?.kind === 'df' ? child : notFound();
    }
    case 0x02: {
      // 3F00 is reserved for the MF (§7.1.1): P1 02 3F00 selects it, as OpenSC's iasecc driver expects of CPx cards (OURS).
      if (fidOf(cmd.data) === MF_FID) return mf;
      const child = childByFid(df, fidOf(cmd.data));
      return child?.kind === 'ef' ? child : notFound();
    }
    case 0x03:
      if (cmd.data.length !== 0) throw new CardStatus(SW.WRONG_LENGTH);
      return df.parent ?? notFound();
    case 0x04:
      // P2 b2-b1: 00 first or only occurrence, 10 next; last (01) and previous (11) are not supported (OURS).
      if (occurrence === 0x01 || occurrence === 0x03) throw new CardStatus(SW.INCORRECT_P1_P2);
      return byName(ctx, cmd.data, occurrence === 0x02);
    case 0x08:
      return byPath(mf, mf, cmd.data);
    case 0x09:
      return byPath(df, mf, cmd.data);
    default:
      throw new CardStatus(SW.INCORRECT_P1_P2);
  }
}

/** SELECT: the selection changes only when the command succeeds. */
export function select(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  const answer = cmd.p2 & 0xfc;
  if (answer !== 0x00 && answer !== 0x04 && answer !== 0x0c) throw new CardStatus(SW.INCORRECT_P1_P2);
  const file = target(cmd, ctx);
  const channel = ctx.channel;
  if (file.kind === 'df') {
    channel.currentDf = file;
    channel.currentEf = undefined;
  } else {
    channel.currentDf = file.parent;
    channel.currentEf = file;
  }
  channel.currentRecord = undefined;
  if (answer === 0x0c) return new Uint8Array(0);
  return answer === 0x04 ? fcp(file, ctx.model.pins) : fci(file, ctx.model.pins);
}
