import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { latin1Bytes, parseAtr, protocolsOffered, tckStatus, toHex } from '../../protocol/index.js';
import { createNullCard, NULL_CARD_ATR } from './null-card.js';

test('the ATR is well formed, offers T=0 and T=1, carries "bifente" and a right TCK', (t) => {
  const card = createNullCard();
  const parsed = parseAtr(card.atr());
  if (!parsed.ok) return t.fail(parsed.error.message);
  t.deepEqual(protocolsOffered(parsed.value), [0, 1]);
  t.is(tckStatus(parsed.value), 'valid');
  t.deepEqual(parsed.value.historical, latin1Bytes('bifente'));
  t.deepEqual(card.powerOn(), Uint8Array.from(NULL_CARD_ATR));
  t.deepEqual(card.reset(), Uint8Array.from(NULL_CARD_ATR));
});

test('the ATR handed out is a copy', (t) => {
  const card = createNullCard();
  card.atr()[0] = 0;
  t.is(card.atr()[0], 0x3b);
});

testProp('answers 9000 and nothing else to any bytes, powered or not', [fc.uint8Array({ maxLength: 300 }), fc.boolean()], (t, command, powered) => {
  const card = createNullCard();
  if (powered) card.powerOn();
  else card.powerOff();
  t.is(toHex(card.execute(command)), '9000');
});
