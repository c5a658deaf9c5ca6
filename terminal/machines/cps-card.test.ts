// The CPS situation codec: differential against the emulator's encoder over
// every persona, a bad-input table, and parse never throwing.
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { loadDoctors, situationContent } from '../../emulator/index.js';
import { encodeTlv, hex, tlv, tlvConstructed, toHex } from '../../protocol/index.js';
import { CPS_SITUATION_FILES, parseCpsSituation, selectSituationFile, type CpsSituationReason } from './cps-card.js';

const doctors = await loadDoctors();

test('every persona situation reads back as the persona says (emulator encoder ↔ terminal parser)', (t) => {
  let checked = 0;
  for (const doctor of doctors) {
    doctor.situations.forEach((situation, index) => {
      const parsed = parseCpsSituation(situationContent(situation), index);
      if (!parsed.ok) return t.fail(`${doctor.id}/${index}: ${parsed.error.message}`);
      t.deepEqual(parsed.value, { index, ...situation }, `${doctor.id}/${index}`);
      checked++;
    });
  }
  t.true(checked >= 20, `${checked} situations`);
});

test('an all-zero file is an unused situation; zero padding after E0 is allowed', (t) => {
  t.deepEqual(parseCpsSituation(new Uint8Array(192), 3), { ok: true, value: undefined });
  const first = doctors[0]?.situations[0];
  if (first === undefined) return t.fail('no persona');
  const padded = new Uint8Array(192);
  padded.set(situationContent(first));
  t.true(parseCpsSituation(padded, 0).ok);
});

/** A situation template with `fields` (tag → hex value) on top of a valid liberal one. */
function situationWith(fields: Readonly<Record<number, string | undefined>>): Uint8Array {
  const base: Record<number, string | undefined> = { 0x80: '00', 0x81: '01', 0x82: '31', 0x83: '41', 0x84: '31', 0x85: '3031', 0x86: '01', 0x87: '00', 0x88: '3130', 0x89: '00', 0x8a: '03', ...fields };
  const items = Object.entries(base).flatMap(([tag, value]) => (value === undefined ? [] : [tlv(Number(tag), hex(value))]));
  return encodeTlv([tlvConstructed(0xe0, items)]);
}

const BAD: readonly (readonly [Uint8Array, CpsSituationReason, string])[] = [
  [hex('E0 05 80 01'), 'bad-tlv', 'truncated template'],
  [situationWith({ 0x83: undefined }), 'missing-field', 'no structure name'],
  [situationWith({ 0x80: '07' }), 'bad-field', 'practice mode 7'],
  [situationWith({ 0x81: '09' }), 'bad-field', 'structure type 9'],
  [situationWith({ 0x89: '02' }), 'bad-field', 'IK zone 2'],
  [situationWith({ 0x8b: '41' }), 'bad-field', '8B without 8C'],
];

test('a valid template built here parses (so the bad rows differ by one field)', (t) => {
  t.true(parseCpsSituation(situationWith({}), 0).ok);
});

test('bad situation files fail with a reason and a field path', (t) => {
  for (const [bytes, reason, what] of BAD) {
    const parsed = parseCpsSituation(bytes, 0);
    t.false(parsed.ok, what);
    if (!parsed.ok) {
      t.is(parsed.error.reason, reason, what);
      t.true(parsed.error.path.startsWith('situation/'), what);
    }
  }
});

test('SELECT of situation files D120..D12F by path', (t) => {
  t.is(toHex(selectSituationFile(0)), '00A40904063F000001D12000');
  t.is(toHex(selectSituationFile(CPS_SITUATION_FILES - 1)), '00A40904063F000001D12F00');
  t.throws(() => selectSituationFile(16), { instanceOf: RangeError });
});

testProp('parse never throws on arbitrary bytes', [fc.uint8Array({ maxLength: 300 })], (t, bytes) => {
  const parsed = parseCpsSituation(bytes, 0);
  t.is(typeof parsed.ok, 'boolean');
});

testProp('parse never throws on mutated valid files', [fc.nat(doctors.length - 1), fc.array(fc.tuple(fc.nat(191), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })], (t, which, mutations) => {
  const situation = doctors[which]?.situations[0];
  if (situation === undefined) return t.pass();
  const bytes = new Uint8Array(192);
  bytes.set(situationContent(situation));
  for (const [at, value] of mutations) bytes[at] = value;
  t.is(typeof parseCpsSituation(bytes, 0).ok, 'boolean');
});
