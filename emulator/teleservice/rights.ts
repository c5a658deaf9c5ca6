/**
 * Rights lookup (ADRi-like, OURS): the rights of one beneficiary on a
 * date, from the patient personas. The answer carries what the CDR form
 * showed (DOMAIN.md "Teleservices", seed 002): identity of patient and
 * insured, NIR, régime/caisse/centre, base rights with their validity,
 * C2S, exoneration (ALD), the declared médecin traitant.
 * @module
 */
import type { Beneficiary, CoveragePeriod, Doctor, IsoDate, Patient, RightsPeriod } from '../personas/index.js';
import { TeleserviceError } from './errors.js';

/** `POST /v1/rights` body: who, as the carte Vitale gives it, and when. */
export interface RightsQuery {
  /** The beneficiary's own NIR or the insured's (the card's ouvrant droit), 15 characters. */
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

/** A period as the API gives it; no `end`: open-ended. */
export interface PeriodAnswer {
  readonly start: IsoDate;
  readonly end?: IsoDate;
}

/** `POST /v1/rights` answer (an expired right is an answer with `open: false`, not an error). */
export interface RightsAnswer {
  readonly queryDate: IsoDate;
  readonly card: { readonly serialNumber: string; readonly generation: Patient['card']['generation'] };
  readonly patient: {
    readonly nir: string;
    readonly lastName: string;
    readonly usualName?: string;
    readonly firstName: string;
    readonly birthDate: IsoDate;
    readonly birthRank: number;
    readonly quality: Beneficiary['quality'];
  };
  readonly insured: {
    readonly nir: string;
    readonly lastName?: string;
    readonly firstName?: string;
    readonly regime: string;
    readonly caisse: string;
    readonly centre: string;
    readonly codeGestion: string;
  };
  /** AMO base rights: open on the query date or not, the period that holds it, and every period known. */
  readonly baseRights: { readonly open: boolean; readonly current?: PeriodAnswer; readonly periods: readonly PeriodAnswer[] };
  /** Complémentaire santé solidaire on the query date (`participation`: the paying form). */
  readonly c2s: { readonly covered: boolean; readonly participation: boolean; readonly period?: PeriodAnswer };
  /** Exoneration of the patient's share on the query date: ALD, maternity, invalidity. */
  readonly exoneration: { readonly ald: boolean; readonly maternity: boolean; readonly invalidity: boolean; readonly period?: PeriodAnswer };
  /** The declared médecin traitant. */
  readonly medecinTraitant: { readonly declared: false } | { readonly declared: true; readonly rpps: string; readonly lastName: string; readonly firstName: string };
}

const holds = (p: RightsPeriod, date: IsoDate): boolean => p.start <= date && (p.end === undefined || date <= p.end);
const period = (p: RightsPeriod): PeriodAnswer => (p.end === undefined ? { start: p.start } : { start: p.start, end: p.end });

function answerFor(patient: Patient, b: Beneficiary, doctors: ReadonlyMap<string, Doctor>, date: IsoDate): RightsAnswer {
  const insuredPerson = patient.beneficiaries.find((x) => x.quality === '00' || x.nir === patient.insured.nir);
  const amo = b.amoRights.find((p) => holds(p, date));
  const coverage: CoveragePeriod | undefined = b.coverage.find((p) => holds(p, date));
  const situation = coverage?.situation ?? 'none';
  const c2s = situation === 'c2s' || situation === 'c2s-participation';
  const exonerated = coverage !== undefined && (coverage.ald || situation === 'maternity' || situation === 'invalidity');
  const doctor = b.medecinTraitant === undefined ? undefined : doctors.get(b.medecinTraitant);
  return {
    queryDate: date,
    card: { serialNumber: patient.card.serialNumber, generation: patient.card.generation },
    patient: {
      nir: b.nir,
      lastName: b.lastName,
      ...(b.usualName === undefined ? {} : { usualName: b.usualName }),
      firstName: b.firstName,
      birthDate: b.birthDate,
      birthRank: b.birthRank,
      quality: b.quality,
    },
    insured: {
      nir: patient.insured.nir,
      ...(insuredPerson === undefined ? {} : { lastName: insuredPerson.lastName, firstName: insuredPerson.firstName }),
      regime: patient.insured.regime,
      caisse: patient.insured.caisse,
      centre: patient.insured.centre,
      codeGestion: patient.insured.codeGestion,
    },
    baseRights: { open: amo !== undefined, ...(amo === undefined ? {} : { current: period(amo) }), periods: b.amoRights.map(period) },
    c2s: { covered: c2s, participation: situation === 'c2s-participation', ...(c2s && coverage !== undefined ? { period: period(coverage) } : {}) },
    exoneration: {
      ald: coverage?.ald ?? false,
      maternity: situation === 'maternity',
      invalidity: situation === 'invalidity',
      ...(exonerated ? { period: period(coverage) } : {}),
    },
    medecinTraitant: doctor === undefined ? { declared: false } : { declared: true, rpps: doctor.rpps, lastName: doctor.lastName, firstName: doctor.firstName },
  };
}

/** The personas a lookup reads, indexed once. */
export interface RightsBook {
  lookup(query: RightsQuery, today: IsoDate): RightsAnswer;
}

/**
 * Index the personas for lookups: a beneficiary matches by its own NIR or
 * its card's insured NIR, plus birth date and rank (and card serial when
 * given). Several matches whose answers differ (the same person on two
 * cards with different rights) are `ambiguous-person`; none is
 * `unknown-person`.
 */
export function createRightsBook(patients: readonly Patient[], doctors: readonly Doctor[]): RightsBook {
  const byNir = new Map<string, { patient: Patient; beneficiary: Beneficiary }[]>();
  const add = (nir: string, entry: { patient: Patient; beneficiary: Beneficiary }): void => {
    const list = byNir.get(nir) ?? [];
    if (!list.includes(entry)) list.push(entry);
    byNir.set(nir, list);
  };
  for (const patient of patients) {
    for (const beneficiary of patient.beneficiaries) {
      const entry = { patient, beneficiary };
      add(beneficiary.nir, entry);
      if (patient.insured.nir !== beneficiary.nir) add(patient.insured.nir, entry);
    }
  }
  const doctorsById = new Map(doctors.map((d) => [d.id, d]));
  return {
    lookup(query, today) {
      const date = query.date ?? today;
      const matches = (byNir.get(query.nir) ?? []).filter(
        ({ patient, beneficiary: b }) => b.birthDate === query.birthDate && b.birthRank === query.birthRank && (query.cardSerial === undefined || patient.card.serialNumber === query.cardSerial),
      );
      const answers = matches.map(({ patient, beneficiary }) => answerFor(patient, beneficiary, doctorsById, date));
      const [first] = answers;
      if (first === undefined) throw new TeleserviceError('unknown-person', 'no beneficiary has this NIR, birth date and rank' + (query.cardSerial === undefined ? '' : ' on this card'));
      // The same person on two cards is one answer when the rights agree (the card part aside).
      const rights = answers.length === 1 ? undefined : new Set(answers.map((a) => JSON.stringify({ ...a, card: undefined })));
      if (rights !== undefined && rights.size > 1) throw new TeleserviceError('ambiguous-person', `${answers.length} beneficiaries with different rights match: give "cardSerial"`);
      return first;
    },
  };
}
