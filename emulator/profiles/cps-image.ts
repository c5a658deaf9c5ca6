/**
 * The CPS3 card image built from a doctor persona and the doctor's PKI
 * entries (DOMAIN.md "Cards", "What real software sends to these cards";
 * issue 4 "Profiles"). The file layout follows the public facts (ATR, AIDs,
 * EF.ATR, EF.SN.ICC, EF_ACTUA, situation files); the contents of the
 * situation files and of EF_ACTUA are OURS (see README.md "CPS3").
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { encodeTlv, hex, latin1Bytes, tlv, tlvConstructed, toHex, type TlvItem } from '../../protocol/index.js';
import type { CardImageJson, DfJson, EfJson, KeyJson, PinJson } from '../card/card-image.js';
import { secretDigest } from '../card/secret.js';
import type { Doctor, PracticeMode, Situation } from '../personas/index.js';
import { aodf, cdf, odf, PKCS15_FID, prkdf, tokenInfo, type Pkcs15Directory } from './cps-pkcs15.js';

/** CPS3 contact ATR (DOMAIN.md "Cards"; OpenSC card-iasecc.c "IAS/ECC CPx"). */
export const CPS3_ATR = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
/** The IAS-ECC application of the contact interface (DOMAIN.md; OpenSC dir.c "CPx IAS"). */
export const CPS3_AID = 'E8 28 BD 08 0F 80 25 00 00 01 FF 00 10';
/** PIN "code porteur": reference 1 (CHV 1), in SE 1 (DOMAIN.md: OpenSC asks `BF 81 01`). */
export const CPS_PIN_REFERENCE = 1;
/** The authentication key (INTERNAL AUTHENTICATE). OURS: reference 1. */
export const CPS_AUTH_KEY_REFERENCE = 1;
/** The signature key: DOMAIN.md "RSA private key 2" (`BF 90 02`). */
export const CPS_SIGN_KEY_REFERENCE = 2;
/** Number of situation files `D120`..`D12F` (DOMAIN.md). */
export const CPS_SITUATION_FILES = 16;
/** Size of one situation file (OURS: room for the longest situation). */
const SITUATION_FILE_SIZE = 192;

/** One key pair as the card holds it: the certificate (DER) and the private key (PKCS#8 PEM). */
export interface CpsKeyMaterial {
  readonly certificateDer: Uint8Array;
  readonly keyPem: string;
}

/** The doctor's two key pairs (issue 4: authentication and signature, from the PKI). */
export interface CpsPki {
  readonly authentication: CpsKeyMaterial;
  readonly signature: CpsKeyMaterial;
}

/** What may vary between two images of the same doctor. */
export interface CpsImageOptions {
  /** EF_ACTUA dates (OURS): last update, next update; default 2025-01-01 / 2028-01-01. */
  readonly lastUpdate?: string;
  readonly nextUpdate?: string;
  /** Salt of the hashed PIN and unblocking code; default derived from the card serial. */
  readonly salt?: string;
}

/** `YYYY-MM-DD` → 4 BCD bytes `YY YY MM DD`. */
export function bcdDate(isoDate: string): Uint8Array {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new RangeError('a date must be YYYY-MM-DD');
  const digits = isoDate.replaceAll('-', '');
  return Uint8Array.from({ length: 4 }, (_, i) => Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

const PRACTICE_MODE_CODE: Readonly<Record<PracticeMode, number>> = { liberal: 0, salaried: 1, substitute: 4, unpaid: 8 };
const STRUCTURE_CODE = { cabinet: 1, finess: 2, siret: 3 } as const;

/**
 * The content of one situation file (OURS): template `E0` holding
 * 80 practice mode, 81 structure id type, 82 structure id, 83 structure
 * name, 84 billing number, 85 specialty, 86 convention sector, 87 OPTAM,
 * 88 fee zone, 89 IK zone (0 plain, 1 mountain), 8A rights (bit 1 sign
 * FSEs, bit 2 sign lots), and for a substitute 8B the replaced doctor's id
 * and 8C the replaced situation's index. Text is Latin-1.
 */
export function situationContent(situation: Situation): Uint8Array {
  const items: TlvItem[] = [
    tlv(0x80, Uint8Array.of(PRACTICE_MODE_CODE[situation.practiceMode])),
    tlv(0x81, Uint8Array.of(STRUCTURE_CODE[situation.structure.idType])),
    tlv(0x82, latin1Bytes(situation.structure.id)),
    tlv(0x83, latin1Bytes(situation.structure.name)),
    tlv(0x84, latin1Bytes(situation.billingNumber)),
    tlv(0x85, latin1Bytes(situation.specialty)),
    tlv(0x86, Uint8Array.of(situation.conventionSector)),
    tlv(0x87, Uint8Array.of(situation.optam ? 1 : 0)),
    tlv(0x88, latin1Bytes(situation.feeZone)),
    tlv(0x89, Uint8Array.of(situation.ikZone === 'mountain' ? 1 : 0)),
    tlv(0x8a, Uint8Array.of((situation.rights.signFse ? 1 : 0) | (situation.rights.signLot ? 2 : 0))),
  ];
  if (situation.replaces !== undefined) {
    items.push(tlv(0x8b, latin1Bytes(situation.replaces.doctorId)), tlv(0x8c, Uint8Array.of(situation.replaces.situation)));
  }
  return encodeTlv([tlvConstructed(0xe0, items)]);
}

/**
 * EF.ATR content: the stray 0x80 OpenSC skips on CPx (ef-atr.c), then
 * 43 card service data, 46 pre-issuing data (IC manufacturer, IC type, OS
 * version, IAS-ECC version: OpenSC iasecc_parse_ef_atr needs 4 bytes),
 * 47 card capabilities, 4F the AID OpenSC selects next (ISO/IEC 7816-4
 * §8.2.1.1, §12.2.2) and E0 the IAS-ECC I/O buffer sizes (send, send SM,
 * receive, receive SM, each `02 02 nn nn`; 0xE7 = the Cryptolib's maximum
 * receive size, DOMAIN.md). The values of 43/46/47 are OURS.
 */
export function efAtrContent(): Uint8Array {
  const size = tlv(0x02, Uint8Array.of(0x00, CPS_MAX_APDU_DATA));
  return Uint8Array.of(
    0x80,
    ...encodeTlv([
      tlv(0x43, Uint8Array.of(0xb8)),
      tlv(0x46, Uint8Array.of(0x80, 0x25, 0x03, 0x01)),
      tlv(0x47, Uint8Array.of(0x00, 0x00, 0x00)),
      tlv(0x4f, hex(CPS3_AID)),
      tlvConstructed(0xe0, [size, size, size, size]),
    ]),
  );
}

/** Largest APDU data field the CPS sends or takes (DOMAIN.md: Cryptolib max receive 0xE7). */
export const CPS_MAX_APDU_DATA = 0xe7;

function transparent(fid: string, label: string, content: Uint8Array, extra: Partial<EfJson> = {}): EfJson {
  return { type: 'ef', fid, label, structure: 'transparent', access: { read: 'always', update: 'never' }, content: toHex(content), ...extra };
}

function saltFor(doctor: Doctor, options: CpsImageOptions, what: string): string {
  return options.salt ?? toHex(secretDigest(latin1Bytes('bifente-cps'), latin1Bytes(`${doctor.cardSerial}:${what}`)).slice(0, 16));
}

const APP_PATH = hex('3F00 0001');
const CERT_FID = { authentication: 'C000', signature: 'C001' } as const;

function modulusBits(keyPem: string): number {
  return createPrivateKey(keyPem).asymmetricKeyDetails?.modulusLength ?? 2048;
}

function pkcs15Files(doctor: Doctor, pki: CpsPki): EfJson[] {
  const dir: Pkcs15Directory = {
    appPath: APP_PATH,
    serial: hex(doctor.cardSerial),
    label: `CPS ${doctor.firstName} ${doctor.lastName}`,
    pinReference: CPS_PIN_REFERENCE,
    pinMinLength: 4,
    pinStoredLength: 8,
    keys: [
      { reference: CPS_AUTH_KEY_REFERENCE, label: 'CPS authentication', usage: 'authentication', modulusBits: modulusBits(pki.authentication.keyPem), certificatePath: hex(`3F00 0001 ${CERT_FID.authentication}`) },
      { reference: CPS_SIGN_KEY_REFERENCE, label: 'CPS signature', usage: 'signature', modulusBits: modulusBits(pki.signature.keyPem), certificatePath: hex(`3F00 0001 ${CERT_FID.signature}`) },
    ],
  };
  return [
    transparent(PKCS15_FID.odf, 'PKCS#15 EF.ODF', odf(dir)),
    transparent(PKCS15_FID.tokenInfo, 'PKCS#15 EF.TokenInfo', tokenInfo(dir)),
    transparent(PKCS15_FID.prkdf, 'PKCS#15 EF.PrKDF', prkdf(dir)),
    transparent(PKCS15_FID.cdf, 'PKCS#15 EF.CDF', cdf(dir)),
    transparent(PKCS15_FID.aodf, 'PKCS#15 EF.AODF', aodf(dir)),
  ];
}

function hashed(value: string, salt: string): { salt: string; sha256: string } {
  return { salt, sha256: toHex(secretDigest(hex(salt), latin1Bytes(value))) };
}

/**
 * The PIN object (DOMAIN.md: 4 digits, 3 tries, then blocked; unblocking
 * code 8 digits). OURS: the unblocking code has 10 tries; VERIFY may pad
 * with FF (OpenSC pads to the stored length). Stored hashed, never in clear.
 */
function pinObject(doctor: Doctor, options: CpsImageOptions): PinJson {
  return {
    reference: CPS_PIN_REFERENCE,
    label: 'code porteur',
    se: 1,
    secret: { ...hashed(doctor.pin, saltFor(doctor, options, 'pin')), minLength: 4, maxLength: 8, padByte: 255, triesMax: 3 },
    unblock: { ...hashed(doctor.unblockingCode, saltFor(doctor, options, 'unblock')), minLength: 8, maxLength: 8, triesMax: 10 },
  };
}

function keyObjects(pki: CpsPki): KeyJson[] {
  return [
    { reference: CPS_AUTH_KEY_REFERENCE, label: 'CPS authentication', pin: CPS_PIN_REFERENCE, usage: ['authenticate'], pem: pki.authentication.keyPem },
    { reference: CPS_SIGN_KEY_REFERENCE, label: 'CPS signature', pin: CPS_PIN_REFERENCE, usage: ['sign'], pem: pki.signature.keyPem },
  ];
}

/**
 * The CPS3 contact card image of `doctor`. MF 3F00 (named by the CPx AID,
 * OURS: the ECC root is the MF) holds EF.DIR 2F00, EF.ATR 2F01, EF.SN.ICC
 * D003 (SFI 1C, `5A` + serial), EF_ACTUA D010 (`EC {81 82}`) and DF 0001
 * with the 16 situation files D120..D12F, contact-only 7001 and the two
 * certificates (OURS: C000 authentication, C001 signature, raw DER).
 */
export function cpsImage(doctor: Doctor, pki: CpsPki, options: CpsImageOptions = {}): CardImageJson {
  if (doctor.situations.length > CPS_SITUATION_FILES) throw new RangeError(`a CPS holds at most ${CPS_SITUATION_FILES} situations`);
  const situations: EfJson[] = Array.from({ length: CPS_SITUATION_FILES }, (_, i) => {
    const situation = doctor.situations[i];
    const fid = (0xd120 + i).toString(16).toUpperCase();
    return transparent(fid, `situation ${i}`, situation === undefined ? new Uint8Array(0) : situationContent(situation), { size: SITUATION_FILE_SIZE });
  });
  const application: DfJson = {
    type: 'df',
    fid: '0001',
    label: 'CPS application',
    access: { createEf: 'never', createDf: 'never' },
    children: [
      ...situations,
      transparent('7001', 'contact-only data (OURS: the RPPS id)', latin1Bytes(doctor.rpps)),
      transparent(CERT_FID.authentication, 'authentication certificate', pki.authentication.certificateDer),
      transparent(CERT_FID.signature, 'signature certificate', pki.signature.certificateDer),
      ...pkcs15Files(doctor, pki),
    ],
  };
  const actua = encodeTlv([tlvConstructed(0xec, [tlv(0x81, bcdDate(options.lastUpdate ?? '2025-01-01')), tlv(0x82, bcdDate(options.nextUpdate ?? '2028-01-01'))])]);
  const dirRecord = encodeTlv([tlvConstructed(0x61, [tlv(0x4f, hex(CPS3_AID)), tlv(0x50, latin1Bytes('CPS')), tlv(0x51, hex('3F00 0001'))])]);
  return {
    $schema: './schema/card-image.schema.json',
    description: `CPS3 of ${doctor.firstName} ${doctor.lastName} (${doctor.id}), built by emulator/profiles/cps-image.ts. TEST card.`,
    atr: CPS3_ATR,
    pins: [pinObject(doctor, options)],
    keys: keyObjects(pki),
    mf: {
      fid: '3F00',
      label: 'MF (IAS-ECC root)',
      name: CPS3_AID,
      access: { createDf: 'never', createEf: 'never' },
      children: [
        { type: 'ef', fid: '2F00', label: 'EF.DIR', sfi: 30, structure: 'linear-variable', access: { read: 'always', update: 'never' }, records: [toHex(dirRecord)], recordSize: 64, maxRecords: 4 },
        transparent('2F01', 'EF.ATR', efAtrContent()),
        transparent('D003', 'EF.SN.ICC', encodeTlv([tlv(0x5a, hex(doctor.cardSerial))]), { sfi: 0x1c }),
        transparent('D010', 'EF_ACTUA', actua),
        application,
      ],
    },
  };
}
