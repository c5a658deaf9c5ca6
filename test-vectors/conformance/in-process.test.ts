// The card conformance suite over the in-process transport, with the
// emulator's CPS and carte Vitale composed here (drivers/ never imports them).
import { createInProcessTransport } from '../../drivers/index.js';
import { cardFixture, type TransportRig } from './test-support.js';
import { testTransport } from './transport.js';

const READERS = { cps: 'bifente CPS 00', vitale: 'bifente Vitale 01' } as const;

function inProcessRig(): TransportRig {
  const transport = createInProcessTransport();
  transport.addReader(READERS.cps);
  transport.addReader(READERS.vitale);
  return {
    transport,
    readers: READERS,
    insert: async (role, card) => {
      await transport.insert(READERS[role], card);
    },
    remove: (role) => transport.remove(READERS[role]),
    close: () => transport.close(),
  };
}

testTransport('in-process', () => cardFixture(inProcessRig), {
  exclusive: true,
  transactions: true,
  extendedApdu: true,
  muteCard: true,
  removalMidApdu: true,
  emulatedCards: true,
});
