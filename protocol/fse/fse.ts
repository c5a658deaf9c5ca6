/**
 * The FSE (feuille de soins électronique) as the terminal captures it, and
 * its canonical encoding (OURS: BER-TLV, private tag E1, fixed field order;
 * the tag table is in README.md). The official FSE format of the SESAM-Vitale
 * API (groups 1110 invoice, 1120 professional, 1130 beneficiary, 1150
 * replacing doctor, 1310 AMO; DOMAIN.md) is not public: this record carries
 * the same facts in a form of our own, one encoding per value, so that its
 * bytes can be hashed and signed.
 * @module
 */
import type { Codec, ParseResult } from '../result.js';
import type { TlvNode } from '../tlv/index.js';
import {
  boolField,
  checkValue,
  encodeChecked,
  readRecord,
  recordField,
  textField,
  uintField,
  type FieldReader,
  type FseReason,
} from './canonical.js';
import {
  AGREEMENT,
  DIGITS2,
  DIGITS3,
  DIGITS4,
  DIGITS9,
  MAX_CENTS,
  PRINTABLE,
  readCode,
  readDate,
  readDateTime,
  readNir,
  SECURING_MODES,
  THIRD_PARTY_CODES,
  type IkZone,
  type SecuringMode,
  type ThirdPartyCode,
} from './values.js';

/** The version this module writes and reads (field 80 of every record). */
export const FSE_FORMAT_VERSION = 1;

/** The doctor the substitute replaces (DOMAIN.md "Substitute doctors"): the FSE carries both identities. */
export interface FseReplacedDoctor {
  /** RPPS-like identifier of the replaced doctor: 11 digits, fictitious ones start with 99. */
  readonly id: string;
  /** The replaced doctor's billing number (9 digits). */
  readonly billingNumber: string;
}

/** The professional who captured and signs the FSE: the CPS holder and the chosen practice situation. */
export interface FseProfessional {
  /** RPPS-like identifier: 11 digits starting with 99 (fictitious doctors, DOMAIN.md). */
  readonly id: string;
  /** Name as the CPS gives it, for example `LUCAS MOREAU`. */
  readonly name: string;
  /** Billing number of the situation (numéro de facturation, 9 digits). */
  readonly billingNumber: string;
  /** Specialty code, 2 digits (01 general practice). */
  readonly specialty: string;
  /** Convention sector 1 to 3. */
  readonly sector: number;
  /** Fee zone, 2 digits. */
  readonly feeZone: string;
  /** Index of the CPS situation used, 0 to 15 (files D120-D12F). */
  readonly situationIndex: number;
  /** Present when the professional is a substitute. */
  readonly replaced?: FseReplacedDoctor;
}

/** The patient: one beneficiary of the carte Vitale (data group 104). */
export interface FseBeneficiary {
  readonly lastName: string;
  readonly usualName?: string;
  readonly firstName: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** The beneficiary's certified NIR, 15 characters, key checked. */
  readonly nir: string;
  /** Rang de naissance 1 to 9 (tells twins apart). */
  readonly birthRank: number;
  /** Qualité, 2 digits (00 insured, 06 child...). */
  readonly quality: string;
}

/** The insured person (data group 101) and their fund. */
export interface FseInsured {
  /** 15 characters, key checked. */
  readonly nir: string;
  /** Régime, 2 digits (01 general). */
  readonly regime: string;
  /** Caisse, 3 digits. */
  readonly caisse: string;
  /** Centre, 4 digits. */
  readonly centre: string;
}

/** The beneficiary's coverage at the act date (data groups 105 and 106). */
export interface FseCoverage {
  /** Affection de longue durée. */
  readonly ald: boolean;
  /** Complémentaire santé solidaire. */
  readonly c2s: boolean;
  readonly maternity: boolean;
  /** AMO rights open at the act date; false is billed anyway and flagged. */
  readonly rightsValid: boolean;
}

/** The distance part of an IK line (DOMAIN.md "Home-visit billing"). */
export interface FseIk {
  /** One-way distance in whole km. */
  readonly oneWayKm: number;
  readonly zone: IkZone;
  /** Distance billed (2d − 4 or 2d − 2, from the tariff table); equals the line's quantity. */
  readonly billedKm: number;
}

/** One act line: `amountCents = quantity × unitCents`. */
export interface FseAct {
  /** Act code from the tariff table (`G`, `VG`, `MD`, `IK`, `GL1`...): 1-8 upper-case letters or digits. */
  readonly code: string;
  readonly quantity: number;
  readonly unitCents: number;
  readonly amountCents: number;
  /** Present on an IK line. */
  readonly ik?: FseIk;
}

/** The FSE's totals: `totalCents` is the sum of the lines, split into the AMO share and the patient's share. */
export interface FseTotals {
  readonly totalCents: number;
  /** What the compulsory insurance (AMO) pays. */
  readonly amoCents: number;
  /** The rest (ticket modérateur): paid by the patient or their AMC. */
  readonly patientCents: number;
}

/** A feuille de soins électronique as the terminal captured it (field groups after DOMAIN.md "FSE, lots, returns"). */
export interface Fse {
  /** Invoice number, 1 to 999,999,999 (9 digits in B2). */
  readonly invoiceNumber: number;
  /** When it was captured: local time with offset, from the injected clock (`2026-03-14T09:41:07+01:00`). */
  readonly capturedAt: string;
  /** Date of the acts, `YYYY-MM-DD`. */
  readonly actDate: string;
  readonly professional: FseProfessional;
  readonly beneficiary: FseBeneficiary;
  readonly insured: FseInsured;
  readonly coverage: FseCoverage;
  /** 1 to 99 lines. */
  readonly acts: readonly FseAct[];
  /** Urgent visit during PDSA hours (its supplement is one of the lines). */
  readonly pdsaUrgent: boolean;
  readonly totals: FseTotals;
  readonly thirdParty: ThirdPartyCode;
  readonly securing: SecuringMode;
  /** The device's agreement number (numéro d'agrément), printable ASCII, 1-32 characters. */
  readonly deviceAgreement: string;
  /** Captured on a portable device (B2 invoice header flag). */
  readonly portable: boolean;
}

/** Top-level tag of an FSE (private class, constructed: OURS). */
export const FSE_TAG = 0xe1;
/** Most act lines an FSE holds (ours). */
export const MAX_FSE_ACTS = 99;

const RPPS = /^99[0-9]{9}$/;
const ACT_CODE = /^[A-Z0-9]{1,8}$/;
const IK_ZONES: readonly IkZone[] = ['plain', 'mountain'];

function readProfessional(r: FieldReader): FseProfessional {
  const id = r.text(0x80, 'id', RPPS, 11);
  const name = r.text(0x81, 'name', PRINTABLE, 64);
  const billingNumber = r.text(0x82, 'billingNumber', DIGITS9, 9);
  const specialty = r.text(0x83, 'specialty', DIGITS2, 2);
  const sector = r.uint(0x84, 'sector', 1, 3);
  const feeZone = r.text(0x85, 'feeZone', DIGITS2, 2);
  const situationIndex = r.uint(0x86, 'situationIndex', 0, 15);
  const replaced = r.optionalRecord(0xa7, 'replaced', (q) => ({
    id: q.text(0x80, 'id', RPPS, 11),
    billingNumber: q.text(0x81, 'billingNumber', DIGITS9, 9),
  }));
  const base = { id, name, billingNumber, specialty, sector, feeZone, situationIndex };
  return replaced === undefined ? base : { ...base, replaced };
}

function readBeneficiary(r: FieldReader): FseBeneficiary {
  const lastName = r.text(0x80, 'lastName', PRINTABLE, 64);
  const usualName = r.optionalText(0x81, 'usualName', PRINTABLE, 64);
  const rest = {
    firstName: r.text(0x82, 'firstName', PRINTABLE, 64),
    birthDate: readDate(r, 0x83, 'birthDate'),
    nir: readNir(r, 0x84, 'nir'),
    birthRank: r.uint(0x85, 'birthRank', 1, 9),
    quality: r.text(0x86, 'quality', DIGITS2, 2),
  };
  return usualName === undefined ? { lastName, ...rest } : { lastName, usualName, ...rest };
}

function readAct(r: FieldReader): FseAct {
  const code = r.text(0x80, 'code', ACT_CODE, 8);
  const quantity = r.uint(0x81, 'quantity', 1, 9999);
  const unitCents = r.uint(0x82, 'unitCents', 0, MAX_CENTS);
  const amountCents = r.uint(0x83, 'amountCents', 0, MAX_CENTS);
  if (amountCents !== quantity * unitCents) r.fail('inconsistent', `amount ${amountCents} is not ${quantity} × ${unitCents}`, 'amountCents');
  const ik = r.optionalRecord(0xa4, 'ik', (q) => ({
    oneWayKm: q.uint(0x80, 'oneWayKm', 0, 9999),
    zone: IK_ZONES[q.uint(0x81, 'zone', 0, 1)]!,
    billedKm: q.uint(0x82, 'billedKm', 1, 9999),
  }));
  if (ik === undefined) return { code, quantity, unitCents, amountCents };
  if (ik.billedKm !== quantity) r.fail('inconsistent', `billed ${ik.billedKm} km but quantity ${quantity}`, 'ik');
  return { code, quantity, unitCents, amountCents, ik };
}

/** Read an FSE record's fields (internal: the secured envelope nests it). */
export function readFse(r: FieldReader): Fse {
  r.uint(0x80, 'version', FSE_FORMAT_VERSION, FSE_FORMAT_VERSION);
  const invoiceNumber = r.uint(0x81, 'invoiceNumber', 1, 999_999_999);
  const capturedAt = readDateTime(r, 0x82, 'capturedAt');
  const actDate = readDate(r, 0x83, 'actDate');
  const professional = r.record(0xa4, 'professional', readProfessional);
  const beneficiary = r.record(0xa5, 'beneficiary', readBeneficiary);
  const insured = r.record(0xa6, 'insured', (q) => ({
    nir: readNir(q, 0x80, 'nir'),
    regime: q.text(0x81, 'regime', DIGITS2, 2),
    caisse: q.text(0x82, 'caisse', DIGITS3, 3),
    centre: q.text(0x83, 'centre', DIGITS4, 4),
  }));
  const coverage = r.record(0xa7, 'coverage', (q) => ({
    ald: q.bool(0x80, 'ald'),
    c2s: q.bool(0x81, 'c2s'),
    maternity: q.bool(0x82, 'maternity'),
    rightsValid: q.bool(0x83, 'rightsValid'),
  }));
  const acts = r.list(0xa8, 'acts', 0xa0, 1, MAX_FSE_ACTS, readAct);
  const pdsaUrgent = r.bool(0x89, 'pdsaUrgent');
  const totals = r.record(0xaa, 'totals', (q) => ({
    totalCents: q.uint(0x80, 'totalCents', 0, MAX_CENTS),
    amoCents: q.uint(0x81, 'amoCents', 0, MAX_CENTS),
    patientCents: q.uint(0x82, 'patientCents', 0, MAX_CENTS),
  }));
  const sum = acts.reduce((s, a) => s + a.amountCents, 0);
  if (totals.totalCents !== sum) r.fail('inconsistent', `total ${totals.totalCents} is not the sum of the lines (${sum})`, 'totals');
  if (totals.amoCents + totals.patientCents !== totals.totalCents) r.fail('inconsistent', 'AMO part + patient part is not the total', 'totals');
  return {
    invoiceNumber,
    capturedAt,
    actDate,
    professional,
    beneficiary,
    insured,
    coverage,
    acts,
    pdsaUrgent,
    totals,
    thirdParty: readCode(r, 0x8b, 'thirdParty', THIRD_PARTY_CODES),
    securing: readCode(r, 0x8c, 'securing', SECURING_MODES),
    deviceAgreement: r.text(0x8d, 'deviceAgreement', AGREEMENT, 32),
    portable: r.bool(0x8e, 'portable'),
  };
}

function writeAct(a: FseAct): TlvNode {
  const ik = a.ik === undefined ? undefined : recordField(0xa4, [uintField(0x80, a.ik.oneWayKm), uintField(0x81, IK_ZONES.indexOf(a.ik.zone)), uintField(0x82, a.ik.billedKm)]);
  return recordField(0xa0, [textField(0x80, a.code), uintField(0x81, a.quantity), uintField(0x82, a.unitCents), uintField(0x83, a.amountCents), ik]);
}

/** The FSE's TLV tree (internal: {@link encodeFse} checks it). */
export function writeFse(f: Fse): TlvNode {
  const p = f.professional;
  const b = f.beneficiary;
  const replaced = p.replaced === undefined ? undefined : recordField(0xa7, [textField(0x80, p.replaced.id), textField(0x81, p.replaced.billingNumber)]);
  return recordField(FSE_TAG, [
    uintField(0x80, FSE_FORMAT_VERSION),
    uintField(0x81, f.invoiceNumber),
    textField(0x82, f.capturedAt),
    textField(0x83, f.actDate),
    recordField(0xa4, [
      textField(0x80, p.id),
      textField(0x81, p.name),
      textField(0x82, p.billingNumber),
      textField(0x83, p.specialty),
      uintField(0x84, p.sector),
      textField(0x85, p.feeZone),
      uintField(0x86, p.situationIndex),
      replaced,
    ]),
    recordField(0xa5, [
      textField(0x80, b.lastName),
      b.usualName === undefined ? undefined : textField(0x81, b.usualName),
      textField(0x82, b.firstName),
      textField(0x83, b.birthDate),
      textField(0x84, b.nir),
      uintField(0x85, b.birthRank),
      textField(0x86, b.quality),
    ]),
    recordField(0xa6, [textField(0x80, f.insured.nir), textField(0x81, f.insured.regime), textField(0x82, f.insured.caisse), textField(0x83, f.insured.centre)]),
    recordField(0xa7, [boolField(0x80, f.coverage.ald), boolField(0x81, f.coverage.c2s), boolField(0x82, f.coverage.maternity), boolField(0x83, f.coverage.rightsValid)]),
    recordField(0xa8, f.acts.map(writeAct)),
    boolField(0x89, f.pdsaUrgent),
    recordField(0xaa, [uintField(0x80, f.totals.totalCents), uintField(0x81, f.totals.amoCents), uintField(0x82, f.totals.patientCents)]),
    textField(0x8b, f.thirdParty),
    textField(0x8c, f.securing),
    textField(0x8d, f.deviceAgreement),
    boolField(0x8e, f.portable),
  ]);
}

/**
 * Parse the canonical encoding of an FSE (OURS, README "FSE"). Strict and
 * canonical: any other BER form of the same value is `non-canonical`;
 * totals that do not add up are `inconsistent`. Never throws on input.
 * @example parseFse(bytes) // ok: { invoiceNumber: 1, capturedAt: '2026-03-14T09:41:07+01:00', ... }
 */
export function parseFse(bytes: Uint8Array): ParseResult<Fse, FseReason> {
  return readRecord(bytes, FSE_TAG, 'fse', readFse);
}

/**
 * Encode an FSE canonically: the bytes that are hashed (SHA-256) and
 * signed. The exact inverse of {@link parseFse}. Throws a RangeError or
 * TypeError for a value {@link parseFse} would refuse; build values with
 * {@link fse} to get a typed failure instead.
 * @example encodeFse(value) // E1 81 xx 80 01 01 81 01 01 82 19 32 30 32 36 ...
 */
export function encodeFse(value: Fse): Uint8Array {
  return encodeChecked(() => writeFse(value), parseFse, 'FSE');
}

/**
 * Smart constructor: the value if every field is in its domain and the
 * totals add up, else the typed reason (the same checks as {@link parseFse}).
 * @example fse({ invoiceNumber: 0, ... }) // fail: bad-value at fse/invoiceNumber
 */
export function fse(value: Fse): ParseResult<Fse, FseReason> {
  return checkValue(value, writeFse, parseFse);
}

/**
 * Codec of the FSE's canonical encoding.
 * @example fseCodec.encode(fseCodec.parse(bytes).value) // the same bytes
 */
export const fseCodec: Codec<Fse, FseReason> = { parse: parseFse, encode: encodeFse };
