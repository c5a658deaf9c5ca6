/**
 * The PIN buffer: a callback actor that owns the digits typed during PIN
 * entry in its closure and hands them to the card itself (issue 6: the PIN
 * goes to the card and is forgotten). The digits are never in a machine's
 * context, an event it emits, a snapshot or an error: the machine only
 * counts them. On `pin.submit` the buffer builds the VERIFY, sends it,
 * zeroes its copy and reports the status word; on `pin.clear` or when the
 * actor stops it zeroes the digits.
 *
 * VERIFY (ISO/IEC 7816-4 §11.5.6) `00 20 00 <reference> <Lc> <PIN>`: ASCII
 * digits padded with FF to the stored length, as OpenSC pads for a CPx
 * (DOMAIN.md "PIN"); the empty VERIFY `00 20 00 <reference>` asks the
 * tries left without counting one.
 * @module
 */
import { fromCallback, fromPromise } from 'xstate';
import type { CardChannel } from '../../drivers/index.js';
import { verifyCommand } from '../../protocol/index.js';
import type { KeyEvent } from '../ui/index.js';
import { cardFailureOf, type CardFailure } from './card-failure.js';

/** What the buffer needs. */
export interface PinPadInput {
  readonly channel: CardChannel;
  /** The PIN's reference on the card (CPS code porteur: 1). */
  readonly reference: number;
  /** Digits kept at most; more are ignored. */
  readonly maxLength: number;
  /** The VERIFY data length: the PIN padded with FF up to it. */
  readonly padTo: number;
}

/** What the PIN machine tells the buffer. */
export type PinPadCommand = Extract<KeyEvent, { type: 'key.digit' | 'key.correction' }> | { readonly type: 'pin.submit' } | { readonly type: 'pin.clear' };

/** What the buffer reports: the card's status word for the VERIFY, or why it could not be sent. */
export type PinPadReport = { readonly type: 'pin.checked'; readonly sw: number } | { readonly type: 'pin.failed'; readonly failure: CardFailure };

/** Send one VERIFY; resolves with the status word (a card's refusal is data). */
export type VerifyPin = (channel: CardChannel, reference: number, pin: Uint8Array) => Promise<number>;

/** The VERIFY through the drivers' session; the command's copy of the PIN is zeroed once sent. */
export const transmitVerify: VerifyPin = async (channel, reference, pin) => {
  const command = verifyCommand(reference, pin);
  try {
    return (await channel.transmit(command)).sw;
  } finally {
    command.fill(0);
  }
};

/** The empty VERIFY: the PIN's status without spending a try (DOMAIN.md "PIN: VERIFY with Lc=0 returns 63Cx"). */
export const readPinStatus = fromPromise<number, { readonly channel: CardChannel; readonly reference: number }>(
  async ({ input, signal }) => (await input.channel.transmit(Uint8Array.of(0x00, 0x20, 0x00, input.reference), { signal })).sw,
);

/** Build the buffer actor; tests pass a fake `verify`. */
export function createPinPad(verify: VerifyPin = transmitVerify) {
  return fromCallback<PinPadCommand, PinPadInput>(({ input, receive, sendBack }) => {
    const digits: number[] = [];
    const wipe = (): void => {
      digits.fill(0);
      digits.length = 0;
    };
    receive((command) => {
      if (command.type === 'key.digit') {
        if (digits.length < input.maxLength) digits.push(command.digit);
      } else if (command.type === 'key.correction') {
        digits.pop();
      } else if (command.type === 'pin.clear') {
        wipe();
      } else {
        const pin = new Uint8Array(Math.max(input.padTo, digits.length)).fill(0xff);
        digits.forEach((digit, i) => (pin[i] = 0x30 + digit));
        wipe();
        verify(input.channel, input.reference, pin)
          .then(
            (sw) => sendBack({ type: 'pin.checked', sw } satisfies PinPadReport),
            (error: unknown) => sendBack({ type: 'pin.failed', failure: cardFailureOf(error) } satisfies PinPadReport),
          )
          .finally(() => pin.fill(0));
      }
    });
    return wipe;
  });
}

/** The buffer with the real VERIFY. */
export const pinPad = createPinPad();
