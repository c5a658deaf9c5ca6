// The card conformance suite over the CCID transport: the driver against the
// software CCID reader (short APDU level) behind the usb mimic, with the
// conformance suite's CPS and carte Vitale in slots 0 and 1.
import { createCcidTransport, MimicUsb, SoftwareCcidReader } from '../../drivers/index.js';
import { conformanceCards } from './test-support.js';
import { testTransport, type CardFixture } from './transport.js';

const CPS_READER = 'bifente software CCID SW0001 00 00';
const VITALE_READER = 'bifente software CCID SW0001 00 01';

async function ccidFixture(): Promise<CardFixture> {
  const cards = await conformanceCards();
  const reader = new SoftwareCcidReader({ level: 'extended-apdu', muteAfterMs: 500 });
  const usb = new MimicUsb();
  usb.plug(reader.usbFunction);
  const slots = new Map([
    [CPS_READER, { slot: 0, card: cards.cps }],
    [VITALE_READER, { slot: 1, card: cards.vitale }],
  ]);
  const slotOf = (name: string) => {
    const s = slots.get(name);
    if (s === undefined) throw new Error(`no slot named ${name}`);
    return s;
  };
  for (const { slot, card } of slots.values()) reader.insert(slot, card);
  const transport = createCcidTransport({ usb, interruptPollMs: 100, timeoutMs: 1000 });
  return {
    transport,
    cpsReader: CPS_READER,
    vitaleReader: VITALE_READER,
    doctor: cards.doctor,
    patient: cards.patient,
    removeCard: async (name) => reader.remove(slotOf(name).slot),
    insertCard: async (name) => {
      const { slot, card } = slotOf(name);
      card.mute(false);
      reader.insert(slot, card);
    },
    muteCard: async (name) => slotOf(name).card.mute(true),
    close: async () => {
      await transport.close();
      cards.dispose();
    },
  };
}

testTransport('ccid', ccidFixture, {
  exclusive: true,
  transactions: false,
  extendedApdu: true,
  muteCard: true,
  removalMidApdu: true,
  emulatedCards: true,
});
