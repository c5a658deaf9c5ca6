/**
 * The contents of the carte Vitale's data files, built from a patient
 * persona. The identity and NIR files follow what Rufus and cardpeek read
 * (DOMAIN.md "Cards", "What real software sends"); the EF 2001 directory
 * follows cardpeek's parser; the group files 101, 104, 105 and 106 are OURS
 * (the GIE's layout is not public): see README.md "Vitale".
 * @module
 */
import { encodeTlv, hex, latin1Bytes, tlv, tlvConstructed, type TlvItem } from '../../protocol/index.js';
import type { Beneficiary, CoverageSituation, IsoDate, Patient, RightsPeriod } from '../personas/index.js';

/** The VITALE application (DOMAIN.md "Cards": `D250000002` + "VITALE"). */
export const VITALE_AID = 'D2 50 00 00 02 56 49 54 41 4C 45';
/** The MF_VITALE application (DOMAIN.md: `D250000002` + "MF_VITALE"); OURS: it names the MF. */
export const MF_VITALE_AID = 'D2 50 00 00 02 4D 46 5F 56 49 54 41 4C 45';

/** `YYYY-MM-DD` → the 8 ASCII characters `YYYYMMDD` (Rufus, cardpeek: tag 82). */
export function asciiDate(date: IsoDate): Uint8Array {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError('a date must be YYYY-MM-DD');
  return latin1Bytes(date.replaceAll('-', ''));
}

/**
 * The file the MF's SFI 2 names (Rufus: `00 B0 82 00 00` after SELECT
 * 3F00): one `65 {80 surname, 81 first name, 82 birth date}` per
 * beneficiary, in card order, Latin-1. The surname is the usual name when
 * the persona has one (OURS: the name the terminal shows).
 */
export function identityContent(patient: Patient): Uint8Array {
  return encodeTlv(
    patient.beneficiaries.map((b) =>
      tlvConstructed(0x65, [tlv(0x80, latin1Bytes(b.usualName ?? b.lastName)), tlv(0x81, latin1Bytes(b.firstName)), tlv(0x82, asciiDate(b.birthDate))]),
    ),
  );
}

/**
 * The file the VITALE application's SFI 2 names (Rufus, after SELECT
 * VITALE): one `65 {93 NIR (15 ASCII), 90 nationality}` per beneficiary,
 * same order as {@link identityContent}. The nationality is not in the
 * persona: OURS, one value for the whole card (default `FRA`).
 */
export function nirContent(patient: Patient, nationality: string): Uint8Array {
  return encodeTlv(patient.beneficiaries.map((b) => tlvConstructed(0x65, [tlv(0x93, latin1Bytes(b.nir)), tlv(0x90, latin1Bytes(nationality))])));
}

/** Card type of group 101 (OURS: `1` Vitale 1, `2` Vitale 2). */
const CARD_TYPE = { 'vitale-1': '1', 'vitale-2': '2' } as const;

/**
 * Group 101, the insured (OURS): `E1 {80 card type, 81 card serial
 * (10 digits), 82 NIR (13 characters), 83 NIR key (2 digits), 84 régime,
 * 85 caisse, 86 centre, 87 code gestion, 88 date of issue YYYYMMDD}`, all
 * ASCII.
 */
export function insuredContent(patient: Patient): Uint8Array {
  const { insured, card } = patient;
  return encodeTlv([
    tlvConstructed(0xe1, [
      tlv(0x80, latin1Bytes(CARD_TYPE[card.generation])),
      tlv(0x81, latin1Bytes(card.serialNumber)),
      tlv(0x82, latin1Bytes(insured.nir.slice(0, 13))),
      tlv(0x83, latin1Bytes(insured.nir.slice(13))),
      tlv(0x84, latin1Bytes(insured.regime)),
      tlv(0x85, latin1Bytes(insured.caisse)),
      tlv(0x86, latin1Bytes(insured.centre)),
      tlv(0x87, latin1Bytes(insured.codeGestion)),
      tlv(0x88, asciiDate(card.issued)),
    ]),
  ]);
}

/**
 * Group 104, the beneficiaries (OURS): one `E4` per beneficiary, card
 * order: `80 birth name, [81 usual name], 82 first name, 83 certified NIR
 * (15), 84 birth date YYYYMMDD, 85 rang de naissance (1 byte), 86 qualité
 * (2 ASCII), [87 médecin traitant's persona id]`.
 */
export function beneficiariesContent(patient: Patient): Uint8Array {
  return encodeTlv(patient.beneficiaries.map((b) => tlvConstructed(0xe4, beneficiaryItems(b))));
}

function beneficiaryItems(b: Beneficiary): TlvItem[] {
  return [
    tlv(0x80, latin1Bytes(b.lastName)),
    ...(b.usualName === undefined ? [] : [tlv(0x81, latin1Bytes(b.usualName))]),
    tlv(0x82, latin1Bytes(b.firstName)),
    tlv(0x83, latin1Bytes(b.nir)),
    tlv(0x84, asciiDate(b.birthDate)),
    tlv(0x85, Uint8Array.of(b.birthRank)),
    tlv(0x86, latin1Bytes(b.quality)),
    ...(b.medecinTraitant === undefined ? [] : [tlv(0x87, latin1Bytes(b.medecinTraitant))]),
  ];
}

function periodItems(period: RightsPeriod): TlvItem[] {
  return [tlv(0x80, asciiDate(period.start)), ...(period.end === undefined ? [] : [tlv(0x81, asciiDate(period.end))])];
}

/**
 * Group 105, AMO rights (OURS): one `E5` per beneficiary, card order,
 * holding 0-3 periods `A0 {80 start, [81 end, inclusive]}`; no end: open.
 */
export function amoRightsContent(patient: Patient): Uint8Array {
  return encodeTlv(patient.beneficiaries.map((b) => tlvConstructed(0xe5, b.amoRights.map((p) => tlvConstructed(0xa0, periodItems(p))))));
}

/** Situation codes of group 106 (OURS). */
export const COVERAGE_SITUATION_CODE: Readonly<Record<CoverageSituation, number>> = { none: 0, c2s: 1, 'c2s-participation': 2, maternity: 3, invalidity: 4 };

/**
 * Group 106, coverage (OURS): one `E6` per beneficiary, card order,
 * holding 0-7 periods `A0 {80 start, [81 end], 82 ALD (0/1), 83 situation
 * code ({@link COVERAGE_SITUATION_CODE})}`.
 */
export function coverageContent(patient: Patient): Uint8Array {
  return encodeTlv(
    patient.beneficiaries.map((b) =>
      tlvConstructed(
        0xe6,
        b.coverage.map((p) => tlvConstructed(0xa0, [...periodItems(p), tlv(0x82, Uint8Array.of(p.ald ? 1 : 0)), tlv(0x83, Uint8Array.of(COVERAGE_SITUATION_CODE[p.situation]))])),
      ),
    ),
  );
}

/** One application of the EF 2001 directory: entry number, the DF's FID and its AID. */
export interface DirectoryApplication {
  readonly entry: number;
  readonly fid: string;
  readonly aid: string;
}

/** One file of the EF 2001 directory: an 8-character name, its application's entry, its FID. */
export interface DirectoryFile {
  readonly name: string;
  readonly entry: number;
  readonly fid: string;
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

/**
 * EF 2001 "pointers" (cardpeek vitale_2.lua): `E0 {A0 {82 application}*,
 * 80 file*}`. cardpeek reads an `82` as entry (2 bytes), 2 bytes it skips
 * (OURS: the DF's FID), then the AID; an `80` as the name (8 characters),
 * the entry (2 bytes) and the FID (2 bytes).
 */
export function directoryContent(applications: readonly DirectoryApplication[], files: readonly DirectoryFile[]): Uint8Array {
  return encodeTlv([
    tlvConstructed(0xe0, [
      tlvConstructed(
        0xa0,
        applications.map((a) => tlv(0x82, Uint8Array.of(...u16(a.entry), ...hex(a.fid), ...hex(a.aid)))),
      ),
      ...files.map((f) => {
        if (f.name.length > 8) throw new RangeError('a directory name has at most 8 characters');
        return tlv(0x80, Uint8Array.of(...latin1Bytes(f.name.padEnd(8, ' ')), ...u16(f.entry), ...hex(f.fid)));
      }),
    ]),
  ]);
}

/**
 * EF.DIR `2F00` (ISO/IEC 7816-4 §8.2.1.1): `61 {4F AID, 50 label}` per
 * application; OURS: transparent, since cardpeek reads it with READ BINARY.
 */
export function efDirContent(): Uint8Array {
  return encodeTlv([
    tlvConstructed(0x61, [tlv(0x4f, hex(MF_VITALE_AID)), tlv(0x50, latin1Bytes('MF_VITALE'))]),
    tlvConstructed(0x61, [tlv(0x4f, hex(VITALE_AID)), tlv(0x50, latin1Bytes('VITALE'))]),
  ]);
}
