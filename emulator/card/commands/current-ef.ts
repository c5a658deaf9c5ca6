/**
 * The EF a data-unit or record command works on: the one named by a short
 * EF identifier (which becomes the current EF, ISO/IEC 7816-4 §7.2.2), or
 * the current EF.
 * @module
 */
import { SW } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import { requireCondition } from '../access.js';
import type { EfNode, RecordEf, TransparentEf } from '../card-model.js';
import { efBySfi } from '../file-system.js';
import type { CardContext } from '../session.js';

/** The target EF: by SFI (1-30) when given, else the current EF (6986 without one), 6A82 for an unknown SFI. */
export function targetEf(ctx: CardContext, sfi: number | undefined): EfNode {
  const channel = ctx.channel;
  if (sfi === undefined) return channel.currentEf ?? (() => { throw new CardStatus(SW.NO_CURRENT_EF); })();
  const ef = efBySfi(channel.currentDf, sfi);
  if (ef === undefined) throw new CardStatus(SW.FILE_NOT_FOUND);
  if (channel.currentEf !== ef) channel.currentRecord = undefined;
  channel.currentEf = ef;
  return ef;
}

/** A transparent EF the operation is allowed on (6981 for a record EF, 6982 when the condition fails). */
export function transparentEf(ctx: CardContext, sfi: number | undefined, op: 'read' | 'update'): TransparentEf {
  const ef = targetEf(ctx, sfi);
  if (ef.structure !== 'transparent') throw new CardStatus(SW.INCOMPATIBLE_FILE_STRUCTURE);
  requireCondition(ef.access[op], ctx.security);
  return ef;
}

/** A record EF the operation is allowed on (6981 for a transparent EF, 6982 when the condition fails). */
export function recordEf(ctx: CardContext, sfi: number | undefined, op: 'read' | 'update'): RecordEf {
  const ef = targetEf(ctx, sfi);
  if (ef.structure === 'transparent') throw new CardStatus(SW.INCOMPATIBLE_FILE_STRUCTURE);
  requireCondition(ef.access[op], ctx.security);
  return ef;
}
