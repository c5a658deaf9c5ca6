/**
 * MANAGE CHANNEL (70, ISO/IEC 7816-4 §7.1.2) for channels 1-3, and GET
 * CHALLENGE (84, §7.5.3) from the card's seeded generator.
 * @module
 */
import { SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import { newChannel, type CardContext } from '../session.js';

const EMPTY = new Uint8Array(0);

/**
 * MANAGE CHANNEL. P1 00 opens: P2 00 lets the card choose (answers the
 * number, Le 01), P2 1-3 opens that channel. P1 80 closes P2 (1-3), or the
 * channel of the CLA when P2 is 00. A new channel opened from channel 0
 * starts at the MF, from another channel it inherits its current files
 * (ISO/IEC 7816-4 §5.1.1.2).
 */
export function manageChannel(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const { channels } = ctx;
  if (cmd.p1 === 0x80) {
    const target = cmd.p2 === 0 ? ctx.channelNumber : cmd.p2;
    if (cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
    if (target === 0 || target > 3) throw new CardStatus(SW.INCORRECT_P1_P2);
    if (channels[target] === undefined) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED);
    channels[target] = undefined;
    return EMPTY;
  }
  if (cmd.p1 !== 0x00 || cmd.p2 > 3) throw new CardStatus(SW.INCORRECT_P1_P2);
  const chosen = cmd.p2 === 0;
  if (chosen ? cmd.ne !== 1 : cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const number = chosen ? [1, 2, 3].find((n) => channels[n] === undefined) : cmd.p2;
  if (number === undefined) throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED);
  if (channels[number] !== undefined) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED);
  const from = ctx.channel;
  channels[number] = ctx.channelNumber === 0 ? newChannel(ctx.model.mf) : newChannel(from.currentDf, from.currentEf);
  return chosen ? Uint8Array.of(number) : EMPTY;
}

/** GET CHALLENGE: Ne pseudo-random bytes (P1-P2 0000); reproducible from the card's seed. */
export function getChallenge(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1_P2);
  if (cmd.data.length !== 0 || cmd.ne === 0 || cmd.ne > 256) throw new CardStatus(SW.WRONG_LENGTH);
  return ctx.rng.bytes(cmd.ne);
}
