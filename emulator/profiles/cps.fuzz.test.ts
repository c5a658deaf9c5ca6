// 100,000 random and mutated APDUs against the CPS3 profile: never an
// exception, always a valid SW; the PIN counter never goes up without a
// successful unblock (or a successful VERIFY, which resets it, ISO/IEC
// 7816-4 §7.5.6), and a blocked PIN stays blocked until an unblock.
import { fc, test } from '@fast-check/ava';
import { memoryStorage } from '../card/storage.js';
import { fuzzApdus, mustOpen, pinHex } from '../card/test-support.js';
import { hex } from '../../protocol/index.js';
import { loadPersona, type Doctor } from '../personas/index.js';
import { cpsImage, CPS_PIN_REFERENCE } from './cps-image.js';
import { cpsCardOptions, loadCpsPki } from './cps.js';

const doctor = (await loadPersona('dr-benali')) as Doctor;
const image = JSON.stringify(cpsImage(doctor, await loadCpsPki(doctor)));

/** Commands OpenSC and the Cryptolib send (DOMAIN.md), the seeds of the mutations. */
const SEEDS = [
  '00A4090404 3F002F01 00', '00B0000000', '00B09C0000', '00A4040D0D E828BD080F8025000001FF0010 00', '00A40204023F0000',
  '00CB3FFF0B 4D097007BF8101037F4180 00', '00CB3FFF0A 4D087006BF810102A080 00', '00CB3FFF0B 4D097007BF9002037F4880 00',
  '00CB3FFF0A 4D087006BFFB01027B80 00', '0020000100', `00200001 04 ${pinHex('0000')}`, `002C0101 08 ${pinHex('00000000')}`,
  '002241AA03 800140', '002241B606 840182800142', '002A90A022 9020' + '11'.repeat(32), '002A9E9A00', '002241A406 840181800102',
  '00880000 33 3031300D060960864801650304020105000420' + '22'.repeat(32) + ' 00', '0022F301', '00C0000000', '00A4090406 3F000001D120 00',
].map((s) => hex(s));

const apdu = fuzzApdus(SEEDS);

test('100,000 random and mutated APDUs: a valid SW, counters never rise without an unblock, blocked stays blocked', (t) => {
  const card = mustOpen(memoryStorage(image, process.cwd()), cpsCardOptions());
  card.powerOn();
  const pin = () => card.model.pins.get(CPS_PIN_REFERENCE)!;
  let checked = 0;
  let blockedSeen = 0;
  fc.assert(
    fc.property(fc.array(apdu, { minLength: 25, maxLength: 25 }), (commands) => {
      for (const command of commands) {
        const before = pin().secret.triesLeft;
        const answer = card.execute(command);
        if (answer.length < 2) return false;
        const sw1 = answer[answer.length - 2]!;
        const sw2 = answer[answer.length - 1]!;
        if (!((sw1 === 0x90 && sw2 === 0x00) || (sw1 >= 0x61 && sw1 <= 0x6f))) return false;
        const after = pin().secret.triesLeft;
        const unblocked = command[1] === 0x2c && sw1 === 0x90;
        const verified = command[1] === 0x20 && sw1 === 0x90;
        if (after > before && !unblocked && !verified) return false;
        if (before === 0 && after !== 0 && !unblocked) return false;
        if (after === 0) blockedSeen += 1;
        checked += 1;
      }
      return true;
    }),
    { numRuns: 4000 },
  );
  t.true(checked >= 100_000, `checked ${checked} APDUs`);
  t.true(blockedSeen > 0, 'the run reached the blocked state, so the blocked-stays-blocked check ran');
});
