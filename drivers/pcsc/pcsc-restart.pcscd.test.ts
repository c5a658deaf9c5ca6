// pcscd stopped and started again under a live PC/SC session, through the
// project's script (as emulator/vpcd/pcscd-restart.test.ts does): the
// transport reports service.down, the open port fails with reader-gone,
// list() says no-service while pcscd is away, then service.up, the readers
// again, and a new session works. Only restarts a pcscd the script started.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensurePcscd, lockVpcdReaders, PCSCD_SCRIPT, releasePcscd } from '../../emulator/index.js';
import { hex, toHex } from '../../protocol/index.js';
import type { TransportEvent } from '../core/transport.js';
import { createPcscTransport } from './pcsc-transport.js';
import { cardShown, missingPcsc, nextEvent, PORT0, READER0, serveCard } from './test-support.js';

const run = promisify(execFile);
const missing = await missingPcsc();
const real = missing.length === 0 ? test : test.skip;
const SELECT_MF = hex('00 A4 00 0C 02 3F 00');
const BOTH = { share: 'shared', protocols: ['T=0', 'T=1'] } as const;

real(`pcscd restarted under a live session: service.down, reader-gone, no-service, then service.up and a new session${missing.length ? ` [needs ${missing.join(', ')}]` : ''}`, async (t) => {
  const unlock = await lockVpcdReaders({ timeoutMs: 120_000 });
  // A pcscd the script left running with no live lease is stopped, so that this test starts (and may restart) its own.
  await run('bash', [PCSCD_SCRIPT, 'stop'], { timeout: 20_000 });
  const lease = await ensurePcscd();
  const cps = await serveCard('cps', PORT0);
  const transport = createPcscTransport({ backoff: { initialMs: 50, maxMs: 400 } });
  const events: TransportEvent['type'][] = [];
  transport.watch((e) => events.push(e.type));
  try {
    await cardShown(transport, READER0);
    const port = await transport.open(READER0, BOTH);
    t.is(toHex((await port.transmit(SELECT_MF)).subarray(-2)), '9000');
    if (!lease.started) {
      t.log('pcscd was running before this test and is not ours to restart: checked the session only');
      await port.close('leave');
      t.pass();
      return;
    }
    const down = nextEvent(transport, 'service.down', (e) => e.type === 'service.down');
    await run('bash', [PCSCD_SCRIPT, 'stop', '--force'], { timeout: 20_000 });
    await down;
    t.log('pcscd stopped and started again');
    t.like(await t.throwsAsync(port.transmit(SELECT_MF)), { code: 'reader-gone', disconnected: true });
    await port.close('leave');
    const fresh = createPcscTransport();
    const refused = await t.throwsAsync(fresh.list());
    t.like(refused, { code: 'no-service' });
    t.regex(refused?.message ?? '', /pcscd is not running: start it with scripts\/pcscd\/pcscd\.sh start/);
    await fresh.close();
    const up = nextEvent(transport, 'service.up', (e) => e.type === 'service.up', 15_000);
    const readerBack = nextEvent(transport, 'reader again', (e) => e.type === 'reader.added' && e.reader === READER0, 15_000);
    await ensurePcscd();
    await up;
    await readerBack;
    await cardShown(transport, READER0, true, 10_000);
    const again = await transport.open(READER0, BOTH);
    t.is(toHex((await again.transmit(SELECT_MF)).subarray(-2)), '9000');
    await again.close('leave');
    const from = events.indexOf('service.down');
    t.deepEqual(events.slice(from, events.indexOf('service.up', from) + 2), ['service.down', 'service.up', 'reader.added']);
  } finally {
    await transport.close();
    await cps.client.stop();
    await releasePcscd();
    unlock();
  }
});
