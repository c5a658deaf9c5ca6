/**
 * The persona model: doctors (CPS holders) and patients (carte Vitale
 * holders), as the files of `test-vectors/personas/` hold them. The shapes
 * follow the JSON Schemas in `test-vectors/personas/schema/`; the field
 * meanings, and which of them are our design, are in this folder's README.
 * @module
 */
import type { BeneficiaryIdentity, CardGeneration, IsoDate, RightsPeriod } from '../../protocol/index.js';

// The date, period, quality, identity and card generation are the teleservice's wire types too: one definition, in protocol.
export type { BeneficiaryQuality as Quality, IsoDate, RightsPeriod } from '../../protocol/index.js';

/**
 * Mode of practice of a CPS situation (DOMAIN.md "Situation fields").
 * `substitute` (remplaçant) works on a replaced doctor's situation.
 */
export type PracticeMode = 'liberal' | 'salaried' | 'substitute' | 'unpaid';

/** The structure a situation bills for: a practice (cabinet), a FINESS establishment or a SIRET company. */
export interface Structure {
  readonly idType: 'cabinet' | 'finess' | 'siret';
  readonly id: string;
  readonly name: string;
}

/** Whose situation a substitute's situation works on (DOMAIN.md "Substitute doctors"). */
export interface Replacement {
  /** The replaced doctor's persona id. */
  readonly doctorId: string;
  /** The index of the replaced doctor's situation. */
  readonly situation: number;
}

/**
 * One practice situation of a CPS card (files `3F00/0001/D120` to `D12F`,
 * DOMAIN.md): its index is its position in {@link Doctor.situations}.
 */
export interface Situation {
  readonly practiceMode: PracticeMode;
  readonly structure: Structure;
  /** Numéro de facturation, 9 characters: department, category, order, key (ours: Luhn key). */
  readonly billingNumber: string;
  /** CNAM specialty code, 2 digits (`01` general practice). */
  readonly specialty: string;
  /** 0 not under convention, 1 sector 1, 2 sector 2, 3 sector 1 with a permanent right to exceed fees. */
  readonly conventionSector: 0 | 1 | 2 | 3;
  /** Signed the OPTAM fee-control option (G = 30 EUR applies as in sector 1, DOMAIN.md). */
  readonly optam: boolean;
  /** Zone tarifaire (ours): `10` metropolitan France, `20` Antilles-Guyane, `30` Réunion, `40` Mayotte. */
  readonly feeZone: '10' | '20' | '30' | '40';
  /** IK zone: the mileage allowance rate and distance rule (DOMAIN.md "Home-visit billing"). */
  readonly ikZone: 'plain' | 'mountain';
  /** Rights to sign FSEs and lots in this situation. */
  readonly rights: { readonly signFse: boolean; readonly signLot: boolean };
  /** Only for `practiceMode: 'substitute'`. */
  readonly replaces?: Replacement;
}

/** A doctor persona: the holder of a CPS card. */
export interface Doctor {
  readonly id: string;
  readonly kind: 'doctor';
  readonly description: string;
  /** Upper case, Latin-1 (the card's character set). */
  readonly lastName: string;
  readonly firstName: string;
  /** RPPS-like identifier: 11 digits starting with 99 (fictitious, DOMAIN.md), Luhn key last (ours). */
  readonly rpps: string;
  /** Card serial number (EF.SN.ICC `3F00/D003`), 8 bytes as 16 hex digits. */
  readonly cardSerial: string;
  /** Code porteur, 4 digits. Test data, but never logged, traced or put in an error. */
  readonly pin: string;
  /** Code de déblocage, 8 digits. Same rule as {@link Doctor.pin}. */
  readonly unblockingCode: string;
  /** 1 to 16 situations. */
  readonly situations: readonly Situation[];
  /** Ids of this doctor's entries in `test-vectors/pki/index.json`; generated doctors have none. */
  readonly pki?: { readonly authentication: string; readonly signature: string };
}

/** The situation code of a coverage period (ours, after the API's group 106 "situation codes"). */
export type CoverageSituation = 'none' | 'c2s' | 'c2s-participation' | 'maternity' | 'invalidity';

/** A coverage period (group 106): ALD exoneration and a situation such as C2S or maternity. */
export interface CoveragePeriod extends RightsPeriod {
  readonly ald: boolean;
  readonly situation: CoverageSituation;
}

/** A beneficiary on a carte Vitale (group 104, with its 105 and 106 periods). */
export interface Beneficiary extends BeneficiaryIdentity {
  /** AMO rights periods, 0 to 3 (group 105). */
  readonly amoRights: readonly RightsPeriod[];
  /** Coverage periods, 0 to 7 (group 106). */
  readonly coverage: readonly CoveragePeriod[];
  /** Declared médecin traitant: a doctor persona id. */
  readonly medecinTraitant?: string;
}

/** The insured (assuré ouvrant droit) of a card (group 101). */
export interface Insured {
  /** 15 characters, valid key. */
  readonly nir: string;
  /** Régime, 2 digits (`01` general, `02` agricultural). */
  readonly regime: string;
  /** Caisse, 3 digits. */
  readonly caisse: string;
  /** Centre, 4 digits. */
  readonly centre: string;
  /** Code gestion, 2 characters. */
  readonly codeGestion: string;
}

/** A patient persona: one carte Vitale. */
export interface Patient {
  readonly id: string;
  readonly kind: 'patient';
  readonly description: string;
  readonly card: {
    readonly generation: CardGeneration;
    /** 10 digits. */
    readonly serialNumber: string;
    readonly issued: IsoDate;
  };
  readonly insured: Insured;
  /** 1 to 6. */
  readonly beneficiaries: readonly Beneficiary[];
  /** Id of the card's entry in `test-vectors/pki/index.json`; generated patients have none. */
  readonly pki?: { readonly card: string };
}

/** Either kind of persona. */
export type Persona = Doctor | Patient;
