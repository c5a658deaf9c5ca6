import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVpcdFramer, encodeVpcdFrame, hex, toHex } from '../../protocol/index.js';
import { COMMANDS } from './index.js';
import { main } from '../main.js';
import { runCli } from '../test-support.js';

const cards = fileURLToPath(new URL('../../test-vectors/cards/', import.meta.url));

const generic = join(cards, 'generic.json');
const stateDir = () => mkdtempSync(join(tmpdir(), 'bifente-card-'));

/**
 * A stand-in for pcscd's vpcd driver: it listens, the card connects, and
 * the test sends frames (controls get no answer but get-ATR).
 */
async function fakeVpcd(): Promise<{ port: number; send(payload: string): Promise<void>; exchange(payload: string): Promise<string>; close(): void }> {
  const server = createServer();
  const connected = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const framer = createVpcdFramer();
  const frames: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  void connected.then((s) =>
    s.on('data', (d: Buffer) => {
      frames.push(...framer.push(new Uint8Array(d)).frames);
      wake?.();
    }),
  );
  const send = async (payload: string): Promise<void> => {
    (await connected).write(encodeVpcdFrame(hex(payload)));
  };
  return {
    port: (server.address() as AddressInfo).port,
    send,
    async exchange(payload) {
      await send(payload);
      while (frames.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return toHex(frames.shift()!, ' ');
    },
    close() {
      void connected.then((s) => s.destroy());
      server.close();
    },
  };
}

test('card list names the CPS and Vitale personas', async (t) => {
  const r = await runCli('card', 'list', '--json');
  t.is(r.code, 0);
  const rows = JSON.parse(r.out) as { id: string; profile: string }[];
  t.true(rows.filter((row) => row.profile === 'cps3').length >= 4);
  t.true(rows.filter((row) => row.profile.startsWith('vitale')).length >= 30);
});

test('card serve answers vpcd: the ATR, then APDUs from the card image', async (t) => {
  const vpcd = await fakeVpcd();
  const state = stateDir();
  const before = readFileSync(generic, 'utf8');
  const stop = new AbortController();
  let err = '';
  const served = main(['card', 'serve', '--image', generic, '--state', state, '--port', String(vpcd.port)], COMMANDS, {
    out: () => undefined,
    err: (s) => (err += s),
    signal: stop.signal,
  });
  try {
    const atr = await vpcd.exchange('04');
    t.regex(atr, /^3B /);
    await vpcd.send('01'); // power on: no answer
    t.is(await vpcd.exchange('00 A4 00 0C 02 3F 00'), '90 00');
    t.is(await vpcd.exchange('00 A4 04 0C 05 A0 00 00 03 08'), '6A 82', 'a foreign AID (PIV) is not found');
  } finally {
    stop.abort();
    t.is(await served, 0);
    vpcd.close();
  }
  t.regex(err, /connected/);
  t.is(readFileSync(generic, 'utf8'), before, 'the image file itself never changes');
  t.true(existsSync(join(state, 'generic.json')), 'the card state lives in the state folder');
});

test('card serve needs exactly one card source', async (t) => {
  t.is((await runCli('card', 'serve')).code, 2);
  t.is((await runCli('card', 'serve', '--null', '--image', 'x.json')).code, 2);
  const missing = await runCli('card', 'serve', '--image', '/nonexistent/card.json');
  t.is(missing.code, 1);
  t.regex(missing.err, /cannot open/);
});

test('card with no sub-command is a usage error', async (t) => {
  t.is((await runCli('card')).code, 2);
  t.is((await runCli('card', 'frobnicate')).code, 2);
});

test('card serve --persona serves a doctor\'s CPS3: its ATR and its application', async (t) => {
  const vpcd = await fakeVpcd();
  const stop = new AbortController();
  const served = main(['card', 'serve', '--persona', 'dr-benali', '--state', stateDir(), '--port', String(vpcd.port)], COMMANDS, {
    out: () => undefined,
    err: () => undefined,
    signal: stop.signal,
  });
  try {
    t.is(await vpcd.exchange('04'), '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00');
    await vpcd.send('01');
    t.is(await vpcd.exchange('00 A4 04 0C 0D E8 28 BD 08 0F 80 25 00 00 01 FF 00 10'), '90 00', 'the CPx AID');
  } finally {
    stop.abort();
    t.is(await served, 0);
    vpcd.close();
  }
});

test('card serve --realistic answers at the pace of the persona\'s real card (CPS3: about 30 ms for VERIFY)', async (t) => {
  const vpcd = await fakeVpcd();
  const stop = new AbortController();
  const served = main(['card', 'serve', '--persona', 'dr-benali', '--realistic', '--state', stateDir(), '--port', String(vpcd.port)], COMMANDS, {
    out: () => undefined,
    err: () => undefined,
    signal: stop.signal,
  });
  try {
    await vpcd.exchange('04');
    await vpcd.send('01');
    const start = performance.now();
    t.regex(await vpcd.exchange('00 20 00 01'), /^63 C3$/, 'the empty VERIFY: 3 tries left');
    t.true(performance.now() - start >= 30, 'the CPS3 timing data gives VERIFY 30 ms of processing');
  } finally {
    stop.abort();
    t.is(await served, 0);
    vpcd.close();
  }
});

test('card serve: --realistic needs a persona and excludes --timing; a bad timing file is invalid input', async (t) => {
  t.is((await runCli('card', 'serve', '--image', generic, '--realistic')).code, 2);
  t.is((await runCli('card', 'serve', '--persona', 'dr-benali', '--realistic', '--timing', 'x.json')).code, 2);
  const bad = join(stateDir(), 'timing.json');
  writeFileSync(bad, JSON.stringify({ baud: -1, protocol: 'T=1', perCommand: {}, default: 0 }));
  const r = await runCli('card', 'serve', '--persona', 'dr-benali', '--state', stateDir(), '--timing', bad);
  t.is(r.code, 1);
  t.regex(r.err, /timing\.baud must be a positive number/);
  const notJson = await runCli('card', 'serve', '--persona', 'dr-benali', '--state', stateDir(), '--timing', generic.replace('.json', '.missing'));
  t.is(notJson.code, 1);
  t.regex(notJson.err, /cannot use .* as a timing file/);
});

test('card serve --persona with an unknown id is invalid input', async (t) => {
  const r = await runCli('card', 'serve', '--persona', 'dr-nobody', '--state', stateDir());
  t.is(r.code, 1);
  t.regex(r.err, /dr-nobody/);
});

test('card serve --persona serves a patient\'s carte Vitale: Rufus\'s first read', async (t) => {
  const vpcd = await fakeVpcd();
  const stop = new AbortController();
  const served = main(['card', 'serve', '--persona', 'pt-durand-family', '--state', stateDir(), '--port', String(vpcd.port)], COMMANDS, {
    out: () => undefined,
    err: () => undefined,
    signal: stop.signal,
  });
  try {
    t.is(await vpcd.exchange('04'), '3B 75 13 00 00 47 09 EA 90 00');
    await vpcd.send('01');
    t.regex(await vpcd.exchange('00 A4 00 00 02 3F 00'), /(90 00|61 ..)$/);
    t.regex(await vpcd.exchange('00 B0 82 00 00'), /^65 .* 90 00$/, 'one 65 template per beneficiary');
  } finally {
    stop.abort();
    t.is(await served, 0);
    vpcd.close();
  }
});
