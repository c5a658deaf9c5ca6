// The keypad model: events, the console mapping, the log-safe form.
import test from 'ava';
import { digitKey, isDigit, keyFromConsole, loggableEvent } from './keypad.js';

test('digit keys carry 0..9, nothing else', (t) => {
  t.deepEqual(digitKey(0), { type: 'key.digit', digit: 0 });
  t.deepEqual(digitKey(9), { type: 'key.digit', digit: 9 });
  for (const bad of [-1, 10, 1.5, Number.NaN]) t.throws(() => digitKey(bad), { instanceOf: RangeError });
  t.false(isDigit('3'));
});

test('console keys map to the keypad', (t) => {
  const table = [
    ['7', { type: 'key.digit', digit: 7 }],
    ['backspace', { type: 'key.correction' }],
    ['escape', { type: 'key.cancel' }],
    ['return', { type: 'key.validate' }],
    ['Enter', { type: 'key.validate' }],
    ['up', { type: 'key.up' }],
    ['down', { type: 'key.down' }],
  ] as const;
  for (const [name, event] of table) t.deepEqual(keyFromConsole(name), event, name);
  t.is(keyFromConsole('a'), undefined);
  t.is(keyFromConsole('77'), undefined);
});

test('a loggable digit key has no digit; other events pass unchanged', (t) => {
  t.deepEqual(loggableEvent(digitKey(4)), { type: 'key.digit' });
  const other = { type: 'card.inserted', reader: 'CPS' };
  t.is(loggableEvent(other), other);
});
