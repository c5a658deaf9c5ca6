/**
 * The carte Vitale card images built from a patient persona: Vitale 2
 * (with the card certificate and the key that secures FSEs) and Vitale 1
 * (the same read data, no key). ATRs and AIDs: DOMAIN.md "Cards"; the tree
 * below the applications and the FSE-securing design are OURS (README.md
 * "Vitale").
 * @module
 */
import { toHex } from '../../protocol/index.js';
import type { CardImageJson, DfJson, EfJson, KeyJson } from '../card/card-image.js';
import type { Patient } from '../personas/index.js';
import {
  amoRightsContent,
  beneficiariesContent,
  coverageContent,
  directoryContent,
  efDirContent,
  identityContent,
  insuredContent,
  MF_VITALE_AID,
  nirContent,
  VITALE_AID,
  type DirectoryFile,
} from './vitale-data.js';

/** Vitale 2 ATR (DOMAIN.md "Cards": `3B 75 13 00 00 4x 09 EA 90 00`). */
export const VITALE2_ATR = '3B 75 13 00 00 47 09 EA 90 00';
/** Vitale 1 ATR, inverse convention (DOMAIN.md "Cards": TS = 3F). */
export const VITALE1_ATR = '3F 65 25 00 52 09 6A 90 00';
/** The card key that secures an FSE (OURS: reference 1, no PIN: the Vitale has none). */
export const VITALE_CARD_KEY_REFERENCE = 1;
/** The VITALE application's DF (OURS: its FID). */
export const VITALE_DF_FID = '2000';
/** OURS: the FIDs of the VITALE application's files. */
export const VITALE_FID = {
  pointers: '2001',
  nir: '2002',
  insured: '2101',
  beneficiaries: '2104',
  amoRights: '2105',
  coverage: '2106',
  certificate: '2F10',
} as const;
/** The MF's identity file (cardpeek's "2F02"), which the MF's SFI 2 names (Rufus). */
export const VITALE_IDENTITY_FID = '2F02';
/** Read granularity of the data files: cardpeek and Rufus read 256 bytes at a time (DOMAIN.md). */
const CHUNK = 256;

/** The Vitale 2 card key pair from the PKI: the certificate (DER) and the private key (PKCS#8 PEM). */
export interface VitaleKeyMaterial {
  readonly certificateDer: Uint8Array;
  readonly keyPem: string;
}

/** What may vary between two images of the same patient. */
export interface VitaleImageOptions {
  /** Nationality written in tag 90 for every beneficiary (OURS; default `FRA`). */
  readonly nationality?: string;
}

/** A read-only transparent EF, zero padded to whole 256-byte chunks (Rufus: "zero padded"). */
function dataFile(fid: string, label: string, content: Uint8Array, sfi?: number): EfJson {
  const size = Math.max(CHUNK, Math.ceil(content.length / CHUNK) * CHUNK);
  return { type: 'ef', fid, label, structure: 'transparent', access: { read: 'always', update: 'never' }, content: toHex(content), size, ...(sfi === undefined ? {} : { sfi }) };
}

function vitaleApplication(patient: Patient, options: VitaleImageOptions, certificate: Uint8Array | undefined): DfJson {
  const files: DirectoryFile[] = [
    { name: 'NIR', entry: 2, fid: VITALE_FID.nir },
    { name: 'ASSURE', entry: 2, fid: VITALE_FID.insured },
    { name: 'BENEF', entry: 2, fid: VITALE_FID.beneficiaries },
    { name: 'DROITS', entry: 2, fid: VITALE_FID.amoRights },
    { name: 'COUVERT', entry: 2, fid: VITALE_FID.coverage },
    ...(certificate === undefined ? [] : [{ name: 'CERTIF', entry: 2, fid: VITALE_FID.certificate }]),
  ];
  const directory = directoryContent(
    [
      { entry: 1, fid: '3F00', aid: MF_VITALE_AID },
      { entry: 2, fid: VITALE_DF_FID, aid: VITALE_AID },
    ],
    files,
  );
  return {
    type: 'df',
    fid: VITALE_DF_FID,
    label: 'VITALE application',
    name: VITALE_AID,
    access: { createDf: 'never', createEf: 'never' },
    children: [
      dataFile(VITALE_FID.pointers, 'pointers (cardpeek EF 2001)', directory, 1),
      dataFile(VITALE_FID.nir, 'NIR and nationality per beneficiary (65 {93 90})', nirContent(patient, options.nationality ?? 'FRA'), 2),
      dataFile(VITALE_FID.insured, 'group 101: the insured (OURS)', insuredContent(patient)),
      dataFile(VITALE_FID.beneficiaries, 'group 104: the beneficiaries (OURS)', beneficiariesContent(patient)),
      dataFile(VITALE_FID.amoRights, 'group 105: AMO rights (OURS)', amoRightsContent(patient)),
      dataFile(VITALE_FID.coverage, 'group 106: coverage (OURS)', coverageContent(patient)),
      ...(certificate === undefined ? [] : [dataFile(VITALE_FID.certificate, 'card certificate, X.509 DER (OURS)', certificate)]),
    ],
  };
}

function image(patient: Patient, atr: string, options: VitaleImageOptions, pki: VitaleKeyMaterial | undefined): CardImageJson {
  const generation = pki === undefined ? 'Vitale 1' : 'Vitale 2';
  const keys: KeyJson[] = pki === undefined ? [] : [{ reference: VITALE_CARD_KEY_REFERENCE, label: 'Vitale card key (secures FSEs)', usage: ['sign', 'authenticate'], pem: pki.keyPem }];
  const first = patient.beneficiaries[0];
  return {
    $schema: './schema/card-image.schema.json',
    description: `${generation} of ${first?.firstName ?? ''} ${first?.lastName ?? ''} (${patient.id}), built by emulator/profiles/vitale-image.ts. TEST card.`,
    atr,
    keys,
    mf: {
      fid: '3F00',
      label: 'MF (MF_VITALE)',
      name: MF_VITALE_AID,
      access: { createDf: 'never', createEf: 'never' },
      children: [
        dataFile('2F00', 'EF.DIR', efDirContent(), 30),
        dataFile(VITALE_IDENTITY_FID, 'beneficiaries: 65 {80 81 82}', identityContent(patient), 2),
        vitaleApplication(patient, options, pki?.certificateDer),
      ],
    },
  };
}

/**
 * The Vitale 2 image of `patient`: MF (named MF_VITALE) with EF.DIR 2F00,
 * the identity file 2F02 (SFI 2) and the VITALE application (DF 2000),
 * which holds the directory 2001 (SFI 1), the NIR file 2002 (SFI 2), the
 * group files 2101/2104/2105/2106 and the card certificate 2F10; the card
 * key (reference 1, no PIN) signs with MSE SET DST + PSO COMPUTE DIGITAL
 * SIGNATURE. Every file is read-only.
 */
export function vitaleImage(patient: Patient, pki: VitaleKeyMaterial, options: VitaleImageOptions = {}): CardImageJson {
  return image(patient, VITALE2_ATR, options, pki);
}

/**
 * The Vitale 1 image of `patient`: the inverse-convention ATR and the same
 * read data as {@link vitaleImage}, without certificate or card key (OURS:
 * the first-generation card has no public-key pair in our model).
 */
export function vitale1Image(patient: Patient, options: VitaleImageOptions = {}): CardImageJson {
  return image(patient, VITALE1_ATR, options, undefined);
}
