// The card conformance suite over the PC/SC transport: the emulator's CPS
// (vpcd port 35963, "Virtual PCD 00 00") and carte Vitale (35964, "Virtual
// PCD 00 01") served to real pcscd, read through pcsclite. Holds the vpcd
// readers lock for the whole file; skips with the reason when pcscd, vpcd
// or pcsclite are missing.
import test from 'ava';
import { createVpcdClient, ensurePcscd, lockVpcdReaders, missingPcscPrerequisites, releasePcscd, VPCD_PORT_SLOT0, VPCD_PORT_SLOT1 } from '../../emulator/index.js';
import { createPcscTransport, loadPcsclite, untilCardPresence as cardShown } from '../../drivers/index.js';
import { cardFixture, type ConformanceCards, type TransportRig } from './test-support.js';
import { testTransport } from './transport.js';

const READERS = { cps: 'Virtual PCD 00 00', vitale: 'Virtual PCD 00 01' } as const;
const missing = [
  ...missingPcscPrerequisites(['pcscd', 'gcc']),
  ...(await loadPcsclite().then(() => [], () => ['the npm module pcsclite (Debian libpcsclite-dev, then npm ci)'])),
];

async function pcscRig(cards: ConformanceCards): Promise<TransportRig> {
  const transport = createPcscTransport();
  const clients = {
    cps: createVpcdClient(cards.cps, { atr: await cards.cps.powerOn(), port: VPCD_PORT_SLOT0 }),
    vitale: createVpcdClient(cards.vitale, { atr: await cards.vitale.powerOn(), port: VPCD_PORT_SLOT1 }),
  };
  return {
    transport,
    readers: READERS,
    // The card is the one its vpcd client serves. A card the previous fixture pulled shows until
    // pcscd's next presence poll: wait for the empty slot first.
    insert: async (role) => {
      await cardShown(transport, READERS[role], false, 10_000);
      clients[role].start();
      await cardShown(transport, READERS[role], true, 10_000);
    },
    remove: async (role) => {
      await clients[role].stop();
      await cardShown(transport, READERS[role], false, 10_000);
    },
    close: async () => {
      await transport.close();
      await clients.cps.stop();
      await clients.vitale.stop();
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
  testTransport('pcsc', () => cardFixture(pcscRig), {
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
