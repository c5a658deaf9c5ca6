// The CCID driver against the software CCID reader behind the usb mimic:
// APDU level and T=1 TPDU level with the emulator's CPS and carte Vitale,
// time extensions, the PIN pad, hot-plug, removal mid-APDU, hostile
// replies, a machine without USB, and open/close cycles.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPS3_ATR, fromCard, openVitale } from '../../emulator/index.js';
import { hex, parseT1Block, toHex } from '../../protocol/index.js';
import { isDriverError, type DriverError } from '../core/errors.js';
import type { ReaderPort, TransportEvent } from '../core/transport.js';
import { verifyPinOnPad } from './ccid-port.js';
import { DOCTOR_ID, PATIENT_ID, twoSlotReader, type Bench } from './mimic/test-support.js';
import { createCcidTransport } from './transport.js';
import { MimicUsb } from './mimic/usb-mimic.js';
import { SoftwareCcidReader } from './mimic/software-reader.js';

const BOTH = { share: 'exclusive', protocols: ['T=0', 'T=1'] } as const;
const SELECT_VITALE = hex('00 A4 04 00 0B D2 50 00 00 02 56 49 54 41 4C 45');
const READ_82 = hex('00 B0 82 00 00');
const GET_RESPONSE = (n: number) => Uint8Array.of(0x00, 0xc0, 0x00, 0x00, n);
const VITALE_APDUS = [SELECT_VITALE, READ_82];

/** What the same Vitale answers in process: the reference for every transport. */
async function direct(apdus: readonly Uint8Array[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ccid-direct-'));
  try {
    const card = fromCard(await openVitale(PATIENT_ID, { stateDir: dir }));
    await card.powerOn();
    const out: string[] = [];
    for (const a of apdus) out.push(toHex(await card.transmit(a)));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function send(port: ReaderPort, apdus: readonly Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of apdus) out.push(toHex(await port.transmit(a)));
  return out;
}

async function withBench(options: Parameters<typeof twoSlotReader>[0], body: (b: Bench) => Promise<void>): Promise<void> {
  const b = await twoSlotReader(options);
  try {
    await body(b);
  } finally {
    await b.dispose();
  }
}

const expectCode = async (t: { true(v: boolean, m?: string): void }, p: Promise<unknown>, code: DriverError['code']) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  t.true(isDriverError(error, code), `expected ${code}, got ${String(error)}`);
};

test('list: one reader per slot, named "<product> <serial> 00 0N", with card presence', async (t) => {
  await withBench({ level: 'short-apdu', productName: 'Vital Reader', serialNumber: 'X42' }, async (b) => {
    t.deepEqual(await b.transport.list(), [
      { name: 'Vital Reader X42 00 00', cardPresent: true },
      { name: 'Vital Reader X42 00 01', cardPresent: true },
    ]);
    b.reader.remove(1);
    t.deepEqual((await b.transport.list()).map((r) => r.cardPresent), [true, false]);
  });
});

for (const level of ['short-apdu', 'extended-apdu'] as const) {
  test(`${level} level: the CPS ATR, and the Vitale read answers exactly as the card in process`, async (t) => {
    await withBench({ level }, async (b) => {
      const [cpsReader, vitaleReader] = (await b.transport.list()).map((r) => r.name);
      const cps = await b.transport.open(cpsReader!, BOTH);
      t.is(toHex(cps.atr), CPS3_ATR.replace(/ /g, ''));
      t.is(cps.protocol, 'T=0');
      t.false(cps.chainsResponses);
      const vitale = await b.transport.open(vitaleReader!, BOTH);
      t.deepEqual(await send(vitale, VITALE_APDUS), await direct(VITALE_APDUS));
      t.true(b.reader.received.some((c) => c.type === 'set-parameters' && c.parameters.protocol === 'T=0'));
      await vitale.close('unpower');
      await cps.close('leave');
    });
  });
}

test('TPDU level with T=1: IFSD negotiated, blocks through both T=1 machines, same answers as in process', async (t) => {
  await withBench({ level: 'tpdu', t1: true }, async (b) => {
    const name = (await b.transport.list())[1]!.name;
    const port = await b.transport.open(name, BOTH);
    t.is(port.protocol, 'T=1');
    const blocks = b.reader.received.filter((c) => c.type === 'xfr-block').map((c) => (c.type === 'xfr-block' ? c.data : new Uint8Array(0)));
    const ifs = parseT1Block(blocks[0]!, { edc: 'lrc' });
    t.true(ifs.ok && ifs.value.kind === 's' && ifs.value.type === 'ifs' && ifs.value.ifs === 254, 'the first block is S(IFS request 254)');
    const apdus = [...VITALE_APDUS, GET_RESPONSE(0x10)];
    t.deepEqual(await send(port, apdus), await direct(apdus));
    await port.close('unpower');
  });
});

for (const [level, t1] of [['short-apdu', false], ['tpdu', true]] as const) {
  test(`a slow card at ${level}${t1 ? ' T=1' : ''}: time extensions keep the host waiting past its timeout, the answer arrives`, async (t) => {
    const extensions: number[] = [];
    const plan = { faults: [{ trigger: { ins: 'B0' }, action: { kind: 'delay' as const, ms: 600, waitExtensions: 3 } }] };
    await withBench({ level, t1, vitaleFaults: plan, muteAfterMs: 400, transport: { timeoutMs: 400, onTimeExtension: (_slot, m) => extensions.push(m) } }, async (b) => {
      const port = await b.transport.open((await b.transport.list())[1]!.name, BOTH);
      t.deepEqual(await send(port, VITALE_APDUS), await direct(VITALE_APDUS));
      if (t1) t.true(b.reader.received.some((c) => c.type === 'xfr-block' && c.data[1] === 0xe3), 'the host answered S(WTX response)');
      else t.true(extensions.length >= 3, `time extension replies: ${extensions.length}`);
    });
  });
}

test('PIN pad: the digits typed on the pad verify the CPS PIN; a wrong PIN gives 63Cx; Cancel is a canceled error', async (t) => {
  await withBench({ level: 'short-apdu', pinPad: true }, async (b) => {
    const port = await b.transport.open((await b.transport.list())[0]!.name, BOTH);
    const apdu = hex('00 20 00 01 08 FF FF FF FF FF FF FF FF');
    const verify = () => verifyPinOnPad(port, { apdu, minDigits: 4, maxDigits: 8 });
    b.reader.pinPadDigits = '0000' === b.doctor.pin ? '9999' : '0000';
    t.regex(toHex(await verify()), /^63C2$/);
    b.reader.pinPadDigits = b.doctor.pin;
    t.is(toHex(await verify()), '9000');
    b.reader.pinPadDigits = null;
    await expectCode(t, verify(), 'canceled');
    const secure = b.reader.received.find((c) => c.type === 'secure');
    t.false(JSON.stringify(secure, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)).includes(toHex(new TextEncoder().encode(b.doctor.pin))), 'the PIN never crosses the host');
  });
});

test('PIN pad: a reader without one refuses with not-supported', async (t) => {
  await withBench({ level: 'short-apdu' }, async (b) => {
    const port = await b.transport.open((await b.transport.list())[0]!.name, BOTH);
    await expectCode(t, verifyPinOnPad(port, { apdu: hex('00 20 00 01 08 FF FF FF FF FF FF FF FF'), minDigits: 4, maxDigits: 8 }), 'not-supported');
  });
});

test('hot-plug: card removed and inserted (NotifySlotChange), reader unplugged and plugged (usb events)', async (t) => {
  await withBench({ level: 'short-apdu' }, async (b) => {
    const events: TransportEvent[] = [];
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
      t.true(ok(), what);
    };
    const names = (await b.transport.list()).map((r) => r.name);
    const port = await b.transport.open(names[1]!, BOTH);
    const stop = b.transport.watch((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 50));
    b.reader.remove(1);
    await until('card.removed', () => events.some((e) => e.type === 'card.removed' && e.reader === names[1]));
    await expectCode(t, port.transmit(SELECT_VITALE), 'card-removed');
    b.reader.insert(1, b.vitale);
    await until('card.inserted with the ATR', () => events.some((e) => e.type === 'card.inserted' && e.reader === names[1] && e.atr.length > 2));
    const cps = await b.transport.open(names[0]!, BOTH);
    b.usb.unplug(b.device);
    await until('reader.removed for both slots', () => events.filter((e) => e.type === 'reader.removed').length === 2);
    await expectCode(t, cps.transmit(SELECT_VITALE), 'reader-gone');
    const second = new SoftwareCcidReader({ level: 'short-apdu', serialNumber: 'SECOND' });
    b.usb.plug(second.usbFunction);
    await until('reader.added', () => events.some((e) => e.type === 'reader.added' && e.reader.includes('SECOND')));
    stop();
  });
});

test('removal in the middle of an APDU: the pending transmit rejects with card-removed', async (t) => {
  const plan = { faults: [{ trigger: { ins: 'B0' }, action: { kind: 'delay' as const, ms: 400 } }] };
  await withBench({ level: 'short-apdu', vitaleFaults: plan }, async (b) => {
    const port = await b.transport.open((await b.transport.list())[1]!.name, BOTH);
    await port.transmit(SELECT_VITALE);
    const pending = port.transmit(READ_82);
    setTimeout(() => b.reader.remove(1), 100);
    await expectCode(t, pending, 'card-removed');
  });
});

for (const [hostile, code] of [['wrong-seq', 'protocol-error'], ['wrong-slot', 'protocol-error'], ['wrong-length', 'protocol-error'], ['garbage', 'protocol-error'], ['silence', 'timeout']] as const) {
  test(`a reply with ${hostile} is a ${code} DriverError, and nothing hangs`, async (t) => {
    await withBench({ level: 'short-apdu', transport: { timeoutMs: 300 } }, async (b) => {
      const port = await b.transport.open((await b.transport.list())[1]!.name, BOTH);
      b.reader.hostile.push(hostile);
      await expectCode(t, port.transmit(SELECT_VITALE), code);
    });
  });
}

test('no USB bus: list rejects with no-service, in plain words', async (t) => {
  const usb = new MimicUsb();
  usb.noBus = true;
  const transport = createCcidTransport({ usb });
  const error = await t.throwsAsync(transport.list());
  t.true(isDriverError(error, 'no-service'));
  t.regex(error?.message ?? '', /no USB bus/);
  await transport.close();
});

test('a reader held by another driver: open is a sharing-violation naming pcscd; a second open of a slot too', async (t) => {
  await withBench({ level: 'short-apdu' }, async (b) => {
    const name = (await b.transport.list())[0]!.name;
    await b.transport.open(name, BOTH);
    await expectCode(t, b.transport.open(name, BOTH), 'sharing-violation');
  });
  const usb = new MimicUsb();
  const device = usb.plug(new SoftwareCcidReader({ level: 'short-apdu' }).usbFunction);
  device.heldByAnotherDriver = true;
  const transport = createCcidTransport({ usb });
  const error = await t.throwsAsync(transport.list());
  t.true(isDriverError(error, 'sharing-violation'));
  t.regex(error?.message ?? '', /pcscd/);
  t.false(device.opened, 'the device is closed again');
  await transport.close();
});

test('300 open/transmit/close cycles, then close(): the device is closed and its interface released', async (t) => {
  await withBench({ level: 'short-apdu' }, async (b) => {
    const name = (await b.transport.list())[1]!.name;
    for (let i = 0; i < 300; i++) {
      const port = await b.transport.open(name, BOTH);
      await port.transmit(SELECT_VITALE);
      await port.close(i % 2 === 0 ? 'leave' : 'unpower');
    }
    t.true(b.device.opened);
    await b.transport.close();
    t.false(b.device.opened);
    t.false(b.device.configuration.interfaces.some((i) => i.claimed));
    await expectCode(t, b.transport.list(), 'closed');
  });
});

test('close() rejects a pending transmit with closed', async (t) => {
  const plan = { faults: [{ trigger: { ins: 'B0' }, action: { kind: 'delay' as const, ms: 300 } }] };
  await withBench({ level: 'short-apdu', vitaleFaults: plan }, async (b) => {
    const port = await b.transport.open((await b.transport.list())[1]!.name, BOTH);
    await port.transmit(SELECT_VITALE);
    const pending = port.transmit(READ_82);
    await port.close('leave');
    await expectCode(t, pending, 'closed');
  });
});

test('the default transport loads usb lazily and reports this machine\'s missing USB bus plainly', async (t) => {
  const transport = createCcidTransport();
  const error = await t.throwsAsync(transport.list());
  t.true(isDriverError(error, 'no-service', 'not-installed'), String(error));
  await transport.close();
  t.truthy(DOCTOR_ID);
});
