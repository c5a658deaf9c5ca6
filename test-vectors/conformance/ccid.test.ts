// The card conformance suite over the CCID transport: the driver against the
// software CCID reader (short APDU level) behind the usb mimic, with the
// conformance suite's CPS and carte Vitale in slots 0 and 1.
import { createCcidTransport, MimicUsb, SoftwareCcidReader } from '../../drivers/index.js';
import { cardFixture, type TransportRig } from './test-support.js';
import { testTransport } from './transport.js';

const READERS = { cps: 'bifente software CCID SW0001 00 00', vitale: 'bifente software CCID SW0001 00 01' } as const;
const SLOTS = { cps: 0, vitale: 1 } as const;

function ccidRig(): TransportRig {
  const reader = new SoftwareCcidReader({ level: 'extended-apdu', muteAfterMs: 500 });
  const usb = new MimicUsb();
  usb.plug(reader.usbFunction);
  const transport = createCcidTransport({ usb, interruptPollMs: 100, timeoutMs: 1000 });
  return {
    transport,
    readers: READERS,
    insert: async (role, card) => reader.insert(SLOTS[role], card),
    remove: async (role) => reader.remove(SLOTS[role]),
    close: () => transport.close(),
  };
}

testTransport('ccid', () => cardFixture(ccidRig), {
  exclusive: true,
  transactions: false,
  extendedApdu: true,
  muteCard: true,
  removalMidApdu: true,
  emulatedCards: true,
});
