// pcscd restarted under a served card: the vpcd client notices, retries with
// backoff, and the card is back in the reader once pcscd is, with no action
// from anyone. Real pcscd, stopped and started by the project's script.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fromCard } from '../card/virtual-card.js';
import { createVpcdClient } from './client.js';
import { createNullCard } from './null-card.js';
import { ensurePcscd, missingPcscPrerequisites, PCSCD_SCRIPT, releasePcscd } from './pcscd.js';
import { lockVpcdReaders } from './readers-lock.js';
import { readerAtr, until } from './test-support.js';

const run = promisify(execFile);
const missing = missingPcscPrerequisites(['pcscd', 'opensc-tool', 'gcc']);
const real = missing.length === 0 ? test : test.skip;



real(`the card comes back by itself after pcscd restarts${missing.length ? ` [needs ${missing.join(', ')}]` : ''}`, async (t) => {
  const unlock = await lockVpcdReaders();
  const lease = await ensurePcscd();
  const card = createNullCard();
  const client = createVpcdClient(fromCard(card), { atr: card.atr() });
  const states: string[] = [];
  client.onEvent((e) => {
    if (e.type === 'state') states.push(e.state);
  });
  try {
    if (!lease.started) {
      t.log('pcscd was running before this test and is not ours to restart: checked the serving only');
    }
    client.start();
    await until('the card in the reader', async () => /3b/i.test(await readerAtr('Virtual PCD 00 00')));
    if (lease.started) {
      await run('bash', [PCSCD_SCRIPT, 'stop', '--force'], { timeout: 20_000 });
      await until('the client to lose vpcd', async () => client.state !== 'connected');
      await ensurePcscd();
      await until('the card back in the reader', async () => /3b/i.test(await readerAtr('Virtual PCD 00 00')));
      t.true(states.includes('waiting'), `states: ${states.join(' > ')}`);
    }
    t.is(client.state, 'connected');
  } finally {
    await client.stop();
    await releasePcscd();
    unlock();
  }
});
