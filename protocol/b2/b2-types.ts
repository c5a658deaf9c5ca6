/**
 * The values of a B2 lot file (README "Layout"): the file, its lots,
 * invoices and act lines, as the parser gives them and the encoder takes
 * them. Counts, totals and the keys each invoice record repeats are derived,
 * not held.
 * @module
 */
import type { SecuringMode, ThirdPartyCode } from '../fse/index.js';

/** Nature d'assurance (B2 invoice header cols 77-78): 10 illness, 13 Alsace-Moselle, 30 maternity, 41 work accident, 90 prevention. */
export type B2InsuranceNature = '10' | '13' | '30' | '41' | '90';
/** Lot marking (lot trailer col 55): R real invoices, T tests, D demonstration. */
export type B2Marking = 'R' | 'T' | 'D';

/** The distance part of an IK line (OURS: cols 39-47 of the act line). */
export interface B2Ik {
  readonly oneWayKm: number;
  readonly zone: 'plain' | 'mountain';
  readonly billedKm: number;
}

/** One act line (record 4). The billed quantity is `quantity × coefficient / 100`. */
export interface B2Line {
  /** Numéro de l'exécutant + key, 9 digits (the doctor's billing number). */
  readonly executant: string;
  readonly feeZone: string;
  readonly specialty: string;
  /** Date of the act, `YYMMDD`. */
  readonly actDate: string;
  /** Act code, 1-5 characters `[A-Z0-9]`. */
  readonly code: string;
  /** 1-99. */
  readonly quantity: number;
  /** Coefficient in hundredths (100 is 1.00), 1-999,999. */
  readonly coefficient: number;
  readonly unitCents: number;
  readonly amountCents: number;
  /** Code lieu (col 121): true at the patient's home. */
  readonly atHome: boolean;
  readonly ik?: B2Ik;
}

/** One invoice: header (2), lines (4), totals (5). */
export interface B2Invoice {
  /** 1-999,999,999 (cols 27-35). */
  readonly invoiceNumber: number;
  /** The insured's NIR, 13 characters + key (cols 12-26). */
  readonly insuredNir: string;
  /** OURS (col 37): how the FSE was secured. */
  readonly securing: SecuringMode;
  /** Date de facturation, `YYMMDD`. */
  readonly invoiceDate: string;
  /** Made on a portable device (col 48; OURS: `O` yes, space no). */
  readonly portable: boolean;
  readonly regime: string;
  readonly caisse: string;
  readonly centre: string;
  /** OURS (col 58): `1` rights open at the act date, `0` not. */
  readonly rightsValid: boolean;
  readonly insuranceNature: B2InsuranceNature;
  /** OURS (col 79, exoneration justification): `A` ALD, space none. */
  readonly ald: boolean;
  /** Secured with a substitute's CPS (col 95: 1 or 0). */
  readonly substitute: boolean;
  /** The beneficiary's birth date, `YYMMDD`. */
  readonly birthDate: string;
  /** Rang de naissance 1-9. */
  readonly birthRank: number;
  /** Destinataire du règlement (cols 115-116). */
  readonly payee: ThirdPartyCode;
  /** C2S beneficiary: contract type 89 (cols 117-118), else blank. */
  readonly c2s: boolean;
  /** 1-99 lines. */
  readonly lines: readonly B2Line[];
  /** Total reimbursable by the AMO; the total is the lines' sum, the patient's part the rest. */
  readonly amoCents: number;
  /** Zone de certification of the invoice (cols 97-128 of record 5): 32 characters. */
  readonly certification: string;
}

/** One lot: header (1), invoices, trailer (6). The header's top certification is derived (README). */
export interface B2Lot {
  /** N° partenaire de santé + key, 9 digits. */
  readonly partner: string;
  /** Organisme destinataire, 3 digits. */
  readonly destination: string;
  /** 1-999. */
  readonly lotNumber: number;
  /** 1-40 characters. */
  readonly partnerName: string;
  readonly createdOn: string;
  readonly marking: B2Marking;
  /** N° agrément progiciel de santé (cols 61-72), 1-12 characters. */
  readonly softwareAgreement: string;
  /** N° agrément du dispositif portable (cols 73-84), absent when blank. */
  readonly deviceAgreement?: string;
  /** Zone de certification of the lot (cols 97-128), 32 characters (OURS: see README). */
  readonly certification: string;
  /** 1-999 invoices. */
  readonly invoices: readonly B2Invoice[];
}

/** A B2 file: header 000, 1-999 lots, trailer 999 (whose counts are derived). */
export interface B2File {
  /** Type d'émetteur, 2 characters (`TP` health professional). */
  readonly emitterType: string;
  /** Numéro d'émetteur, 14 digits. */
  readonly emitter: string;
  readonly recipientType: string;
  /** Numéro de destinataire, 1-14 characters. */
  readonly recipient: string;
  readonly application: string;
  /** Identification du fichier, 1-6 characters. */
  readonly fileId: string;
  readonly createdOn: string;
  /** Norme, 1-4 characters; the version (cols 66-67) is always `B2`. */
  readonly norm: string;
  /** Zone message, 0-37 characters. */
  readonly message: string;
  readonly lots: readonly B2Lot[];
}

/** Most lots a file holds and invoices a lot holds (3-digit counts). */
export const MAX_B2_LOTS = 999;
export const MAX_B2_INVOICES = 999;
/** Most lines an invoice holds (2-digit sequence). */
export const MAX_B2_LINES = 99;

/** The lot header's top certification: the weakest mode of its invoices (OURS: D, else F, else S). */
export function certificationTop(invoices: readonly B2Invoice[]): SecuringMode {
  if (invoices.some((i) => i.securing === 'D')) return 'D';
  return invoices.some((i) => i.securing === 'F') ? 'F' : 'S';
}

