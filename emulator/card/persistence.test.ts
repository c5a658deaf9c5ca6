// Anti-tearing and persistence: a power cut between the decrement and the
// comparison never gives a free try; counters, blocking and written data
// survive a restart of the emulator (file storage in a tmp folder).
import test from 'ava';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCard } from './card-os.js';
import { fileStorage, memoryStorage, PowerCutError } from './storage.js';
import { CARDS_DIR, GENERIC_IMAGE, GENERIC_PIN, genericStorage, lc, mustOpen, pinHex, recordingLogger, send } from './test-support.js';

const VERIFY_OK = `00200001${lc(pinHex(GENERIC_PIN, 8))}${pinHex(GENERIC_PIN, 8)}`;

function triesAfterRestart(text: string | undefined): string {
  const card = mustOpen(memoryStorage(text, CARDS_DIR));
  return send(card, '00200001');
}

test('power cut right after the decrement is stored: the right PIN still cost a try', (t) => {
  const storage = genericStorage({
    afterWrite: (n) => {
      if (n === 1) throw new PowerCutError('after-write');
    },
  });
  const logger = recordingLogger();
  const card = mustOpen(storage, { logger });
  t.is(send(card, VERIFY_OK), '6F00', 'the card died mid-command');
  t.true(logger.lines.some((l) => l.startsWith('power cut')), 'logged');
  t.false(logger.lines.join('\n').includes(pinHex(GENERIC_PIN)), 'the log has no PIN');
  t.is(triesAfterRestart(storage.read()), '63C2', 'the try is counted in the stored image');
  card.powerOn();
  t.is(send(card, '00200001'), '63C2', 'the same card, powered again, reloads the stored image');
  t.is(send(card, VERIFY_OK), '9000');
});

test('power cut before the restore is stored: the counter is down, never up', (t) => {
  const storage = genericStorage({
    beforeWrite: (n) => {
      if (n === 2) throw new PowerCutError('before-write');
    },
  });
  const card = mustOpen(storage);
  t.is(send(card, VERIFY_OK), '6F00');
  t.is(triesAfterRestart(storage.read()), '63C2');
});

test('power cut before the decrement is stored: no comparison happened, nothing changed', (t) => {
  const storage = genericStorage({
    beforeWrite: (n) => {
      if (n === 1) throw new PowerCutError('before-write');
    },
  });
  const card = mustOpen(storage);
  t.is(send(card, VERIFY_OK), '6F00');
  t.is(card.powerOn().length > 0, true);
  t.is(send(card, '00200001'), '63C3', 'the old image: full counter, PIN not verified');
});

test('file storage: counters, blocked state and written data survive a restart; writes are atomic', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-card-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'generic.json');
  copyFileSync(GENERIC_IMAGE, path);
  const first = mustOpen(fileStorage(path, { baseDir: CARDS_DIR }));
  t.is(send(first, VERIFY_OK), '9000');
  t.is(send(first, '00A4040C09F0424946454E544501'), '9000');
  t.is(send(first, '00D6810003C0FFEE'), '9000');
  first.reset();
  t.is(send(first, '0020000108' + pinHex('0000', 8)), '63C2');
  t.deepEqual(readdirSync(dir), ['generic.json'], 'no temporary file left behind');
  const second = mustOpen(fileStorage(path, { baseDir: CARDS_DIR }));
  t.is(send(second, '00200001'), '63C2', 'the counter survived');
  t.is(send(second, '00A4040C09F0424946454E544501'), '9000');
  t.is(send(second, '00B0810003'), 'C0FFEE9000', 'the data survived');
  for (let i = 0; i < 2; i++) send(second, '0020000108' + pinHex('0000', 8));
  const third = mustOpen(fileStorage(path, { baseDir: CARDS_DIR }));
  t.is(send(third, '00200001'), '6983', 'blocked today, blocked tomorrow');
  t.false(readFileSync(path, 'utf8').includes(pinHex(GENERIC_PIN, 8)));
});

test('openCard refuses a missing or bad image with a typed reason', (t) => {
  const missing = openCard(memoryStorage(undefined, CARDS_DIR));
  t.is(missing.ok ? 'ok' : missing.error.reason, 'unreadable');
  const badJson = openCard(memoryStorage('{', CARDS_DIR));
  t.is(badJson.ok ? 'ok' : badJson.error.reason, 'bad-json');
  const dir = mkdtempSync(join(tmpdir(), 'bifente-card-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const noFile = openCard(fileStorage(join(dir, 'absent.json')));
  t.is(noFile.ok ? 'ok' : noFile.error.reason, 'unreadable');
});
