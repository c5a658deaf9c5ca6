// The card-image loader: the shipped image loads; every kind of bad image is
// refused with its typed reason; writing then loading keeps the card.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { toHex } from '../../protocol/index.js';
import { loadCardImage, parseCardImage, parseCardImageText } from './card-image.js';
import { cardImageJson, serializeCardImage } from './card-image-writer.js';
import { CARDS_DIR, GENERIC_IMAGE } from './test-support.js';

const generic = JSON.parse(readFileSync(GENERIC_IMAGE, 'utf8')) as Record<string, unknown> & { mf: { children: unknown[] } };

test('the generic image loads: tree, PIN and key', (t) => {
  const r = loadCardImage(GENERIC_IMAGE);
  if (!r.ok) return t.fail(r.error.message);
  const model = r.value;
  t.is(model.mf.fid, 0x3f00);
  t.is(model.mf.children.length, 3);
  t.is(model.pins.get(1)?.secret.triesLeft, 3);
  t.is(model.pins.get(1)?.unblock?.triesMax, 10);
  t.is(model.keys.get(1)?.modulusBytes, 256);
  t.not(model.warmAtr, undefined);
});

const bad: readonly [string, (image: typeof generic) => unknown, string][] = [
  ['no ATR', ({ atr: _a, ...rest }) => rest, 'schema'],
  ['an unknown property', (i) => ({ ...i, colour: 'blue' }), 'schema'],
  ['an MF that is not 3F00', (i) => ({ ...i, mf: { ...i.mf, fid: '3F01' } }), 'bad-tree'],
  ['two children with one FID', (i) => ({ ...i, mf: { ...i.mf, children: [...i.mf.children, i.mf.children[0]] } }), 'bad-tree'],
  ['a rule naming a missing PIN', (i) => ({ ...i, mf: { ...i.mf, access: { createDf: { pin: 7 } } } }), 'bad-reference'],
  ['a key guarded by a missing PIN', (i) => ({ ...i, keys: [{ reference: 1, usage: ['sign'], pin: 9, pemFile: 'keys/generic-key.pem' }] }), 'bad-reference'],
  ['a key file that does not exist', (i) => ({ ...i, keys: [{ reference: 1, usage: ['sign'], pemFile: 'keys/none.pem' }] }), 'bad-key'],
  ['a PEM that is not a key', (i) => ({ ...i, keys: [{ reference: 1, usage: ['sign'], pem: 'nope' }] }), 'bad-key'],
  ['a PIN both in clear and hashed', (i) => ({ ...i, pins: [{ reference: 1, secret: { value: '1234', salt: '00'.repeat(16), sha256: '00'.repeat(32), minLength: 4, maxLength: 8, triesMax: 3 } }] }), 'schema'],
  ['a PIN longer than its maximum', (i) => ({ ...i, pins: [{ reference: 1, secret: { value: '123456789', minLength: 4, maxLength: 8, triesMax: 3 } }] }), 'bad-reference'],
  ['more tries left than the maximum', (i) => ({ ...i, pins: [{ reference: 1, secret: { value: '1234', minLength: 4, maxLength: 8, triesMax: 3, triesLeft: 4 } }] }), 'bad-reference'],
  ['a fixed record of the wrong size', (i) => ({ ...i, mf: { fid: '3F00', children: [{ type: 'ef', fid: '0001', structure: 'linear-fixed', recordSize: 2, records: ['010203'] }] } }), 'bad-tree'],
];

for (const [what, mutate, reason] of bad) {
  test(`refused: ${what}`, (t) => {
    const r = parseCardImage(mutate(structuredClone(generic)), CARDS_DIR);
    t.is(r.ok ? 'ok' : r.error.reason, reason);
  });
}

test('write then load gives the same card, with the PIN hashed', (t) => {
  const first = loadCardImage(GENERIC_IMAGE);
  if (!first.ok) return t.fail();
  const text = serializeCardImage(first.value);
  const again = parseCardImageText(text, CARDS_DIR);
  if (!again.ok) return t.fail(again.error.message);
  const strip = (j: ReturnType<typeof cardImageJson>): unknown => JSON.parse(JSON.stringify(j));
  t.deepEqual(strip(cardImageJson(again.value)), strip(cardImageJson(first.value)));
  t.is(toHex(again.value.atr), toHex(first.value.atr));
  t.false(text.slice(text.indexOf('"pins"'), text.indexOf('"keys"')).includes('"value"'), 'no secret in clear');
});
