import test from 'ava';
import { encodeLinkFrame, parseLinkFrame, type LinkFrame } from './frame.js';
import { createLinkSession, type LinkSession, type LinkStep } from './session.js';
import { PERFECT_LINE, runLink } from './simulated-line.js';

const frames = (step: LinkStep): LinkFrame[] => step.out.map((b) => {
  const r = parseLinkFrame(b);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
});

/** Two sessions, handshake done by hand; returns them. */
function openPair(options = {}): { a: LinkSession; b: LinkSession } {
  const a = createLinkSession(options);
  const b = createLinkSession(options);
  const resetA = a.start(0, 1).out[0]!;
  const resetB = b.start(0, 2).out[0]!;
  const ackFromB = b.receive(resetA, 0).out;
  const ackFromA = a.receive(resetB, 0).out;
  for (const f of ackFromB) a.receive(f, 0);
  for (const f of ackFromA) b.receive(f, 0);
  return { a, b };
}

test('handshake: a reset, answered by a reset-ack with the same nonce, opens the link', (t) => {
  const a = createLinkSession();
  const b = createLinkSession();
  const start = a.start(0, 0x1234);
  t.deepEqual(frames(start), [{ kind: 'reset', nonce: 0x1234 }]);
  t.is(a.state, 'connecting');
  const answer = b.receive(start.out[0]!, 0);
  t.deepEqual(frames(answer), [{ kind: 'reset-ack', nonce: 0x1234, senderNonce: 0 }], 'b has not started: its nonce is 0');
  t.false(a.receive(encodeLinkFrame({ kind: 'reset-ack', nonce: 0x9999, senderNonce: 5 }), 0).opened, 'a stale nonce does not open');
  t.true(a.receive(answer.out[0]!, 0).opened);
  t.is(a.state, 'open');
});

test('no data flows before the handshake; a message queued early goes after it', (t) => {
  const a = createLinkSession();
  a.start(0, 1);
  t.deepEqual(a.send(Uint8Array.of(1, 2), 0).out, []);
  const opened = a.receive(encodeLinkFrame({ kind: 'reset-ack', nonce: 1, senderNonce: 2 }), 5);
  t.deepEqual(frames(opened), [{ kind: 'data', seq: 0, first: true, last: true, messageId: 0, payload: Uint8Array.of(1, 2) }]);
});

test('the reset is sent again until answered, and the link fails after maxRetries', (t) => {
  const a = createLinkSession({ retransmitMs: 100, maxRetries: 2 });
  a.start(0, 1);
  a.send(Uint8Array.of(1), 0);
  t.is(a.nextDeadline, 100);
  t.deepEqual(frames(a.tick(99)), []);
  t.deepEqual(frames(a.tick(100)), [{ kind: 'reset', nonce: 1 }]);
  t.deepEqual(frames(a.tick(200)), [{ kind: 'reset', nonce: 1 }]);
  const last = a.tick(300);
  t.is(last.failed?.lost, 1);
  t.is(a.state, 'failed');
  t.is(a.nextDeadline, null, 'a failed link sets no timer');
});

test('a 200-byte message goes in 4 fragments within the window, and arrives whole', (t) => {
  const { a, b } = openPair();
  const message = Uint8Array.from({ length: 200 }, (_, i) => i);
  const sent = a.send(message, 10);
  const data = frames(sent).filter((f) => f.kind === 'data');
  t.deepEqual(data.map((f) => [f.seq, f.first, f.last]), [[0, true, false], [1, false, false], [2, false, false], [3, false, true]]);
  const got = b.receive(concat(sent.out), 11);
  t.deepEqual(got.delivered, [message]);
  t.deepEqual(frames(got), [{ kind: 'ack', seq: 4 }], 'one cumulative ack for the whole chunk');
  a.receive(got.out[0]!, 12);
  t.is(a.nextDeadline, null, 'nothing left to retransmit');
});

test('the window caps frames in flight; an ack opens it again', (t) => {
  const { a, b } = openPair({ windowSize: 2 });
  const sent = a.send(new Uint8Array(58 * 5), 0);
  t.is(sent.out.length, 2);
  const acked = b.receive(concat(sent.out), 1);
  const more = a.receive(acked.out[0]!, 2);
  t.deepEqual(frames(more).map((f) => (f.kind === 'data' ? f.seq : -1)), [2, 3]);
});

test('a lost frame: the receiver keeps the later ones and naks once, the sender resends only the missing one', (t) => {
  const { a, b } = openPair();
  const sent = a.send(new Uint8Array(58 * 3), 0);
  const [, second, third] = sent.out;
  const nak = b.receive(concat([second!, third!]), 1);
  t.deepEqual(frames(nak), [{ kind: 'nak', seq: 0 }], 'one nak for two frames past the gap');
  const again = a.receive(nak.out[0]!, 2);
  t.deepEqual(frames(again).map((f) => (f.kind === 'data' ? f.seq : -1)), [0]);
  const got = b.receive(concat(again.out), 3);
  t.is(got.delivered.length, 1);
  t.is(got.delivered[0]!.length, 58 * 3);
  t.deepEqual(frames(got), [{ kind: 'ack', seq: 3 }]);
  t.is(a.stats.retransmissions, 1);
});

test('two gaps: after the first is filled, the receiver asks for the second at once', (t) => {
  const { a, b } = openPair();
  const sent = a.send(new Uint8Array(58 * 4), 0);
  const [, second, , fourth] = sent.out;
  b.receive(concat([second!, fourth!]), 1);
  const resent = a.receive(encodeLinkFrame({ kind: 'nak', seq: 0 }), 2);
  const next = b.receive(resent.out[0]!, 3);
  t.deepEqual(frames(next), [{ kind: 'nak', seq: 2 }]);
});

test('a lost ack: the sender retransmits on time, the receiver drops the duplicate and acks again', (t) => {
  const { a, b } = openPair({ retransmitMs: 50 });
  const sent = a.send(Uint8Array.of(9), 0);
  t.is(b.receive(sent.out[0]!, 1).delivered.length, 1);
  const resent = a.tick(50);
  t.is(resent.out.length, 1);
  const dup = b.receive(resent.out[0]!, 51);
  t.deepEqual(dup.delivered, [], 'delivered once');
  t.deepEqual(frames(dup), [{ kind: 'ack', seq: 1 }]);
  t.is(b.stats.duplicates, 1);
});

test('delayed ack: a frame that is not the last of a message is acknowledged after ackDelayMs', (t) => {
  const { a, b } = openPair({ windowSize: 8, ackDelayMs: 10 });
  const sent = a.send(new Uint8Array(58 * 2), 0);
  t.deepEqual(b.receive(sent.out[0]!, 0).out, []);
  t.is(b.nextDeadline, 10);
  t.deepEqual(frames(b.tick(10)), [{ kind: 'ack', seq: 1 }]);
});

test('data stops being acknowledged: the link fails after maxRetries and counts the lost messages', (t) => {
  const { a } = openPair({ retransmitMs: 10, maxRetries: 3 });
  a.send(new Uint8Array(100), 0);
  a.send(new Uint8Array(1), 0);
  let step: LinkStep | undefined;
  for (let now = 10; a.state === 'open'; now += 10) step = a.tick(now);
  t.is(step?.failed?.lost, 2);
  t.is(a.stats.retransmissions, 3 * 3, 'the 3 frames in flight sent 3 more times');
});

test('a peer restart: a new reset drops what was in flight, reports it, and both directions restart at 0', (t) => {
  const { a, b } = openPair();
  a.send(new Uint8Array(100), 0);
  const restart = b.start(1, 77).out[0]!;
  const seen = a.receive(restart, 2);
  t.deepEqual(seen.peerRestarted, { lost: 1 });
  t.deepEqual(frames(seen), [{ kind: 'reset-ack', nonce: 77, senderNonce: 1 }]);
  t.is(a.state, 'open');
  t.deepEqual(a.receive(restart, 3).peerRestarted, null, 'the same reset again is only answered');
  b.receive(seen.out[0]!, 4);
  const sent = a.send(Uint8Array.of(5), 5);
  t.deepEqual(frames(sent).map((f) => (f.kind === 'data' ? f.seq : -1)), [0]);
  t.deepEqual(b.receive(sent.out[0]!, 6).delivered, [Uint8Array.of(5)]);
});

test('a failed side reopens when the peer resets', (t) => {
  const a = createLinkSession({ retransmitMs: 10, maxRetries: 1 });
  a.start(0, 1);
  a.tick(10);
  a.tick(20);
  t.is(a.state, 'failed');
  const step = a.receive(encodeLinkFrame({ kind: 'reset', nonce: 3 }), 30);
  t.true(step.opened);
  t.is(a.state, 'open');
});

test('a message larger than the receiver allows is dropped with an error, and the next one arrives', (t) => {
  const a = createLinkSession({ maxMessageSize: 1000 });
  const b = createLinkSession({ maxMessageSize: 100 });
  b.start(0, 2);
  a.start(0, 1);
  a.receive(b.receive(encodeLinkFrame({ kind: 'reset', nonce: 1 }), 0).out[0]!, 0);
  b.receive(encodeLinkFrame({ kind: 'reset-ack', nonce: 2, senderNonce: 1 }), 0);
  const big = a.send(new Uint8Array(300), 0);
  const got = b.receive(concat(big.out), 1);
  t.deepEqual(got.delivered, []);
  t.deepEqual(got.errors.map((e) => e.reason), ['too-large']);
  a.receive(got.out[0]!, 2);
  t.deepEqual(b.receive(concat(a.send(Uint8Array.of(1), 3).out), 4).delivered, [Uint8Array.of(1)]);
  t.throws(() => a.send(new Uint8Array(1001), 5), { instanceOf: RangeError });
});

test('options out of range are programmer errors', (t) => {
  t.throws(() => createLinkSession({ windowSize: 128 }), { instanceOf: RangeError });
  t.throws(() => createLinkSession({ retransmitMs: 0 }), { instanceOf: RangeError });
  t.throws(() => createLinkSession().start(0, 2 ** 32), { instanceOf: RangeError });
});

test('sequence numbers wrap past 255 over a perfect line', (t) => {
  const fromA = Array.from({ length: 300 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
  const run = runLink({ fromA, fromB: [], faults: PERFECT_LINE, seed: 1 });
  t.deepEqual(run.b.delivered, fromA);
  t.false(run.timedOut);
});

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}
