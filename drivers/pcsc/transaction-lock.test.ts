import test from 'ava';
import { ReaderLocks } from './transaction-lock.js';

test('first owner gets the lock at once, the next in turn when it is released (FIFO)', async (t) => {
  const locks = new ReaderLocks();
  const [a, b, c] = [{}, {}, {}];
  await locks.acquire('R', a, 1000);
  const order: string[] = [];
  const pb = locks.acquire('R', b, 1000).then(() => order.push('b'));
  const pc = locks.acquire('R', c, 1000).then(() => order.push('c'));
  t.true(locks.holds('R', a));
  t.true(locks.heldByOther('R', b));
  t.false(locks.heldByOther('R', a));
  locks.release('R', a);
  await pb;
  t.true(locks.holds('R', b));
  locks.release('R', b);
  await pc;
  locks.release('R', c);
  t.deepEqual(order, ['b', 'c']);
  t.false(locks.heldByOther('R', a));
});

test('locks of different readers are independent; release by a non-holder does nothing', async (t) => {
  const locks = new ReaderLocks();
  const [a, b] = [{}, {}];
  await locks.acquire('R0', a, 1000);
  await locks.acquire('R1', b, 1000);
  locks.release('R0', b);
  t.true(locks.holds('R0', a));
  t.true(locks.holds('R1', b));
});

test('a waiter gives up with timeout; abandon rejects a waiter with closed and frees a held lock', async (t) => {
  const locks = new ReaderLocks();
  const [a, b, c] = [{}, {}, {}];
  await locks.acquire('R', a, 1000);
  t.like(await t.throwsAsync(locks.acquire('R', b, 20)), { code: 'timeout' });
  const waiting = locks.acquire('R', c, 1000);
  locks.abandon('R', c);
  t.like(await t.throwsAsync(waiting), { code: 'closed' });
  locks.abandon('R', a);
  t.false(locks.heldByOther('R', b));
  await locks.acquire('R', b, 10);
  t.true(locks.holds('R', b));
});

test('taking a lock the owner already holds is a programmer error', async (t) => {
  const locks = new ReaderLocks();
  const a = {};
  await locks.acquire('R', a, 1000);
  await t.throwsAsync(locks.acquire('R', a, 1000), { message: /already open/ });
});
