/**
 * Rights lookup (ADRi-like, OURS): the rights of one beneficiary on a
 * date, from the patient personas. The answer carries what the CDR form
 * showed (DOMAIN.md "Teleservices", seed 002): identity of patient and
 * insured, NIR, régime/caisse/centre, base rights with their validity,
 * C2S, exoneration (ALD), the declared médecin traitant. The query and
 * answer types are protocol's (`RightsQuery`, `RightsAnswer`).
 * @module
 */
import type { IsoDate, RightsAnswer, RightsPeriod, RightsQuery } from '../../protocol/index.js';
import type { Beneficiary, CoveragePeriod, Doctor, Patient } from '../personas/index.js';
import { TeleserviceError } from './errors.js';

const holds = (p: RightsPeriod, date: IsoDate): boolean => p.start <= date && (p.end === undefined || date <= p.end);
/** Only the period: a coverage period's own fields stay out of the answer. */
const period = (p: RightsPeriod): RightsPeriod => (p.end === undefined ? { start: p.start } : { start: p.start, end: p.end });

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
