/**
 * GET RESPONSE (C0, ISO/IEC 7816-4 §7.6.1). The rule (OURS, README): when a
 * command's answer has data but the command had no Le, or more data than
 * Ne, the card keeps the data (or the part past Ne) and answers 61xx (xx:
 * bytes left, 00 for 256 or more); GET RESPONSE serves up to Ne (Le absent
 * or 00: 256) and answers 61xx again while bytes are left. Any other
 * command on the channel drops what was left.
 * @module
 */
import { SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import type { ChannelState, CardContext } from '../session.js';

/** The SW 61xx for `left` bytes still available. */
export function bytesAvailable(left: number): number {
  return 0x6100 | (left >= 256 ? 0 : left);
}

/**
 * What to send for a successful answer: the data, or a first part and 61xx,
 * keeping the rest in the channel.
 */
export function chainResponse(channel: ChannelState, data: Uint8Array, ne: number): { data: Uint8Array; sw: number } {
  if (data.length === 0 || (ne !== 0 && data.length <= ne)) return { data, sw: SW.OK };
  const sent = data.subarray(0, ne);
  channel.pending = data.slice(ne);
  return { data: sent, sw: bytesAvailable(channel.pending.length) };
}

/** GET RESPONSE: P1-P2 0000; 6985 when nothing is waiting. */
export function getResponse(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1_P2);
  if (cmd.data.length !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const pending = ctx.channel.pending ?? (() => { throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED); })();
  const n = cmd.ne === 0 ? 256 : cmd.ne;
  const chunk = pending.slice(0, n);
  if (pending.length <= n) {
    ctx.channel.pending = undefined;
    return chunk;
  }
  ctx.channel.pending = pending.slice(n);
  throw new CardStatus(bytesAvailable(ctx.channel.pending.length), chunk);
}
