// The in-process transport's PC/SC semantics, with the emulator's cards
// (composed here) and a hand-made card where a behaviour needs one.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardGoneError, fromCard, openVitale, type VirtualCard } from '../../emulator/index.js';
import { hex, toHex } from '../../protocol/index.js';
import { isDriverError } from '../core/errors.js';
import type { TransportEvent } from '../core/transport.js';
import { createReaderManager } from '../session/index.js';
import { createInProcessTransport } from './in-process-transport.js';

const VITALE2_ATR = '3B751300004709EA9000';
const stateDir = mkdtempSync(join(tmpdir(), 'in-process-'));
const vitale = async (): Promise<VirtualCard> => fromCard(await openVitale('pt-specimen', { stateDir }));
const SELECT_MF = hex('00 A4 00 00 02 3F 00');
const OPEN = { share: 'shared', protocols: ['T=0', 'T=1'] } as const;

/** A card answering 9000, that can go mute and leave by itself (like a fault plan's removal). */
function handMadeCard() {
  const listeners = new Set<(p: 'inserted' | 'removed') => void>();
  let muted = false;
  let drop: ((e: Error) => void) | undefined;
  const log: string[] = [];
  return {
    log,
    mute: () => void (muted = true),
    leave: () => listeners.forEach((l) => l('removed')),
    powerOn: () => (log.push('powerOn'), Promise.resolve(hex(VITALE2_ATR))),
    reset: () => (log.push('reset'), Promise.resolve(hex(VITALE2_ATR))),
    powerOff: () => {
      log.push('powerOff');
      drop?.(new CardGoneError('powered-off'));
      muted = false;
      return Promise.resolve();
    },
    transmit: () => (muted ? new Promise<Uint8Array>((_, reject) => void (drop = reject)) : Promise.resolve(hex('90 00'))),
    onPresence: (l: (p: 'inserted' | 'removed') => void) => (listeners.add(l), () => void listeners.delete(l)),
  };
}

test('events: reader.added, card.inserted with the ATR, card.removed, reader.removed; list shows presence', async (t) => {
  const transport = createInProcessTransport();
  const events: string[] = [];
  transport.watch((e: TransportEvent) => events.push(e.type + ('atr' in e ? ` ${toHex(e.atr)}` : '')));
  transport.addReader('R');
  t.deepEqual(await transport.list(), [{ name: 'R', cardPresent: false }]);
  t.is(toHex(await transport.insert('R', await vitale())), VITALE2_ATR);
  t.deepEqual(await transport.list(), [{ name: 'R', cardPresent: true }]);
  await transport.removeReader('R');
  t.deepEqual(events, ['reader.added', `card.inserted ${VITALE2_ATR}`, 'card.removed', 'reader.removed']);
  t.deepEqual(await transport.list(), []);
  await transport.close();
});

test('open: unknown reader is not-found, empty reader no-card, a protocol the card lacks not-supported', async (t) => {
  const transport = createInProcessTransport();
  transport.addReader('R');
  t.true(isDriverError(await t.throwsAsync(transport.open('X', OPEN)), 'not-found'));
  t.true(isDriverError(await t.throwsAsync(transport.open('R', OPEN)), 'no-card'));
  await transport.insert('R', await vitale());
  t.true(isDriverError(await t.throwsAsync(transport.open('R', { share: 'shared', protocols: ['T=1'] })), 'not-supported'));
  const port = await transport.open('R', OPEN);
  t.is(port.protocol, 'T=0');
  t.false(port.chainsResponses);
  t.is(toHex(await port.transmit(SELECT_MF)).slice(0, 2), '61', 'no Le: the FCI waits for GET RESPONSE, the host chains');
  await transport.close();
  t.true(isDriverError(await t.throwsAsync(transport.list()), 'closed'));
});

test('exclusive against shared: sharing-violation either way; free again after close', async (t) => {
  const transport = createInProcessTransport();
  transport.addReader('R');
  await transport.insert('R', await vitale());
  const shared = await transport.open('R', OPEN);
  t.true(isDriverError(await t.throwsAsync(transport.open('R', { ...OPEN, share: 'exclusive' })), 'sharing-violation'));
  await shared.close('leave');
  const exclusive = await transport.open('R', { ...OPEN, share: 'exclusive' });
  t.true(isDriverError(await t.throwsAsync(transport.open('R', OPEN)), 'sharing-violation'));
  await exclusive.close('leave');
  await transport.close();
});

test('thousands of open/close cycles leave no port behind (an exclusive open still works)', async (t) => {
  const transport = createInProcessTransport();
  transport.addReader('R');
  await transport.insert('R', await vitale());
  for (let i = 0; i < 5000; i++) await (await transport.open('R', OPEN)).close('leave');
  const exclusive = await transport.open('R', { ...OPEN, share: 'exclusive' });
  t.is(toHex(await exclusive.transmit(hex('00 A4 00 0C 02 3F 00'))), '9000');
  await transport.close();
});

test('transactions: another port\'s exchange is a sharing-violation; its begin waits for the end', async (t) => {
  const transport = createInProcessTransport();
  transport.addReader('R');
  await transport.insert('R', await vitale());
  const a = await transport.open('R', OPEN);
  const b = await transport.open('R', OPEN);
  await a.beginTransaction();
  t.true(isDriverError(await t.throwsAsync(b.transmit(SELECT_MF)), 'sharing-violation'));
  let bHolds = false;
  const bBegin = b.beginTransaction().then(() => void (bHolds = true));
  await new Promise((r) => setImmediate(r));
  t.false(bHolds, 'b waits');
  await a.endTransaction('leave');
  await bBegin;
  t.true(bHolds);
  t.true(isDriverError(await t.throwsAsync(a.transmit(SELECT_MF)), 'sharing-violation'));
  await transport.close();
});

test('dispositions: unpower powers the card off, the next open powers it on; reset warm-resets', async (t) => {
  const transport = createInProcessTransport();
  const card = handMadeCard();
  transport.addReader('R');
  await transport.insert('R', card);
  await (await transport.open('R', OPEN)).close('reset');
  const port = await transport.open('R', OPEN);
  await port.close('unpower');
  t.true(isDriverError(await t.throwsAsync(port.transmit(SELECT_MF)), 'closed'));
  await transport.open('R', OPEN);
  t.deepEqual(card.log, ['powerOn', 'reset', 'powerOff', 'powerOn']);
  await transport.close();
});

test('a card that leaves by itself mid-exchange: the exchange rejects card-removed and card.removed is reported', async (t) => {
  const transport = createInProcessTransport();
  const card = handMadeCard();
  const events: string[] = [];
  transport.watch((e) => events.push(e.type));
  transport.addReader('R');
  await transport.insert('R', card);
  const port = await transport.open('R', OPEN);
  card.mute();
  const pending = port.transmit(SELECT_MF);
  card.leave();
  t.true(isDriverError(await t.throwsAsync(pending), 'card-removed'));
  t.true(events.includes('card.removed'));
  t.true(isDriverError(await t.throwsAsync(port.transmit(SELECT_MF)), 'card-removed'));
  await transport.close();
});

test('a mute card: the aborted exchange is canceled, the next is card-unresponsive until a power cycle', async (t) => {
  const transport = createInProcessTransport();
  const card = handMadeCard();
  transport.addReader('R');
  await transport.insert('R', card);
  const port = await transport.open('R', OPEN);
  card.mute();
  const controller = new AbortController();
  const pending = port.transmit(SELECT_MF, { signal: controller.signal });
  controller.abort();
  t.true(isDriverError(await t.throwsAsync(pending), 'canceled'));
  const error = await t.throwsAsync(port.transmit(SELECT_MF));
  t.true(isDriverError(error, 'card-unresponsive'));
  t.regex(error?.message ?? '', /has not answered the previous command/);
  await port.reset('unpower');
  t.is(toHex(await port.transmit(SELECT_MF)), '9000');
  await transport.close();
});

test('the transport closing rejects a pending exchange with closed', async (t) => {
  const transport = createInProcessTransport();
  const card = handMadeCard();
  transport.addReader('R');
  await transport.insert('R', card);
  const port = await transport.open('R', OPEN);
  card.mute();
  const pending = port.transmit(SELECT_MF);
  await transport.close();
  t.true(isDriverError(await t.throwsAsync(pending), 'closed'));
});

test('through the session layer: waitForCard, connect, chained SELECT, and a mute card times out naming the reader', async (t) => {
  const transport = createInProcessTransport();
  const manager = createReaderManager(transport, { timeoutMs: 200 });
  transport.addReader('Vitale');
  const waiting = manager.reader('Vitale').waitForCard();
  const card = handMadeCard();
  await transport.insert('Vitale', card);
  t.is(toHex(await waiting), VITALE2_ATR);
  const session = await manager.reader('Vitale').connect();
  t.is((await session.transmit(SELECT_MF)).sw, 0x9000);
  card.mute();
  const error = await t.throwsAsync(session.transmit(SELECT_MF));
  t.is(error?.message, 'no answer from the card in Vitale within 200 ms to SELECT');
  await manager.close();
  t.true(session.closed);
});

test('waitForCard on an empty reader times out with what it waited for', async (t) => {
  const transport = createInProcessTransport();
  transport.addReader('R');
  const manager = createReaderManager(transport);
  const error = await t.throwsAsync(manager.reader('R').waitForCard({ timeoutMs: 50 }));
  t.true(isDriverError(error, 'timeout'));
  t.is(error?.message, 'no card was inserted in R within 50 ms');
  await manager.close();
});
