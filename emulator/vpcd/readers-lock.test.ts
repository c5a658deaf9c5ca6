import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockVpcdReaders } from './readers-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'bifente-lock-')), 'readers.lock');

test('the second holder waits until the first gives the readers back', async (t) => {
  const path = lockPath();
  const release = await lockVpcdReaders({ path });
  let second = false;
  const waiting = lockVpcdReaders({ path }).then((r) => ((second = true), r));
  await new Promise((r) => setTimeout(r, 150));
  t.false(second);
  release();
  const release2 = await waiting;
  t.true(second);
  release2();
  t.false(existsSync(path));
});

test('a lock left by a dead process is taken over', async (t) => {
  const path = lockPath();
  writeFileSync(path, '999999999');
  const release = await lockVpcdReaders({ path, timeoutMs: 1000 });
  release();
  t.pass();
});

test('a live holder makes a waiter fail with readers-busy after its timeout', async (t) => {
  const path = lockPath();
  const release = await lockVpcdReaders({ path });
  await t.throwsAsync(lockVpcdReaders({ path, timeoutMs: 100 }), { message: /held by another process/ });
  release();
});
