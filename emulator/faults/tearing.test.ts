import test from 'ava';
import { hex, toHex } from '../../protocol/index.js';
import { memoryStorage } from '../card/storage.js';
import { fromCard } from '../card/virtual-card.js';
import { GENERIC_PIN, genericStorage, lc, mustOpen, pinHex } from '../card/test-support.js';
import { withFaults } from './with-faults.js';
import { tearingSwitch } from './tearing.js';

test('a tear inside CHANGE REFERENCE DATA leaves the old PIN and a working card', async (t) => {
  const tearing = tearingSwitch();
  const seed = genericStorage();
  const storage = memoryStorage(seed.read(), seed.baseDir, tearing.hooks);
  const card = mustOpen(storage);
  const faulty = withFaults(fromCard(card), { faults: [{ name: 'tear', trigger: { ins: '24' }, action: { kind: 'tear', when: 'inside' } }] }, { tearing });
  const oldPin = pinHex(GENERIC_PIN, 8);
  const newPin = pinHex('9999', 8);
  await faulty.powerOn();
  const change = await faulty.transmit(hex(`00240001${lc(oldPin + newPin)}${oldPin}${newPin}`)).then(toHex, (e: Error) => e.name);
  t.not(change, '9000', 'the change did not complete');
  await faulty.powerOff().catch(() => undefined);
  await faulty.powerOn();
  t.is(toHex(await faulty.transmit(hex(`00200001${lc(oldPin)}${oldPin}`))), '9000', 'the old PIN still opens the card');
});
