import test from 'ava';
import fc from 'fast-check';
import { isDriverError } from '../../drivers/index.js';
import { loadPatients } from '../../emulator/index.js';
import { encodeTlv, hex, latin1Bytes, tlv, tlvConstructed } from '../../protocol/index.js';
import { READERS, visitWorld } from '../capture/test-support.js';
import { cardFailureOf, CardOperationError } from '../machines/index.js';
import { parseVitaleBeneficiaries, parseVitaleInsured, parseVitaleRights, readVitaleCard, selectVitaleFile, trimDer } from './vitale-card.js';

test('reads every persona card as the persona says (groups 101, 104, 105, 106, certificate)', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const patients = await loadPatients();
    for (const patient of patients) {
      const session = await world.insertVitale(patient.id);
      const card = await readVitaleCard(session);
      await world.removeVitale();
      t.is(card.generation, patient.card.generation === 'vitale-2' ? 2 : 1, patient.id);
      t.is(card.serial, patient.card.serialNumber);
      t.is(card.issued, patient.card.issued);
      t.like(card.insured, { nir: patient.insured.nir, regime: patient.insured.regime, caisse: patient.insured.caisse, centre: patient.insured.centre });
      t.is(card.certificate !== undefined, patient.card.generation === 'vitale-2');
      t.deepEqual(
        card.beneficiaries.map((b) => ({ ...b })),
        patient.beneficiaries.map((b) => ({
          lastName: b.lastName,
          ...(b.usualName === undefined ? {} : { usualName: b.usualName }),
          firstName: b.firstName,
          nir: b.nir,
          birthDate: b.birthDate,
          birthRank: b.birthRank,
          quality: b.quality,
          rights: { amoRights: b.amoRights.map((p) => ({ ...p })), coverage: b.coverage.map((p) => ({ ...p })) },
        })),
        patient.id,
      );
    }
  } finally {
    await world.close();
  }
});

test('a card pulled mid-read rejects with the drivers card-removed', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const session = await world.insertVitale('pt-c2s-family');
    const reading = readVitaleCard(session);
    await world.removeVitale();
    const error = await t.throwsAsync(reading);
    t.true(isDriverError(error, 'card-removed'));
    t.deepEqual(cardFailureOf(error), { kind: 'card-removed' });
  } finally {
    await world.close();
  }
});

test('a CPS in the Vitale reader is refused at SELECT VITALE', async (t) => {
  const world = await visitWorld('dr-garnier');
  try {
    const error = await t.throwsAsync(readVitaleCard(world.cps), { instanceOf: CardOperationError });
    t.like((error as CardOperationError).failure, { kind: 'card-refused', command: 'SELECT VITALE' });
  } finally {
    await world.close();
  }
  t.is(READERS.vitale, 'Vitale');
});

const insured = (fields: Record<number, string>) => encodeTlv([tlvConstructed(0xe1, Object.entries(fields).map(([tag, v]) => tlv(Number(tag), latin1Bytes(v))))]);
const GOOD_INSURED = { 0x80: '2', 0x81: '1000031676', 0x82: '2690549588157', 0x83: '80', 0x84: '01', 0x85: '751', 0x86: '1001', 0x87: '01', 0x88: '20240101' };

test('group 101: typed errors with the field path', (t) => {
  t.like(parseVitaleInsured(insured(GOOD_INSURED)), { ok: true, value: { generation: 2, insured: { nir: '269054958815780', caisse: '751' }, issued: '2024-01-01' } });
  const bad = (fields: Record<number, string>) => parseVitaleInsured(insured(fields));
  t.like(bad({ ...GOOD_INSURED, 0x83: '81' }), { ok: false, error: { reason: 'bad-field', path: '101/E1/82' } });
  t.like(bad({ ...GOOD_INSURED, 0x88: '20241301' }), { ok: false, error: { reason: 'bad-field', path: '101/E1/88' } });
  const { [0x85]: _caisse, ...noCaisse } = GOOD_INSURED;
  t.like(bad(noCaisse), { ok: false, error: { reason: 'missing-field', path: '101/E1/85' } });
  t.like(parseVitaleInsured(hex('E1 05 80')), { ok: false, error: { reason: 'bad-tlv' } });
  t.like(parseVitaleInsured(new Uint8Array(256)), { ok: false, error: { reason: 'missing-field', path: '101/E1' } });
});

test('groups 104-106: counts and periods are checked', (t) => {
  t.like(parseVitaleBeneficiaries(new Uint8Array(256)), { ok: false, error: { reason: 'inconsistent' } });
  const period = (start: string, end: string) => tlvConstructed(0xa0, [tlv(0x80, latin1Bytes(start)), tlv(0x81, latin1Bytes(end))]);
  t.like(parseVitaleRights(encodeTlv([tlvConstructed(0xe5, [period('20250101', '20241231')])]), encodeTlv([tlvConstructed(0xe6, [])])), { ok: false, error: { reason: 'bad-field', path: '105/E5[0]/A0[0]/81' } });
  t.like(parseVitaleRights(encodeTlv([tlvConstructed(0xe5, [])]), new Uint8Array(0)), { ok: false, error: { reason: 'inconsistent' } });
  const coverage = encodeTlv([tlvConstructed(0xe6, [tlvConstructed(0xa0, [tlv(0x80, latin1Bytes('20250101')), tlv(0x82, Uint8Array.of(1)), tlv(0x83, Uint8Array.of(9))])])]);
  t.like(parseVitaleRights(encodeTlv([tlvConstructed(0xe5, [])]), coverage), { ok: false, error: { reason: 'bad-field', path: '106/E6[0]/A0[0]/83' } });
});

test('the parsers never throw on arbitrary bytes', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
      parseVitaleInsured(a);
      parseVitaleBeneficiaries(a);
      parseVitaleRights(a, b);
      return trimDer(a).length <= a.length;
    }),
    { seed: 20260601, numRuns: 2000 },
  );
  t.pass();
});

test('APDU builders', (t) => {
  t.deepEqual(selectVitaleFile(0x2104), hex('00 A4 02 0C 02 21 04'));
  t.throws(() => selectVitaleFile(0x10000), { instanceOf: RangeError });
});
