/**
 * READ BINARY (B0) and UPDATE BINARY (D6), even INS (ISO/IEC 7816-4 §7.2.3
 * and §7.2.5): P1 b8=1 gives an SFI in b5-b1 and an 8-bit offset in P2,
 * else P1-P2 is a 15-bit offset into the current EF.
 * @module
 */
import { MAX_NE, SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import type { CardContext } from '../session.js';
import { transparentEf } from './current-ef.js';

function sfiAndOffset(cmd: CommandApdu): { sfi: number | undefined; offset: number } {
  if ((cmd.p1 & 0x80) === 0) return { sfi: undefined, offset: (cmd.p1 << 8) | cmd.p2 };
  const sfi = cmd.p1 & 0x1f;
  if ((cmd.p1 & 0x60) !== 0 || sfi === 0 || sfi === 0x1f) throw new CardStatus(SW.INCORRECT_P1_P2);
  return { sfi, offset: cmd.p2 };
}

/**
 * READ BINARY. Fewer bytes than Ne left: with Le = 00 (or 0000) the card
 * answers what is left with 9000, with an explicit Le it answers them with
 * 6282 (OURS, see README). An offset at or past the end is 6B00.
 */
export function readBinary(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length !== 0 || cmd.ne === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const { sfi, offset } = sfiAndOffset(cmd);
  const ef = transparentEf(ctx, sfi, 'read');
  if (offset >= ef.content.length) throw new CardStatus(SW.WRONG_P1_P2);
  const out = ef.content.slice(offset, offset + cmd.ne);
  const maximal = cmd.ne === 256 || cmd.ne === MAX_NE;
  if (out.length < cmd.ne && !maximal) throw new CardStatus(SW.END_OF_FILE, out);
  return out;
}

/** UPDATE BINARY: writes at the offset (6B00 past the end, 6A84 when the data does not fit), then persists. */
export function updateBinary(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length === 0 || cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const { sfi, offset } = sfiAndOffset(cmd);
  const ef = transparentEf(ctx, sfi, 'update');
  if (offset >= ef.content.length) throw new CardStatus(SW.WRONG_P1_P2);
  if (offset + cmd.data.length > ef.content.length) throw new CardStatus(SW.NOT_ENOUGH_MEMORY);
  const next = ef.content.slice();
  next.set(cmd.data, offset);
  ef.content = next;
  ctx.persist();
  return new Uint8Array(0);
}
