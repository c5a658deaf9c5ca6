import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, equalBytes, fromHex, hex, toHex, u16be, u32le } from './bytes.js';
import { describeError, fail, nest, ok, strict } from './result.js';

test('toHex renders upper case, with an optional separator', (t) => {
  t.is(toHex(new Uint8Array([0x3b, 0x0a, 0xff])), '3B0AFF');
  t.is(toHex(new Uint8Array([0x3b, 0x0a]), ' '), '3B 0A');
  t.is(toHex(new Uint8Array(0)), '');
});

test('fromHex accepts separators, 0x and either case', (t) => {
  const r = fromHex('0x3b:0A ff-00_11');
  t.true(r.ok && equalBytes(r.value, new Uint8Array([0x3b, 0x0a, 0xff, 0x00, 0x11])));
});

test('fromHex rejects odd length and bad digits with an offset', (t) => {
  const odd = fromHex('3B0');
  t.false(odd.ok);
  if (!odd.ok) t.is(odd.error.reason, 'bad-hex');
  const bad = fromHex('3B ZZ');
  t.false(bad.ok);
  if (!bad.ok) t.is(bad.error.offset, 1);
  t.throws(() => hex('G0'), { instanceOf: TypeError });
});

testProp('hex text round-trips', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  const back = fromHex(toHex(bytes, ' '));
  t.true(back.ok && equalBytes(back.value, bytes));
});

test('integers and concatenation', (t) => {
  const b = hex('01 02 03 04 05');
  t.is(u16be(b, 0), 0x0102);
  t.is(u32le(b, 1), 0x05040302);
  t.is(u32le(hex('FF FF FF FF'), 0), 0xffffffff);
  t.is(toHex(concatBytes(hex('01'), new Uint8Array(0), hex('0203'))), '010203');
  t.false(equalBytes(hex('01'), hex('0102')));
});

test('strict turns leftover bytes into trailing-bytes', (t) => {
  t.deepEqual(strict(ok({ value: 7, bytesRead: 3 }), 3, 'thing'), ok(7));
  const r = strict(ok({ value: 7, bytesRead: 2 }), 3, 'thing');
  t.false(r.ok);
  if (!r.ok) {
    t.is(r.error.reason, 'trailing-bytes');
    t.is(r.error.offset, 2);
  }
});

test('nest moves the offset and prefixes the path', (t) => {
  const inner = fail('truncated', 'short', 2, 'length');
  const outer = nest(inner, 10, 'tlv/65');
  t.false(outer.ok);
  t.is(outer.error.offset, 12);
  t.is(outer.error.path, 'tlv/65/length');
  t.is(describeError(outer.error), 'truncated at offset 12 (tlv/65/length): short');
  t.is(nest(fail('x', 'm', 0), 1, '').error.path, '');
});
