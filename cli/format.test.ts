import test from 'ava';
import { toJson } from './format.js';

test('toJson: bytes as hex, errors with their name, code and message instead of {}', (t) => {
  const refused = Object.assign(new Error('the teleservice refused the lot'), { name: 'TeleserviceClientError', code: 'refused' });
  t.deepEqual(JSON.parse(toJson({ bytes: Uint8Array.of(0xa5, 0x01), failed: [{ error: refused }, { error: new TypeError('bad') }] })), {
    bytes: 'A501',
    failed: [{ error: { name: 'TeleserviceClientError', code: 'refused', message: 'the teleservice refused the lot' } }, { error: { name: 'TypeError', message: 'bad' } }],
  });
});
