/**
 * The columns of each B2 record type (README "Layout"), declared once and
 * used by both the parser and the encoder. Column numbers are 1-based as in
 * the norm. Where sesamviewer's `data/b2.xml` gives a field's place
 * (DOMAIN.md "B2 columns") it is kept; the rest is OURS and marked so.
 * @module
 */
import { col, fillerOf, type Column } from './fixed-width.js';

/** Every B2 record is 128 characters, with no separator between records (DOMAIN.md; sesamviewer reads 128-byte blocks). */
export const B2_RECORD_LENGTH = 128;

function layout<T extends Record<string, Column>>(fields: T): T & { readonly filler: readonly (readonly [number, number])[] } {
  return { ...fields, filler: fillerOf(B2_RECORD_LENGTH, Object.values(fields)) };
}

/** The file's address: the same columns in record 000 and record 999, which must repeat them. */
export const FILE_ADDRESS = {
  emitterType: col('emitterType', 4, 2),
  emitter: col('emitter', 6, 14),
  recipientType: col('recipientType', 26, 2),
  recipient: col('recipient', 28, 14),
  application: col('application', 48, 2),
  fileId: col('fileId', 50, 6),
} as const;

/** Record 000, file header. */
export const FILE_HEADER = layout({
  type: col('type', 1, 3),
  ...FILE_ADDRESS,
  createdOn: col('createdOn', 56, 6),
  norm: col('norm', 62, 4),
  normVersion: col('normVersion', 66, 2),
  recordLength: col('recordLength', 83, 3),
  message: col('message', 92, 37),
});

/** Record 1, lot header. */
export const LOT_HEADER = layout({
  type: col('type', 1, 1),
  partner: col('partner', 2, 9),
  destination: col('destination', 17, 3),
  lotNumber: col('lotNumber', 20, 3),
  partnerName: col('partnerName', 30, 40),
  createdOn: col('createdOn', 72, 6),
  certificationTop: col('certificationTop', 81, 1),
  currency: col('currency', 88, 1),
});

/** The keys every invoice record repeats: partner, NIR + key, invoice number. */
const INVOICE_KEYS = {
  partner: col('partner', 2, 9),
  insuredNir: col('insuredNir', 12, 15),
  invoiceNumber: col('invoiceNumber', 27, 9),
};

/** Record 2, invoice header. */
export const INVOICE_HEADER = layout({
  type: col('type', 1, 1),
  ...INVOICE_KEYS,
  securing: col('securing', 37, 1),
  invoiceDate: col('invoiceDate', 40, 6),
  invoiceType: col('invoiceType', 47, 1),
  portable: col('portable', 48, 1),
  regime: col('regime', 49, 2),
  caisse: col('caisse', 51, 3),
  centre: col('centre', 54, 4),
  rightsValid: col('rightsValid', 58, 1),
  insuranceNature: col('insuranceNature', 77, 2),
  ald: col('ald', 79, 1),
  substitute: col('substitute', 95, 1),
  birthDate: col('birthDate', 96, 6),
  birthRank: col('birthRank', 102, 1),
  payee: col('payee', 115, 2),
  contract: col('contract', 117, 2),
});

/** Record 4, one act line. */
export const ACT_LINE = layout({
  type: col('type', 1, 1),
  ...INVOICE_KEYS,
  sequence: col('sequence', 37, 2),
  ikOneWayKm: col('ik/oneWayKm', 39, 4),
  ikZone: col('ik/zone', 43, 1),
  ikBilledKm: col('ik/billedKm', 44, 4),
  priorAgreement: col('priorAgreement', 50, 1),
  executant: col('executant', 55, 9),
  feeZone: col('feeZone', 64, 2),
  specialty: col('specialty', 66, 2),
  actDate: col('actDate', 68, 6),
  code: col('code', 74, 5),
  quantity: col('quantity', 79, 2),
  coefficient: col('coefficient', 81, 6),
  unitCents: col('unitCents', 89, 7),
  amountCents: col('amountCents', 113, 7),
  place: col('place', 121, 1),
});

/** Record 5, invoice totals. */
export const INVOICE_TOTALS = layout({
  type: col('type', 1, 1),
  ...INVOICE_KEYS,
  lineCount: col('lineCount', 39, 3),
  totalCents: col('totalCents', 58, 8),
  amoCents: col('amoCents', 66, 8),
  patientCents: col('patientCents', 74, 8),
  certification: col('certification', 97, 32),
});

/** Record 6, lot trailer. */
export const LOT_TRAILER = layout({
  type: col('type', 1, 1),
  partner: col('partner', 2, 9),
  invoiceCount: col('invoiceCount', 11, 3),
  lineCount: col('lineCount', 14, 4),
  headerCount: col('headerCount', 18, 4),
  totalsCount: col('totalsCount', 22, 3),
  totalCents: col('totalCents', 25, 9),
  amoCents: col('amoCents', 34, 9),
  lotNumber: col('lotNumber', 52, 3),
  marking: col('marking', 55, 1),
  invoiceType: col('invoiceType', 56, 1),
  softwareAgreement: col('softwareAgreement', 61, 12),
  deviceAgreement: col('deviceAgreement', 73, 12),
  certification: col('certification', 97, 32),
});

/** Record 999, end of file. */
export const FILE_TRAILER = layout({
  type: col('type', 1, 3),
  ...FILE_ADDRESS,
  recordCount: col('recordCount', 56, 8),
  lotCount: col('lotCount', 83, 3),
});
