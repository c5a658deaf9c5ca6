import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { createHash } from 'node:crypto';
import { toHex } from '../../protocol/index.js';
import { SHA256_BLOCK_BYTES, SHA256_INITIAL_STATE, sha256Blocks, sha256Resume } from './sha256-resume.js';

const sha256 = (data: Uint8Array) => toHex(createHash('sha256').update(data).digest());

test('FIPS 180-4 example "abc" from the initial state', (t) => {
  t.is(toHex(sha256Resume(SHA256_INITIAL_STATE, 0n, new TextEncoder().encode('abc'))), 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD');
});

test('a tail of 55 bytes fits one padded block, 56 needs two', (t) => {
  for (const size of [0, 55, 56, 63]) {
    const tail = new Uint8Array(size).fill(0x61);
    t.is(toHex(sha256Resume(SHA256_INITIAL_STATE, 0n, tail)), sha256(tail), `tail of ${size}`);
  }
});

testProp('hashing whole blocks, then resuming from the state over the tail, equals node:crypto', [fc.uint8Array({ maxLength: 700 })], (t, message) => {
  const whole = message.length - (message.length % SHA256_BLOCK_BYTES);
  const state = sha256Blocks(SHA256_INITIAL_STATE, message.subarray(0, whole));
  t.is(toHex(sha256Resume(state, BigInt(whole) * 8n, message.subarray(whole))), sha256(message));
});

test('refuses a bit count that is not whole blocks, and a tail of a whole block', (t) => {
  t.throws(() => sha256Resume(SHA256_INITIAL_STATE, 8n, new Uint8Array(1)), { instanceOf: RangeError });
  t.throws(() => sha256Resume(SHA256_INITIAL_STATE, 0n, new Uint8Array(64)), { instanceOf: RangeError });
});
