// The card conformance suite over the in-process transport, with the
// emulator's CPS and carte Vitale composed here (drivers/ never imports them).
import { createInProcessTransport } from '../../drivers/index.js';
import { conformanceCards } from './test-support.js';
import { testTransport, type CardFixture } from './transport.js';

const CPS_READER = 'bifente CPS 00';
const VITALE_READER = 'bifente Vitale 01';

async function inProcessFixture(): Promise<CardFixture> {
  const cards = await conformanceCards();
  const transport = createInProcessTransport();
  const byReader = new Map([
    [CPS_READER, cards.cps],
    [VITALE_READER, cards.vitale],
  ]);
  const cardIn = (reader: string) => {
    const card = byReader.get(reader);
    if (card === undefined) throw new Error(`no card for ${reader}`);
    return card;
  };
  for (const [reader, card] of byReader) {
    transport.addReader(reader);
    await transport.insert(reader, card);
  }
  return {
    transport,
    cpsReader: CPS_READER,
    vitaleReader: VITALE_READER,
    doctor: cards.doctor,
    patient: cards.patient,
    removeCard: (reader) => transport.remove(reader),
    insertCard: async (reader) => {
      const card = cardIn(reader);
      card.mute(false);
      await transport.insert(reader, card);
    },
    muteCard: async (reader) => cardIn(reader).mute(true),
    close: async () => {
      await transport.close();
      cards.dispose();
    },
  };
}

testTransport('in-process', inProcessFixture, {
  exclusive: true,
  transactions: true,
  extendedApdu: true,
  muteCard: true,
  removalMidApdu: true,
  emulatedCards: true,
});
