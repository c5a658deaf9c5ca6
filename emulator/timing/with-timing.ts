/**
 * The realistic timing mode of issue 4: a decorator that makes any
 * {@link VirtualCard} answer at the pace of a real card, so integrators
 * can test their timeouts. Fast mode (no decorator) stays the default.
 * @module
 */
import type { VirtualCard } from '../card/virtual-card.js';
import { systemClock, type Clock } from './clock.js';
import { decorate } from './decorate.js';
import { PendingCalls } from './pending-calls.js';
import { ATR_BAUD, checkProfileTiming, exchangeMs, lineMs, type ProfileTiming } from './profile-timing.js';

/**
 * Wrap `card` so that every answer comes after the time a real card would
 * take ({@link exchangeMs}): bytes on the line at `timing.baud` over
 * `timing.protocol`, plus the processing time of the command. The ATR
 * takes its own bytes at {@link ATR_BAUD}. Power off and removal end a
 * pending call at once with CardGoneError. Other members of `card` (a
 * fault decorator's hooks) stay reachable. Throws RangeError on bad timing data.
 */
export function withTiming<C extends VirtualCard>(card: C, timing: ProfileTiming, clock: Clock = systemClock): C {
  checkProfileTiming(timing);
  const pending = new PendingCalls();
  pending.cancelOnRemoval(card);
  const answerAtr = async (atr: Promise<Uint8Array>): Promise<Uint8Array> => {
    const bytes = await atr;
    await pending.track(clock.sleep(lineMs(bytes.length, ATR_BAUD, 'T=0')));
    return bytes;
  };
  return decorate(card, {
    powerOn: () => answerAtr(card.powerOn()),
    reset: () => {
      pending.cancelAll('powered-off');
      return answerAtr(card.reset());
    },
    powerOff: () => {
      pending.cancelAll('powered-off');
      return card.powerOff();
    },
    transmit: async (command) => {
      const response = await pending.track(card.transmit(command));
      await pending.track(clock.sleep(exchangeMs(timing, command, response)));
      return response;
    },
    onPresence: (listener) => card.onPresence(listener),
  });
}
