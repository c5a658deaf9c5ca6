import test from 'ava';
import { CardStatus, type Card } from './card.js';
import { fromCard } from './virtual-card.js';

/** A card that counts what it is asked, answering 9000 to everything. */
function countingCard(): Card & { calls: string[] } {
  const calls: string[] = [];
  const atr = new Uint8Array([0x3b, 0x00]);
  return {
    calls,
    atr: () => atr,
    powerOn: () => (calls.push('on'), atr),
    reset: () => (calls.push('reset'), atr),
    powerOff: () => void calls.push('off'),
    execute: (cmd) => (calls.push(`apdu ${cmd.length}`), new Uint8Array([0x90, 0x00])),
  };
}

test('fromCard forwards every call to the card, in order', async (t) => {
  const card = countingCard();
  const v = fromCard(card);
  t.deepEqual(await v.powerOn(), new Uint8Array([0x3b, 0x00]));
  t.deepEqual(await v.transmit(new Uint8Array([0, 0xa4, 0, 0])), new Uint8Array([0x90, 0x00]));
  await v.reset();
  await v.powerOff();
  t.deepEqual(card.calls, ['on', 'apdu 4', 'reset', 'off']);
});

test('CardStatus carries the status word and optional data', (t) => {
  const s = new CardStatus(0x63c2);
  t.is(s.sw, 0x63c2);
  t.is(s.message, 'SW 63C2');
  t.is(s.data.length, 0);
});
