/**
 * The plan of an emulated home-visit day (issue 6 "npm start: a home-visit
 * day"), drawn from a seed: which patients the doctor sees, in which order,
 * which beneficiary of their card, the acts, the one-way distance, the
 * urgent PDSA flag, the visit without a Vitale (degraded mode), and how long
 * each drive and each visit takes. Pure: the same seed and personas give the
 * same plan.
 *
 * OURS: the whole scenario (the share of each act, the distances 2-25 km,
 * the drive 8-25 min and visit 12-30 min, the patients of each required kind).
 * @module
 */
import { mulberry32, type Patient, type Prng } from '../../emulator/index.js';

/** The patient of a degraded visit, as the doctor keys it in (DOMAIN.md: B2 certification flag D). */
export interface KeyedIdentity {
  /** 15 digits: NIR and key. */
  readonly nir: string;
  /** `JJMMAAAA`. */
  readonly birthDate: string;
  readonly birthRank: number;
}

/** What the day must show at least once (issue 6). */
export type VisitKind = 'ald' | 'c2s' | 'child' | 'expired-rights' | 'degraded' | 'other';

/** One planned visit. */
export interface PlannedVisit {
  readonly patientId: string;
  readonly kind: VisitKind;
  /** Index of the beneficiary on the card (the robot moves to it). */
  readonly beneficiary: number;
  /** Absent: the Vitale is read. Present: the card stays at home, the doctor keys the patient in. */
  readonly keyed?: KeyedIdentity;
  /** Act codes chosen in the menu, in order (`G` or `VG`, then `MD`). */
  readonly acts: readonly string[];
  /** One-way distance billed as IK, km. */
  readonly oneWayKm?: number;
  readonly pdsaUrgent: boolean;
  /** Simulated drive before the visit, minutes. */
  readonly driveMinutes: number;
  /** Simulated time with the patient before billing, minutes. */
  readonly visitMinutes: number;
}

/** The day's plan. */
export interface DayPlan {
  readonly seed: number;
  readonly visits: readonly PlannedVisit[];
}

/** Fewest and most visits of a day (issue 6: 12 to 20). */
export const VISITS_RANGE = { min: 12, max: 20 } as const;

/** Patients a doctor can key in: plain metropolitan NIRs (a Corsican 2A/2B NIR cannot be keyed on digits, terminal README). */
const KEYABLE = ['pt-student', 'pt-no-medecin-traitant', 'pt-twins-adult', 'pt-durand-family', 'pt-specimen'];

/** The required kinds and the personas that show them (test-vectors/personas/patients). */
const REQUIRED: readonly { readonly kind: Exclude<VisitKind, 'other'>; readonly patients: readonly string[] }[] = [
  { kind: 'ald', patients: ['pt-ald-cancer', 'pt-ald-diabetes', 'pt-reunion'] },
  { kind: 'c2s', patients: ['pt-c2s', 'pt-c2s-participation', 'pt-martinique'] },
  { kind: 'child', patients: ['pt-children-on-parent', 'pt-c2s-family', 'pt-mayotte', 'pt-maternity-ended'] },
  { kind: 'expired-rights', patients: ['pt-expired-rights'] },
  { kind: 'degraded', patients: KEYABLE },
];

const pick = <T>(prng: Prng, items: readonly T[]): T => items[prng.below(items.length)]!;
const between = (prng: Prng, min: number, max: number): number => min + prng.below(max - min + 1);

/** `YYYY-MM-DD` → `JJMMAAAA`. */
const keyedDate = (iso: string): string => `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(0, 4)}`;

function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The beneficiary a visit of `kind` bills: a child for `child`, else drawn among those on the card. */
function beneficiaryOf(prng: Prng, patient: Patient, kind: VisitKind): number {
  const children = patient.beneficiaries.flatMap((b, i) => (b.quality === '06' ? [i] : []));
  if (kind === 'child' && children.length > 0) return pick(prng, children);
  if (kind === 'degraded' || kind === 'ald' || kind === 'c2s' || kind === 'expired-rights') return 0;
  return prng.below(patient.beneficiaries.length);
}

function actsOf(prng: Prng): Pick<PlannedVisit, 'acts' | 'oneWayKm' | 'pdsaUrgent'> {
  const roll = prng.below(100);
  // A home visit with its travel supplement most of the time; sometimes a plain visit, sometimes a consultation at the patient's.
  const acts = roll < 70 ? ['VG', 'MD'] : roll < 85 ? ['VG'] : ['G'];
  const oneWayKm = acts[0] === 'VG' && prng.below(100) < 60 ? between(prng, 2, 25) : undefined;
  const pdsaUrgent = prng.below(100) < 10;
  return { acts, ...(oneWayKm === undefined ? {} : { oneWayKm }), pdsaUrgent };
}

/**
 * Draw a day from `seed` over the patient personas: `visits` visits (12-20
 * drawn from the seed when absent), one of each required kind (ALD, C2S, a
 * child on a parent's card, expired rights, one visit without a Vitale),
 * the rest from the other patients; each patient at most once; the order
 * shuffled.
 * @throws RangeError when `visits` is outside 12-20 or a required persona is missing.
 */
export function planDay(seed: number, patients: readonly Patient[], visits?: number): DayPlan {
  const prng = mulberry32(seed);
  const count = visits ?? between(prng, VISITS_RANGE.min, VISITS_RANGE.max);
  if (!Number.isInteger(count) || count < VISITS_RANGE.min || count > VISITS_RANGE.max) throw new RangeError(`a day has ${VISITS_RANGE.min} to ${VISITS_RANGE.max} visits, not ${count}`);
  const byId = new Map(patients.map((p) => [p.id, p]));
  const used = new Set<string>();
  const chosen: { patient: Patient; kind: VisitKind }[] = [];
  for (const { kind, patients: ids } of REQUIRED) {
    const candidates = ids.filter((id) => byId.has(id) && !used.has(id));
    if (candidates.length === 0) throw new RangeError(`no patient persona for a ${kind} visit`);
    const id = pick(prng, candidates);
    used.add(id);
    chosen.push({ patient: byId.get(id)!, kind });
  }
  const others = shuffle(prng, patients.filter((p) => !used.has(p.id)));
  for (const patient of others.slice(0, count - chosen.length)) chosen.push({ patient, kind: 'other' });
  const planned = shuffle(prng, chosen).map(({ patient, kind }): PlannedVisit => {
    const beneficiary = beneficiaryOf(prng, patient, kind);
    const b = patient.beneficiaries[beneficiary]!;
    return {
      patientId: patient.id,
      kind,
      beneficiary,
      ...(kind === 'degraded' ? { keyed: { nir: b.nir, birthDate: keyedDate(b.birthDate), birthRank: b.birthRank } } : {}),
      ...actsOf(prng),
      driveMinutes: between(prng, 8, 25),
      visitMinutes: between(prng, 12, 30),
    };
  });
  return { seed, visits: planned };
}
