// The card conformance suite over the PC/SC transport: the emulator's CPS
// (vpcd port 35963, "Virtual PCD 00 00") and carte Vitale (35964, "Virtual
// PCD 00 01") served to real pcscd, read through pcsclite. Holds the vpcd
// readers lock for the whole file; skips with the reason when pcscd, vpcd
// or pcsclite are missing.
import test from 'ava';
import { createVpcdClient, ensurePcscd, lockVpcdReaders, missingPcscPrerequisites, releasePcscd, VPCD_PORT_SLOT0, VPCD_PORT_SLOT1 } from '../../emulator/index.js';
import { createPcscTransport, loadPcsclite, untilCardPresence as cardShown } from '../../drivers/index.js';
import { conformanceCards } from './test-support.js';
import { testTransport, type CardFixture } from './transport.js';

const READER0 = 'Virtual PCD 00 00';
const READER1 = 'Virtual PCD 00 01';
const missing = [
  ...missingPcscPrerequisites(['pcscd', 'gcc']),
  ...(await loadPcsclite().then(() => [], () => ['the npm module pcsclite (Debian libpcsclite-dev, then npm ci)'])),
];

async function pcscFixture(): Promise<CardFixture> {
  const cards = await conformanceCards();
  const transport = createPcscTransport();
  const served = new Map([
    [READER0, { card: cards.cps, client: createVpcdClient(cards.cps, { atr: await cards.cps.powerOn(), port: VPCD_PORT_SLOT0 }) }],
    [READER1, { card: cards.vitale, client: createVpcdClient(cards.vitale, { atr: await cards.vitale.powerOn(), port: VPCD_PORT_SLOT1 }) }],
  ]);
  const slot = (reader: string) => {
    const found = served.get(reader);
    if (found === undefined) throw new Error(`no card served for ${reader}`);
    return found;
  };
  for (const [reader, { client }] of served) {
    // A card the previous fixture pulled shows until pcscd's next presence poll: wait for the empty slot first.
    await cardShown(transport, reader, false, 10_000);
    client.start();
    await cardShown(transport, reader, true, 10_000);
  }
  return {
    transport,
    cpsReader: READER0,
    vitaleReader: READER1,
    doctor: cards.doctor,
    patient: cards.patient,
    removeCard: async (reader) => {
      await slot(reader).client.stop();
      await cardShown(transport, reader, false, 10_000);
    },
    insertCard: async (reader) => {
      slot(reader).card.mute(false);
      slot(reader).client.start();
      await cardShown(transport, reader, true, 10_000);
    },
    muteCard: async (reader) => slot(reader).card.mute(true),
    close: async () => {
      await transport.close();
      for (const { client } of served.values()) await client.stop();
      cards.dispose();
    },
  };
}

if (missing.length === 0) {
  let unlock: () => void = () => undefined;
  test.before(async () => {
    unlock = await lockVpcdReaders({ timeoutMs: 120_000 });
    await ensurePcscd();
  });
  test.after.always(async () => {
    await releasePcscd();
    unlock();
  });
  testTransport('pcsc', pcscFixture, {
    exclusive: true,
    transactions: true,
    extendedApdu: true,
    muteCard: true,
    removalMidApdu: true,
    emulatedCards: true,
  });
} else {
  test.skip(`pcsc › card conformance suite [needs ${missing.join(', ')}]`, () => undefined);
}
