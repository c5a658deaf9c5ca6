/**
 * Seeded generators of doctors and patients for load tests: the same seed
 * gives the same personas, every NIR has a valid key, and each persona
 * passes the same checks as the shipped files. Generated personas carry no
 * PKI entries. Names are fictitious combinations.
 * @module
 */
import { formatNir, nir } from '../../protocol/index.js';
import { mulberry32 } from '../card/rng.js';
import { luhnKey } from './luhn.js';
import type { Beneficiary, CoveragePeriod, Doctor, Patient, Quality, RightsPeriod, Situation } from './types.js';

type Rng = () => number;
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const withLuhn = (digits: string): string => digits + String(luhnKey(digits));

const LAST_NAMES = ['BERNARD', 'PETIT', 'ROBERT', 'RICHARD', 'LEFÈVRE', 'FAURE', 'ANDRÉ', 'MERCIER', 'BOYER', 'GARNIER', 'CHÂTEAU', 'NOËL', 'D\'ALMEIDA', 'LE GALL', 'MÜLLER', 'SAINT-CYR'];
const FEMALE = ['HÉLÈNE', 'AGNÈS', 'CÉLINE', 'MAËLLE', 'NOÉMIE', 'ZOÉ', 'JOSÉPHINE', 'MARIE-FRANÇOISE', 'LÉONIE', 'ÈVE'];
const MALE = ['JÉRÔME', 'FRANÇOIS', 'NOËL', 'JOËL', 'ANDRÉ', 'CÉDRIC', 'RAPHAËL', 'JEAN-BAPTISTE', 'GAËL', 'LOÏC'];
/** Birth places: [department, commune digits] — metropolitan, Corsica, overseas and abroad. */
const PLACES: readonly [string, number][] = [['69', 3], ['75', 3], ['13', 3], ['2A', 3], ['2B', 3], ['971', 2], ['974', 2], ['976', 2], ['99', 3], ['59', 3]];

function birthNir(rng: Rng, sex: 1 | 2, birthDate: string): string {
  const [department, communeDigits] = pick(rng, PLACES);
  const built = nir({
    sex,
    year: Number(birthDate.slice(2, 4)),
    month: Number(birthDate.slice(5, 7)),
    department,
    commune: pad(int(rng, 1, communeDigits === 3 ? 999 : 99), communeDigits),
    order: int(rng, 1, 999),
  });
  if (!built.ok) throw new Error(`generator built an invalid NIR: ${built.error.message}`);
  return formatNir(built.value, 'compact');
}

function birthDate(rng: Rng, fromYear: number, toYear: number): string {
  return `${int(rng, fromYear, toYear)}-${pad(int(rng, 1, 12), 2)}-${pad(int(rng, 1, 28), 2)}`;
}

/** Rights of every shape: open, current, expired, none. */
function amoRights(rng: Rng): RightsPeriod[] {
  switch (int(rng, 0, 5)) {
    case 0:
      return [];
    case 1:
      return [{ start: '2022-01-01', end: '2025-06-30' }];
    case 2:
      return [{ start: '2020-01-01', end: '2024-12-31' }, { start: '2025-01-01' }];
    default:
      return [{ start: '2024-01-01', end: '2027-12-31' }];
  }
}

function coverage(rng: Rng, sex: 1 | 2, born: string): CoveragePeriod[] {
  switch (int(rng, 0, 6)) {
    case 0:
      return [{ start: '2019-04-01', ald: true, situation: 'none' }];
    case 1:
      return [{ start: '2026-01-01', end: '2026-12-31', ald: false, situation: 'c2s' }];
    case 2:
      return [{ start: '2026-03-01', end: '2027-02-28', ald: false, situation: 'c2s-participation' }];
    case 3:
      return sex === 2 && born >= '1981' && born < '2008' ? [{ start: '2026-06-01', end: '2027-01-31', ald: false, situation: 'maternity' }] : [];
    case 4:
      return [{ start: '2018-01-01', end: '2030-12-31', ald: true, situation: 'invalidity' }];
    default:
      return [];
  }
}

function beneficiary(rng: Rng, lastName: string, quality: Quality, born: string, doctorIds: readonly string[], rank = 1): Beneficiary {
  const sex: 1 | 2 = rng() < 0.5 ? 1 : 2;
  const b: Beneficiary = {
    lastName,
    firstName: pick(rng, sex === 1 ? MALE : FEMALE),
    birthDate: born,
    birthRank: rank,
    quality,
    nir: birthNir(rng, sex, born),
    amoRights: amoRights(rng),
    coverage: coverage(rng, sex, born),
  };
  return doctorIds.length > 0 && rng() < 0.8 ? { ...b, medecinTraitant: pick(rng, doctorIds) } : b;
}

/**
 * `count` patients from `seed`: 1 to 6 beneficiaries (the insured first,
 * then maybe a spouse and children, sometimes twins), NIRs from metropolitan,
 * Corsican, overseas and foreign birthplaces, and rights and coverage of
 * every kind (open, expired, none; ALD, C2S, maternity, invalidity).
 * Ids are `gen-pt-<seed as uint32>-<n>`. With `doctorIds`, most beneficiaries declare
 * one of them as médecin traitant.
 */
export function generatePatients(seed: number, count: number, options: { readonly doctorIds?: readonly string[] } = {}): Patient[] {
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0) throw new RangeError('seed and count are integers, count >= 0');
  const rng = mulberry32(seed).next;
  const doctorIds = options.doctorIds ?? [];
  return Array.from({ length: count }, (_, n) => {
    const lastName = pick(rng, LAST_NAMES);
    const insured = beneficiary(rng, lastName, '00', birthDate(rng, 1935, 2006), doctorIds);
    const family: Beneficiary[] = [insured];
    const size = int(rng, 1, 6);
    if (size > 1) family.push(beneficiary(rng, lastName, '02', birthDate(rng, 1935, 2006), doctorIds));
    while (family.length < size) {
      const born = birthDate(rng, 2008, 2025);
      family.push(beneficiary(rng, lastName, '06', born, doctorIds));
      if (family.length < size && rng() < 0.2) family.push(beneficiary(rng, lastName, '06', born, doctorIds, 2));
    }
    return {
      id: `gen-pt-${seed >>> 0}-${n}`,
      kind: 'patient',
      description: `generated patient ${n} of seed ${seed}`,
      card: { generation: rng() < 0.1 ? 'vitale-1' : 'vitale-2', serialNumber: pad(int(rng, 0, 999_999_999), 10), issued: birthDate(rng, 2008, 2025) },
      insured: { nir: insured.nir, regime: rng() < 0.9 ? '01' : '02', caisse: pad(int(rng, 11, 959), 3), centre: pad(int(rng, 1, 9999), 4), codeGestion: '10' },
      beneficiaries: family,
    };
  });
}

function situation(rng: Rng, department: string): Situation {
  const sector = pick(rng, [1, 1, 1, 2] as const);
  return {
    practiceMode: rng() < 0.8 ? 'liberal' : 'salaried',
    structure: { idType: 'cabinet', id: `${department}${pad(int(rng, 0, 9_999_999), 7)}`, name: 'CABINET MEDICAL' },
    billingNumber: withLuhn(`${department}1${pad(int(rng, 0, 99_999), 5)}`),
    specialty: pick(rng, ['01', '01', '01', '12', '03']),
    conventionSector: sector,
    optam: sector === 2 ? rng() < 0.5 : false,
    feeZone: '10',
    ikZone: rng() < 0.2 ? 'mountain' : 'plain',
    rights: { signFse: true, signLot: rng() < 0.9 },
  };
}

/**
 * `count` doctors from `seed`: 1 to 4 situations each, RPPS-like ids
 * starting with 99, random 4-digit PINs and 8-digit unblocking codes, no
 * PKI entries. Ids are `gen-dr-<seed as uint32>-<n>`.
 */
export function generateDoctors(seed: number, count: number): Doctor[] {
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0) throw new RangeError('seed and count are integers, count >= 0');
  const rng = mulberry32(seed ^ 0x5eed).next;
  return Array.from({ length: count }, (_, n) => {
    const department = pick(rng, ['69', '75', '13', '74', '33']);
    const female = rng() < 0.5;
    return {
      id: `gen-dr-${seed >>> 0}-${n}`,
      kind: 'doctor',
      description: `generated doctor ${n} of seed ${seed}`,
      lastName: pick(rng, LAST_NAMES),
      firstName: pick(rng, female ? FEMALE : MALE),
      rpps: withLuhn(`99${pad(int(rng, 0, 99_999_999), 8)}`),
      cardSerial: `8025${pad(int(rng, 0, 999_999), 6)}${pad(n % 1_000_000, 6)}`,
      pin: pad(int(rng, 0, 9999), 4),
      unblockingCode: pad(int(rng, 0, 99_999_999), 8),
      situations: Array.from({ length: int(rng, 1, 4) }, () => situation(rng, department)),
    };
  });
}
