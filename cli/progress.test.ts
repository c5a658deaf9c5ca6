import test from 'ava';
import { createProgress } from './progress.js';

const capture = (mode: 'tty' | 'lines' | 'silent') => {
  let text = '';
  return { progress: createProgress((s) => (text += s), mode), text: () => text };
};

test('lines: a line a step and a line a note', (t) => {
  const c = capture('lines');
  c.progress.note('terminal BF-1');
  c.progress.step(1, 2, 'FSE 11: stored');
  c.progress.end();
  t.is(c.text(), 'terminal BF-1\nFSE 11: stored (1/2)\n');
});

test('tty: the bar is redrawn in place and cleared before a note and at the end', (t) => {
  const c = capture('tty');
  c.progress.step(1, 4, 'a');
  c.progress.step(4, 4, 'b');
  c.progress.note('done');
  c.progress.end();
  t.is(c.text(), `[${'#'.repeat(6)}${'.'.repeat(18)}] 1/4 a\r\x1b[2K[${'#'.repeat(24)}] 4/4 b\r\x1b[2Kdone\n`);
});

test('silent: nothing', (t) => {
  const c = capture('silent');
  c.progress.note('x');
  c.progress.step(0, 0, 'y');
  c.progress.end();
  t.is(c.text(), '');
});
