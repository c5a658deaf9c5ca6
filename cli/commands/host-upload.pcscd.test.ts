// `bifente host upload --reader`: the CPS in a PC/SC reader, through real
// pcscd + vpcd, with the emulator's dr-benali CPS served as a vpcd client.
// The CLI runs as a process against the REAL teleservice on loopback and a
// host database filled by a real sync. Covers the card paths the SoftHSM2
// tests cannot: the CPS signing in a reader, the reader without a card, and
// the PIN counting down to blocked on the card itself. Holds the vpcd readers
// lock; skips, with the reason in the title, without pcscd, vpcd or pcsclite.
import test from 'ava';
import { ensurePcscd, loadDoctors, lockVpcdReaders, releasePcscd } from '../../emulator/index.js';
import { cardShown, missingPcsc, PORT0, READER0, READER1, serveCard } from '../../drivers/pcsc/test-support.js';
import { createPcscTransport } from '../../drivers/index.js';
import { tempFolder } from '../../host-sdk/test-support.js';
import { runCli, spawnCli } from '../test-support.js';
import { HOST_EXIT } from './host-exit.js';
import { startTeleservice, syncedHostDatabase, terminalTemplate } from './host-test-support.js';

const missing = await missingPcsc();
const real = missing.length === 0 ? test.serial : test.serial.skip;
const title = (what: string): string => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);
const folder = tempFolder();
const PIN = (await loadDoctors()).find((d) => d.id === 'dr-benali')!.pin;
let template: string;
let unlock: () => void = () => undefined;

test.before(async () => {
  if (missing.length > 0) return;
  template = await terminalTemplate(folder.dir);
  unlock = await lockVpcdReaders({ timeoutMs: 120_000 });
  await ensurePcscd();
});
test.after.always(async () => {
  if (missing.length === 0) {
    await releasePcscd();
    unlock();
  }
  folder.remove();
});

/** dr-benali's CPS, a fresh card state, in "Virtual PCD 00 00" until the test ends. */
async function cpsInReader(t: { teardown(fn: () => Promise<void>): void }): Promise<void> {
  const cps = await serveCard('cps', PORT0);
  t.teardown(() => cps.client.stop());
  const transport = createPcscTransport();
  try {
    await cardShown(transport, READER0);
  } finally {
    await transport.close();
  }
}

const upload = (db: string, url: string, reader: string, pin: string, ...extra: string[]) => spawnCli(['host', 'upload', '--db', db, '--url', url, '--reader', reader, '--pin-stdin', ...extra], { stdin: `${pin}\n` });
const states = async (db: string): Promise<string[]> => (JSON.parse((await runCli('host', 'lots', '--db', db, '--json')).out) as { state: string }[]).map((l) => l.state);

real(title('host upload --reader: the CPS in a PC/SC reader authenticates and the lots are sent; the PIN in no output'), async (t) => {
  t.timeout(120_000);
  await cpsInReader(t);
  const db = await syncedHostDatabase(folder.dir, template, 'host-ok.db');
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());
  const r = await upload(db, url, READER0, PIN, '--json');
  t.is(r.code, HOST_EXIT.ok, r.err);
  const summary = JSON.parse(r.out) as { passes: { upload: { sent: unknown[] } }[] };
  t.is(summary.passes[0]!.upload.sent.length, 2);
  t.deepEqual(await states(db), ['sent', 'sent']);
  t.is(service.store.counts()['lot_reception'], 2);
  t.false(`${r.out}${r.err}`.includes(PIN));
});

real(title('host upload --reader: an empty reader is exit 10, card unavailable, one line; nothing sent'), async (t) => {
  t.timeout(60_000);
  const db = await syncedHostDatabase(folder.dir, template, 'host-empty.db');
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());
  const r = await upload(db, url, READER1, PIN);
  t.is(r.code, HOST_EXIT.cardUnavailable, r.err);
  t.is(r.out, '');
  t.regex(r.err, /^bifente host upload: CPS unavailable: .*no card.*Virtual PCD 00 01.*\n$/);
  t.deepEqual(await states(db), ['signed', 'signed']);
  t.is(service.store.counts()['lot_reception'] ?? 0, 0);
});

real(title('host upload --reader: wrong PINs count down on the card (exit 9 with the tries left), the last one blocks it (exit 10), then the right PIN is exit 10 too'), async (t) => {
  t.timeout(120_000);
  await cpsInReader(t);
  const db = await syncedHostDatabase(folder.dir, template, 'host-blocked.db');
  const { service, url } = await startTeleservice();
  t.teardown(() => service.close());
  const wrong = PIN === '7391' ? '7392' : '7391';
  const outputs: string[] = [];
  for (const left of [2, 1]) {
    const r = await upload(db, url, READER0, wrong);
    outputs.push(r.out, r.err);
    t.is(r.code, HOST_EXIT.pinIncorrect, r.err);
    t.regex(r.err, new RegExp(`PIN incorrect.*${left}`));
  }
  const third = await upload(db, url, READER0, wrong);
  outputs.push(third.out, third.err);
  t.is(third.code, HOST_EXIT.cardUnavailable, third.err);
  t.regex(third.err, /^bifente host upload: PIN incorrect on the last try: the CPS is now blocked; unblock it with its code de déblocage\n$/);
  const right = await upload(db, url, READER0, PIN);
  outputs.push(right.out, right.err);
  t.is(right.code, HOST_EXIT.cardUnavailable, right.err);
  t.regex(right.err, /^bifente host upload: PIN blocked: unblock the CPS with its code de déblocage\n$/);
  t.deepEqual(await states(db), ['signed', 'signed']);
  t.is(service.store.counts()['lot_reception'] ?? 0, 0);
  t.false(outputs.join('').includes(wrong) || outputs.join('').includes(PIN), 'no PIN in any output');
});
