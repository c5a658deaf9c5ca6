// The carte Vitale profiles in process: Rufus's and cardpeek's reads (DOMAIN.md
// "What real software sends"), the group files, the FSE-securing signature
// checked with node:crypto, Vitale 1, and the persisted state.
import test from 'ava';
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTlv, hex, parseAtr, parseTlv, toHex, type TlvItem, type TlvNode } from '../../protocol/index.js';
import type { CardOs } from '../card/card-os.js';
import { memoryStorage } from '../card/storage.js';
import { mustOpen, send } from '../card/test-support.js';
import { loadPatients, loadPersona, PKI_DIR, type Patient } from '../personas/index.js';
import { COVERAGE_SITUATION_CODE } from './vitale-data.js';
import { VITALE1_ATR, vitale1Image, vitaleImage } from './vitale-image.js';
import { exchangeMs } from '../timing/profile-timing.js';
import { loadVitalePki, openVitale, patientCardImage } from './vitale.js';
import { loadProfileTiming } from '../timing/profile-timing.js';

const patient = async (id: string) => (await loadPersona(id)) as Patient;
const family = await patient('pt-durand-family');
const specimen = await patient('pt-specimen');

async function vitale2(p: Patient): Promise<CardOs> {
  return mustOpen(memoryStorage(JSON.stringify(vitaleImage(p, await loadVitalePki(p))), process.cwd()));
}

const sw = (answer: string): string => answer.slice(-4);
/** A SELECT without Le answers 61xx: the FCI waits for GET RESPONSE (core README, "GET RESPONSE rule"); Rufus and cardpeek go on. */
const selected = (answer: string): boolean => answer === '9000' || /^61[0-9A-F]{2}$/.test(answer);
const data = (answer: string): Uint8Array => hex(answer.slice(0, -4));
const latin1 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('latin1');
const compact = (spaced: string): string => spaced.replace(/ /g, '');

/** The top-level data objects of a read, padding dropped. */
function objects(bytes: Uint8Array): TlvNode[] {
  const parsed = parseTlv(bytes);
  if (!parsed.ok) throw new Error(`not BER-TLV: ${parsed.error.message}`);
  return parsed.value.filter((i: TlvItem): i is TlvNode => 'tag' in i);
}

function child(node: TlvNode, tag: number): Uint8Array | undefined {
  return findTlv([node], [node.tag, tag])?.value;
}

/** cardpeek's read_bin: 256-byte READ BINARY chunks until an answer is shorter or fails. */
function readInChunks(card: CardOs): Uint8Array {
  const chunks: number[] = [];
  for (let offset = 0; ; offset += 256) {
    const answer = send(card, `00 B0 ${toHex(Uint8Array.of(offset >> 8, offset & 0xff))} 00`);
    if (sw(answer) !== '9000') break;
    chunks.push(...data(answer));
    if (data(answer).length !== 256) break;
  }
  return Uint8Array.from(chunks);
}

const rufusIdentity = (b: Patient['beneficiaries'][number]) => [b.usualName ?? b.lastName, b.firstName, b.birthDate.replaceAll('-', '')];

test('the Rufus sequence gives each beneficiary: names and birth date from the MF, then NIR and nationality from VITALE', async (t) => {
  const card = await vitale2(family);
  t.is(family.beneficiaries.length, 6);
  t.true(selected(send(card, '00 A4 00 00 02 3F 00')));
  const names = send(card, '00 B0 82 00 00');
  t.is(sw(names), '9000');
  t.is(data(names).length, 256, 'the file is zero padded to 256 bytes');
  const identities = objects(data(names));
  t.deepEqual(
    identities.map((o) => [latin1(child(o, 0x80)), latin1(child(o, 0x81)), latin1(child(o, 0x82))]),
    family.beneficiaries.map(rufusIdentity),
  );
  t.true(identities.every((o) => o.tag === 0x65));
  t.true(selected(send(card, `00 A4 04 00 0B ${compact('D2 50 00 00 02 56 49 54 41 4C 45')}`)));
  const nirs = objects(data(send(card, '00 B0 82 00 00')));
  t.deepEqual(
    nirs.map((o) => [latin1(child(o, 0x93)), latin1(child(o, 0x90))]),
    family.beneficiaries.map((b) => [b.nir, 'FRA']),
  );
});

test('names are Latin-1 on the card (one byte per accented letter)', async (t) => {
  const card = await vitale2(family);
  send(card, '00 A4 00 00 02 3F 00');
  const raw = data(send(card, '00 B0 82 00 00'));
  const firstNames = objects(raw).map((o) => child(o, 0x81) ?? new Uint8Array());
  t.deepEqual(toHex(firstNames[0]!), toHex(Buffer.from('FRANÇOIS', 'latin1')));
  t.true(firstNames[0]!.includes(0xc7), 'Ç is the single byte C7');
});

test('cardpeek: select VITALE, read EF 2001 in 256-byte chunks, follow its directory to every file', async (t) => {
  const card = await vitale2(family);
  t.true(selected(send(card, '00 A4 04 00 0B D250000002564954414C45')));
  t.true(selected(send(card, '00 A4 00 00 02 2001')));
  const [directory] = objects(readInChunks(card));
  t.is(directory?.tag, 0xe0);
  const apps = (findTlv([directory!], [0xe0, 0xa0]) as TlvNode & { children: readonly TlvItem[] }).children.filter((i): i is TlvNode => 'tag' in i);
  t.deepEqual(
    apps.map((a) => toHex(a.value!.subarray(4))),
    ['D2500000024D465F564954414C45', 'D250000002564954414C45'],
  );
  const files = (directory as TlvNode & { children: readonly TlvItem[] }).children.filter((i): i is TlvNode => 'tag' in i && i.tag === 0x80);
  const byName = new Map(files.map((f) => [latin1(f.value!.subarray(0, 8)).trim(), toHex(f.value!.subarray(10, 12))]));
  t.deepEqual([...byName.keys()], ['NIR', 'ASSURE', 'BENEF', 'DROITS', 'COUVERT', 'CERTIF']);
  const read = (name: string): Uint8Array => {
    t.true(selected(send(card, `00 A4 00 00 02 ${byName.get(name) ?? 'FFFF'}`)), name);
    return readInChunks(card);
  };
  const certificate = read('CERTIF');
  const pemCert = new X509Certificate(readFileSync(join(PKI_DIR, `vitale/${family.id}-card.cert.pem`)));
  t.deepEqual(new X509Certificate(certificate.subarray(0, pemCert.raw.length)).raw, pemCert.raw);
  t.true(certificate.length > 256, 'the certificate needs more than one chunk');
  const insured = objects(read('ASSURE'))[0]!;
  t.is(latin1(child(insured, 0x82)) + latin1(child(insured, 0x83)), family.insured.nir);
  t.is(latin1(child(insured, 0x81)), family.card.serialNumber);
  t.deepEqual([0x84, 0x85, 0x86, 0x87].map((tag) => latin1(child(insured, tag))), [family.insured.regime, family.insured.caisse, family.insured.centre, family.insured.codeGestion]);
  const beneficiaries = objects(read('BENEF'));
  t.deepEqual(
    beneficiaries.map((b) => [latin1(child(b, 0x83)), child(b, 0x85)?.[0], latin1(child(b, 0x86))]),
    family.beneficiaries.map((b) => [b.nir, b.birthRank, b.quality]),
  );
  const rights = objects(read('DROITS'));
  t.is(rights.length, 6);
  t.is(latin1(findTlv([rights[0]!], [0xe5, 0xa0, 0x81])?.value), family.beneficiaries[0]!.amoRights[0]!.end!.replaceAll('-', ''));
});

test('coverage (group 106) carries ALD and the C2S situation', async (t) => {
  const p = await patient('pt-c2s');
  const card = await vitale2(p);
  send(card, '00 A4 04 00 0B D250000002564954414C45');
  send(card, '00 A4 00 00 02 2106');
  const [first] = objects(readInChunks(card));
  const period = p.beneficiaries[0]!.coverage[0]!;
  t.is(findTlv([first!], [0xe6, 0xa0, 0x83])?.value?.[0], COVERAGE_SITUATION_CODE[period.situation]);
  t.is(findTlv([first!], [0xe6, 0xa0, 0x82])?.value?.[0], period.ald ? 1 : 0);
});

test('foreign applications (PIV, OpenPGP) get 6A82 and leave the selection as it was', async (t) => {
  const card = await vitale2(specimen);
  send(card, '00 A4 00 00 02 3F 00');
  t.is(send(card, '00 A4 04 00 05 A000000308'), '6A82');
  t.is(send(card, '00 A4 04 00 06 D27600012401'), '6A82');
  t.is(sw(send(card, '00 B0 82 00 00')), '9000');
});

test('no file takes a write', async (t) => {
  const card = await vitale2(specimen);
  send(card, '00 A4 00 00 02 3F 00');
  t.is(send(card, '00 D6 82 00 01 00'), '6982');
});

test('securing an FSE: MSE SET DST + PSO CDS over its SHA-256, no PIN; the cryptogram verifies with the card certificate', async (t) => {
  const card = await vitale2(specimen);
  const fse = Buffer.from('FSE 0001 bifente: G 30.00 EUR');
  t.is(send(card, '00 22 41 B6 06 84 01 01 80 01 42'), '9000');
  const answer = send(card, `00 2A 9E 9A 20 ${createHash('sha256').update(fse).digest('hex')} 00`);
  t.is(sw(answer), '9000');
  const pem = readFileSync(join(PKI_DIR, `vitale/${specimen.id}-card.cert.pem`), 'utf8');
  t.true(createVerify('sha256').update(fse).verify(new X509Certificate(pem).publicKey, data(answer)));
});

test('Vitale 1: the inverse-convention ATR, the same reads, no certificate and no key', async (t) => {
  const p = await patient('pt-vitale1-family');
  const card = mustOpen(memoryStorage(JSON.stringify(await patientCardImage(p)), process.cwd()));
  t.is(toHex(card.atr()), compact(VITALE1_ATR));
  const atr = parseAtr(card.atr());
  t.true(atr.ok && atr.value.convention === 'inverse');
  send(card, '00 A4 00 00 02 3F 00');
  t.deepEqual(objects(data(send(card, '00 B0 82 00 00'))).map((o) => latin1(child(o, 0x81))), p.beneficiaries.map((b) => b.firstName));
  send(card, '00 A4 04 00 0B D250000002564954414C45');
  t.is(send(card, '00 A4 00 00 02 2F10'), '6A82');
  t.not(sw(send(card, '00 22 41 B6 06 84 01 01 80 01 42')), '9000');
  t.deepEqual(vitale1Image(p).keys, []);
});

test('the Vitale 2 ATR is 3B 75 13 00 00 47 09 EA 90 00 (direct convention)', async (t) => {
  const card = await vitale2(specimen);
  t.is(toHex(card.atr()), '3B751300004709EA9000');
  const atr = parseAtr(card.atr());
  t.true(atr.ok && atr.value.convention === 'direct');
});

test('openVitale creates the image on first use, then reuses the stored file', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'vitale-state-'));
  try {
    const first = await openVitale(specimen.id, { stateDir });
    const stored = readFileSync(join(stateDir, `${specimen.id}.vitale.json`), 'utf8');
    t.false(stored.includes('"value"'), 'no secret in clear (the Vitale has none)');
    first.powerOn();
    t.true(selected(send(first, '00 A4 00 00 02 3F 00')));
    const marker = stored.replace('"description": "', '"description": "REUSED ');
    writeFileSync(join(stateDir, `${specimen.id}.vitale.json`), marker);
    await openVitale(specimen.id, { stateDir });
    t.true(readFileSync(join(stateDir, `${specimen.id}.vitale.json`), 'utf8').includes('REUSED'), 'the stored file is reused, not rebuilt');
    await t.throwsAsync(openVitale('dr-benali', { stateDir }), { message: /not a patient/ });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('timing data: the Vitale 2 line rate is the one its ATR offers (TA1 = 13: Fi 372, Di 4); a 256-byte read costs more on a Vitale 1', async (t) => {
  const v2 = loadProfileTiming('vitale-2');
  const v1 = loadProfileTiming('vitale-1');
  const atr = parseAtr(hex('3B 75 13 00 00 47 09 EA 90 00'));
  t.true(atr.ok && atr.value.groups[0]?.ta === 0x13);
  t.is(v2.baud, (3_571_200 / 372) * 4);
  t.is(v1.baud, 9600);
  const read = hex('00B0820000');
  const answer = new Uint8Array(258);
  t.true(exchangeMs(v1, read, answer) > exchangeMs(v2, read, answer));
  t.is(exchangeMs(v2, hex('002A9E9A20' + '00'.repeat(32) + '00'), new Uint8Array(258)) > 200, true);
});

test('every patient persona gives a card the core accepts, and Rufus reads one template per beneficiary', async (t) => {
  const patients = await loadPatients();
  t.true(patients.length >= 30);
  for (const p of patients) {
    const card = mustOpen(memoryStorage(JSON.stringify(await patientCardImage(p)), process.cwd()));
    t.true(selected(send(card, '00 A4 00 00 02 3F 00')), p.id);
    t.is(objects(data(send(card, '00 B0 82 00 00'))).length, p.beneficiaries.length, p.id);
  }
});

test('the card key also answers INTERNAL AUTHENTICATE after MSE SET AT (RSA PKCS#1 over a DigestInfo), no PIN', async (t) => {
  const card = await vitale2(specimen);
  const challenge = Buffer.from('terminal challenge 0001');
  const digestInfo = `3031300D060960864801650304020105000420${createHash('sha256').update(challenge).digest('hex')}`;
  t.is(send(card, '00 22 41 A4 06 84 01 01 80 01 02'), '9000');
  const answer = send(card, `00 88 00 00 33 ${digestInfo} 00`);
  t.is(sw(answer), '9000');
  const pem = readFileSync(join(PKI_DIR, `vitale/${specimen.id}-card.cert.pem`), 'utf8');
  t.true(createVerify('sha256').update(challenge).verify(new X509Certificate(pem).publicKey, data(answer)));
});
