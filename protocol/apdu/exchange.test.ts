import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { concatBytes, hex, toHex } from '../bytes.js';
import { arbCommandApdu } from './arbitraries.js';
import { commandApdu, encodeCommandApdu, type CommandApdu } from './command-apdu.js';
import { exchangePlan, nextStep, type ExchangeOptions, type ExchangeStep } from './exchange.js';
import type { ResponseApdu } from './response-apdu.js';

const cmdHex = (c: CommandApdu) => toHex(encodeCommandApdu(c), ' ');

/** Run an exchange against a scripted card: returns what was sent and the last step. */
function run(command: CommandApdu, card: (c: CommandApdu) => ResponseApdu, options?: ExchangeOptions): { sent: string[]; end: ExchangeStep } {
  const sent: string[] = [];
  let step: ExchangeStep = exchangePlan(command, options);
  while (step.kind === 'send') {
    sent.push(cmdHex(step.command));
    step = nextStep(step.state, card(step.command));
  }
  return { sent, end: step };
}

const select = (() => {
  const r = commandApdu({ cla: 0x01, ins: 0xa4, p1: 0x04, p2: 0x00, data: hex('D2 50 00 00 02 56 49 54 41 4C 45') });
  if (!r.ok) throw new Error('bad literal');
  return r.value;
})();

test('61XX: GET RESPONSE on the same channel, data concatenated', (t) => {
  const script: ResponseApdu[] = [
    { data: new Uint8Array(0), sw: 0x6104 },
    { data: hex('6F 02 84 00'), sw: 0x6102 },
    { data: hex('AA BB'), sw: 0x9000 },
  ];
  const { sent, end } = run(select, () => script.shift()!);
  t.deepEqual(sent, ['01 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45', '01 C0 00 00 04', '01 C0 00 00 02']);
  t.true(end.kind === 'done' && toHex(end.response.data) === '6F028400AABB' && end.response.sw === 0x9000);
});

test('6CXX: the same command again with the right Le; 6100 asks for 256', (t) => {
  const read = commandApdu({ cla: 0, ins: 0xb0, p1: 0x82, p2: 0, ne: 256 });
  if (!read.ok) return t.fail();
  const script: ResponseApdu[] = [
    { data: new Uint8Array(0), sw: 0x6c10 },
    { data: new Uint8Array(16).fill(1), sw: 0x6100 },
    { data: new Uint8Array(0), sw: 0x6c00 },
    { data: hex('02'), sw: 0x6283 },
  ];
  const { sent, end } = run(read.value, () => script.shift()!);
  t.deepEqual(sent, ['00 B0 82 00 00', '00 B0 82 00 10', '00 C0 00 00 00', '00 C0 00 00 00']);
  t.true(end.kind === 'done' && end.response.data.length === 17 && end.response.sw === 0x6283);
});

test('a card that never stops answering 61XX is cut off', (t) => {
  const { sent, end } = run(select, () => ({ data: hex('00'), sw: 0x6101 }), { maxRounds: 5 });
  t.is(sent.length, 6);
  t.true(end.kind === 'error' && end.error.reason === 'too-many-rounds');
  const big = run(select, () => ({ data: new Uint8Array(200), sw: 0x6100 }), { maxBytes: 1000 });
  t.true(big.end.kind === 'error' && big.end.error.reason === 'too-large');
  t.throws(() => exchangePlan(select, { maxRounds: -1 }), { instanceOf: RangeError });
});

// A card that holds a response and serves it through 61XX/6CXX in chunks
// of at most 256 bytes, like a T=0 card.
function chunkingCard(full: ResponseApdu, firstChunk: number) {
  let rest: Uint8Array | undefined;
  return (c: CommandApdu): ResponseApdu => {
    if (rest === undefined) {
      rest = full.data;
      if (rest.length === 0) return full;
      if (c.ne !== firstChunk) return { data: new Uint8Array(0), sw: 0x6c00 | (firstChunk & 0xff) };
    }
    const n = Math.min(c.ne, rest.length);
    const part = rest.subarray(0, n);
    rest = rest.subarray(n);
    return rest.length === 0 ? { data: part, sw: full.sw } : { data: part, sw: 0x6100 | (Math.min(rest.length, 256) & 0xff) };
  };
}

testProp(
  'the caller gets exactly the data and SW the card holds',
  [
    arbCommandApdu(['2S', '4S']),
    fc.uint8Array({ maxLength: 1200 }),
    fc.constantFrom(0x9000, 0x6282, 0x6a82, 0x63c1),
    fc.integer({ min: 1, max: 256 }),
  ],
  (t, command, data, sw, firstChunk) => {
    const { end } = run(command, chunkingCard({ data, sw }, firstChunk));
    t.true(end.kind === 'done');
    if (end.kind === 'done') {
      t.is(toHex(end.response.data), toHex(concatBytes(data)));
      t.is(end.response.sw, sw);
    }
  },
  { numRuns: 60 },
);
