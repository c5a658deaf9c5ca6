/**
 * The JSON bodies of the rights lookup of bifente's teleservice (OURS,
 * ADRi-like: the real ADRi API is not public; route and status codes in
 * emulator/teleservice README "Rights lookup"). The answer carries what the
 * CDR form showed (DOMAIN.md "Teleservices"): patient and insured, NIR,
 * régime/caisse/centre, base rights with their validity, C2S,
 * exonerations (ALD), the declared médecin traitant.
 * @module
 */

/** A calendar date `YYYY-MM-DD` (`isIsoDate`). */
export type IsoDate = string;

/** The generation of a carte Vitale (DOMAIN.md "Cards"): Vitale 1, or Vitale 2 (in our model the one with a card key pair and certificate). */
export type CardGeneration = 'vitale-1' | 'vitale-2';

/**
 * Qualité of a beneficiary: `00` the insured, `01` ascendant, descendant or
 * collateral, `02` spouse, `03` divorced spouse, `04` partner, `05`
 * separated spouse, `06` child, `08` widowed spouse, `09` other (our
 * reading of the B2 code list; not checked against the cahier des charges).
 */
export type BeneficiaryQuality = '00' | '01' | '02' | '03' | '04' | '05' | '06' | '08' | '09';

/** Who a beneficiary of a carte Vitale is (group 104): the card's identity fields and the beneficiary's own NIR. */
export interface BeneficiaryIdentity {
  readonly lastName: string;
  /** Nom d'usage, when it differs from the birth name. */
  readonly usualName?: string;
  readonly firstName: string;
  /** As on the card (a pseudo date for some people born abroad). */
  readonly birthDate: IsoDate;
  /** Rang de naissance, 1-9: tells apart twins born the same day. */
  readonly birthRank: number;
  readonly quality: BeneficiaryQuality;
  /** The beneficiary's own certified NIR, 15 characters, valid key. */
  readonly nir: string;
}

/** `POST /v1/rights` body: who, as the carte Vitale gives it, and when. */
export interface RightsQuery {
  /** The beneficiary's own NIR or the insured's (the card's ouvrant droit), 15 characters (13 + key). */
  readonly nir: string;
  /** `YYYY-MM-DD` as on the card (a pseudo date for some people born abroad). */
  readonly birthDate: string;
  /** Rang de naissance, 1-9 (tells twins apart). */
  readonly birthRank: number;
  /** The card's serial number, when read from a carte Vitale: narrows to that card. */
  readonly cardSerial?: string;
  /** The date the rights are asked for (default: the server's today, UTC). */
  readonly date?: IsoDate;
}

/** A period of rights (AMO rights, coverage), `end` inclusive; no `end`: open-ended. */
export interface RightsPeriod {
  readonly start: IsoDate;
  readonly end?: IsoDate;
}

/** The médecin traitant of a rights answer: none declared, or who. */
export type MedecinTraitantAnswer = { readonly declared: false } | { readonly declared: true; readonly rpps: string; readonly lastName: string; readonly firstName: string };

/** `POST /v1/rights` answer (200; closed rights are an answer with `open: false`, not an error). */
export interface RightsAnswer {
  /** The date the rights are given for. */
  readonly queryDate: IsoDate;
  /** The card the beneficiary was found on. */
  readonly card: { readonly serialNumber: string; readonly generation: CardGeneration };
  /** The beneficiary. */
  readonly patient: BeneficiaryIdentity;
  /** The insured (assuré ouvrant droit) of the card; the names when the insured is a beneficiary of it. */
  readonly insured: {
    readonly nir: string;
    readonly lastName?: string;
    readonly firstName?: string;
    /** 2 digits (`01` general, `02` agricultural). */
    readonly regime: string;
    /** 3 digits. */
    readonly caisse: string;
    /** 4 digits. */
    readonly centre: string;
    /** 2 characters. */
    readonly codeGestion: string;
  };
  /** AMO base rights: open on the query date or not, the period that holds it, and every period known. */
  readonly baseRights: { readonly open: boolean; readonly current?: RightsPeriod; readonly periods: readonly RightsPeriod[] };
  /** Complémentaire santé solidaire on the query date (`participation`: the paying form). */
  readonly c2s: { readonly covered: boolean; readonly participation: boolean; readonly period?: RightsPeriod };
  /** Exoneration of the patient's share on the query date: ALD, maternity, invalidity, and the coverage period that gives it. */
  readonly exoneration: { readonly ald: boolean; readonly maternity: boolean; readonly invalidity: boolean; readonly period?: RightsPeriod };
  /** The declared médecin traitant. */
  readonly medecinTraitant: MedecinTraitantAnswer;
}
