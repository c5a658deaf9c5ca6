import test from 'ava';
import { lotLabel, toJson } from './format.js';

test('toJson: bytes as hex, errors with their name, code and message instead of {}', (t) => {
  const refused = Object.assign(new Error('the teleservice refused the lot'), { name: 'TeleserviceClientError', code: 'refused' });
  t.deepEqual(JSON.parse(toJson({ bytes: Uint8Array.of(0xa5, 0x01), failed: [{ error: refused }, { error: new TypeError('bad') }] })), {
    bytes: 'A501',
    failed: [{ error: { name: 'TeleserviceClientError', code: 'refused', message: 'the teleservice refused the lot' } }, { error: { name: 'TypeError', message: 'bad' } }],
  });
});

test('lotLabel: destination and the number on 3 digits; ? for what the lot does not tell', (t) => {
  t.is(lotLabel('751', 1), '751-001');
  t.is(lotLabel('691', 999), '691-999');
  t.is(lotLabel(undefined, 42), '?-042');
  t.is(lotLabel('131', undefined), '131-?');
});
