import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { decodeCla, encodeCla, withChaining, withChannel } from './cla.js';

test('decodeCla: first interindustry form', (t) => {
  t.deepEqual(decodeCla(0x00), { kind: 'interindustry', form: 'first', chaining: false, secureMessaging: 'none', channel: 0 });
  t.deepEqual(decodeCla(0x1f), { kind: 'interindustry', form: 'first', chaining: true, secureMessaging: 'header-authenticated', channel: 3 });
  t.deepEqual(decodeCla(0x04), { kind: 'interindustry', form: 'first', chaining: false, secureMessaging: 'proprietary', channel: 0 });
  t.deepEqual(decodeCla(0x08), { kind: 'interindustry', form: 'first', chaining: false, secureMessaging: 'header-not-processed', channel: 0 });
});

test('decodeCla: further interindustry form, channels 4-19', (t) => {
  t.deepEqual(decodeCla(0x40), { kind: 'interindustry', form: 'further', chaining: false, secureMessaging: 'none', channel: 4 });
  t.deepEqual(decodeCla(0x7f), { kind: 'interindustry', form: 'further', chaining: true, secureMessaging: 'header-not-processed', channel: 19 });
});

test('decodeCla: proprietary, RFU and invalid classes', (t) => {
  t.is(decodeCla(0x80).kind, 'proprietary');
  t.is(decodeCla(0xa0).kind, 'proprietary');
  t.is(decodeCla(0xfe).kind, 'proprietary');
  t.is(decodeCla(0xff).kind, 'invalid');
  t.is(decodeCla(0x20).kind, 'rfu');
  t.is(decodeCla(0x3f).kind, 'rfu');
  t.throws(() => decodeCla(256), { instanceOf: RangeError });
});

test('withChannel moves between the two forms and keeps chaining and SM', (t) => {
  t.deepEqual(withChannel(0x00, 4), { ok: true, value: 0x40 });
  t.deepEqual(withChannel(0x10, 19), { ok: true, value: 0x5f });
  t.deepEqual(withChannel(0x48, 2), { ok: true, value: 0x02 });
  t.deepEqual(withChannel(0x68, 1), { ok: true, value: 0x09 });
  const sm = withChannel(0x0c, 4);
  t.true(!sm.ok && sm.error.reason === 'secure-messaging-not-representable');
  const prop = withChannel(0x80, 1);
  t.true(!prop.ok && prop.error.reason === 'not-interindustry');
  t.throws(() => withChannel(0x00, 20), { instanceOf: RangeError });
});

test('withChaining sets and clears b5', (t) => {
  t.deepEqual(withChaining(0x00, true), { ok: true, value: 0x10 });
  t.deepEqual(withChaining(0x1c, false), { ok: true, value: 0x0c });
  t.deepEqual(withChaining(0x45, true), { ok: true, value: 0x55 });
  t.false(withChaining(0x90, false).ok);
});

testProp('encodeCla inverts decodeCla on every interindustry byte', [fc.integer({ min: 0, max: 255 })], (t, cla) => {
  const info = decodeCla(cla);
  if (info.kind !== 'interindustry') {
    t.true(cla >= 0x80 || (cla & 0xe0) === 0x20);
    return;
  }
  t.deepEqual(encodeCla(info), { ok: true, value: cla });
});
