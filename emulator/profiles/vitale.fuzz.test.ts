// 100,000 random and mutated APDUs against the Vitale 2 and the Vitale 1 profiles: never an
// exception, always a valid SW, and the card's data never changes (every
// file is read-only, the card has no PIN): neither in memory nor in storage.
import { fc, test } from '@fast-check/ava';
import { hex } from '../../protocol/index.js';
import { serializeCardImage } from '../card/card-image-writer.js';
import { memoryStorage } from '../card/storage.js';
import { fuzzApdus, mustOpen } from '../card/test-support.js';
import { loadPersona, type Patient } from '../personas/index.js';
import { vitale1Image, vitaleImage } from './vitale-image.js';
import { loadVitalePki } from './vitale.js';

const patient = (await loadPersona('pt-durand-family')) as Patient;
const IMAGES = {
  'Vitale 2': JSON.stringify(vitaleImage(patient, await loadVitalePki(patient))),
  'Vitale 1': JSON.stringify(vitale1Image(patient)),
};

/** What Rufus and cardpeek send (DOMAIN.md), FSE securing, and the writes a rogue host might try: the seeds of the mutations. */
const SEEDS = [
  '00A40000023F00', '00B0820000', '00A404000BD250000002564954414C45', '00A404000ED2500000024D465F564954414C45', '00A40000022001',
  '00B0000000', '00B0010000', '00A40000022F10', '00A40000022104', '00B0810000', '002241B606840101800142', `002A9E9A20${'5A'.repeat(32)}00`,
  '00D6000004DEADBEEF', '00D6820001FF', '00DC010408 0102030405060708', '00E00000 06 6204 8002 0010', '00C0000000', '0070000001', '00B20104 00',
].map((s) => hex(s));

const apdu = fuzzApdus(SEEDS);

for (const [profile, image] of Object.entries(IMAGES)) {
  test(`${profile}: 100,000 random and mutated APDUs: a valid SW every time, the data never changes`, (t) => {
    const storage = memoryStorage(image, process.cwd());
    const card = mustOpen(storage);
    const stored = storage.read();
    const inMemory = serializeCardImage(card.model);
    let checked = 0;
    let successes = 0;
    fc.assert(
      fc.property(fc.array(apdu, { minLength: 25, maxLength: 25 }), (commands) => {
        for (const command of commands) {
          const answer = card.execute(command);
          if (answer.length < 2) return false;
          const sw1 = answer[answer.length - 2]!;
          const sw2 = answer[answer.length - 1]!;
          if (!((sw1 === 0x90 && sw2 === 0x00) || (sw1 >= 0x61 && sw1 <= 0x6f))) return false;
          if (sw1 === 0x6f) return false;
          if (sw1 === 0x90) successes += 1;
          checked += 1;
        }
        return true;
      }),
      { numRuns: 4000 },
    );
    t.true(checked >= 100_000, `checked ${checked} APDUs`);
    t.true(successes > 1000, `${successes} commands succeeded: the run reached the files`);
    t.is(storage.read(), stored, 'nothing was written to storage');
    t.is(serializeCardImage(card.model), inMemory, 'the card in memory is unchanged');
  });
}
