/**
 * A NIR explained for people (`bifente nir <digits>`) and as JSON
 * (`--json`): sex, registration kind, birth year and month, kind of birth
 * place. Sources: INSEE RNIPP layout; service-public.fr F33078 (91-96
 * for births in North Africa before independence, 99 abroad); INSEE COG
 * codes of overseas departments and collectivities.
 * @module
 */
import type { NirReason } from './nir-rules.js';
import { formatNir, parseNir, type Nir } from './nir.js';

/** 1, 2 certified by INSEE; 3, 4 pending registration; 7, 8 temporary number (NIA). */
export type NirRegistration = 'certified' | 'pending' | 'temporary';

/**
 * Where the person was born, by department code: mainland France,
 * Corsica (2A, 2B, or 20 before 1976), overseas (97x, 98x), Tunisia before
 * 1956 (96), or abroad (99, the commune being the INSEE country code).
 */
export type NirPlaceKind = 'metropolitan' | 'corsica' | 'overseas' | 'former-protectorate' | 'abroad';

/** The birth place part of a NIR. */
export interface NirBirthPlace {
  readonly kind: NirPlaceKind;
  readonly department: string;
  /** The INSEE commune code, or the country code when `kind` is `'abroad'`. */
  readonly commune: string;
  /** The department's or territory's name where the code names one without ambiguity, else null. */
  readonly name: string | null;
}

/** A NIR explained: what `describeNir` returns. */
export interface NirDescription {
  readonly compact: string;
  readonly formatted: string;
  readonly sex: 'male' | 'female';
  readonly registration: NirRegistration;
  /** The two year digits: the century is not in the NIR. */
  readonly birthYear: number;
  /** 1-12, or null for a pseudo-month (month unknown). */
  readonly birthMonth: number | null;
  readonly birthPlace: NirBirthPlace;
  /** One line per fact, for the CLI. */
  readonly lines: readonly string[];
}

/** The `--json` shape of `bifente nir`: valid with its description, or why not. */
export type NirReport =
  | ({ readonly valid: true; readonly fields: Nir } & NirDescription)
  | { readonly valid: false; readonly reason: NirReason; readonly offset: number; readonly message: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// INSEE COG codes; 985 (and other 98x) name no single territory here.
const NAMES: Readonly<Record<string, string>> = {
  '2A': 'Corse-du-Sud',
  '2B': 'Haute-Corse',
  '20': 'Corse (before 1976)',
  '96': 'Tunisia (before 1956)',
  '971': 'Guadeloupe',
  '972': 'Martinique',
  '973': 'Guyane',
  '974': 'La Réunion',
  '975': 'Saint-Pierre-et-Miquelon',
  '976': 'Mayotte',
  '977': 'Saint-Barthélemy',
  '978': 'Saint-Martin',
  '984': 'Terres australes et antarctiques françaises',
  '986': 'Wallis-et-Futuna',
  '987': 'Polynésie française',
  '988': 'Nouvelle-Calédonie',
  '989': 'Clipperton',
};

function placeKind(department: string): NirPlaceKind {
  if (department === '2A' || department === '2B' || department === '20') return 'corsica';
  if (department.length === 3) return 'overseas';
  if (department === '96') return 'former-protectorate';
  if (department === '99') return 'abroad';
  return 'metropolitan';
}

function placeLine(place: NirBirthPlace): string {
  const { kind, department, commune, name } = place;
  switch (kind) {
    case 'abroad':
      return `born abroad, INSEE country code 99${commune}`;
    case 'metropolitan': {
      // service-public.fr F33078: 91-94 Algeria, 95 Morocco before independence.
      const n = Number(department);
      const former = n >= 91 && n <= 94 ? ' (or French Algeria before 1962)' : n === 95 ? ' (or Morocco before 1956)' : '';
      return `born in mainland France, department ${department}${former}, commune ${department}${commune}`;
    }
    default:
      return `born in ${name ?? 'an overseas collectivity or former territory'} (code ${department}), commune ${department}${commune}`;
  }
}

const REGISTRATION: Readonly<Record<number, NirRegistration>> = { 1: 'certified', 2: 'certified', 3: 'pending', 4: 'pending', 7: 'temporary', 8: 'temporary' };

/**
 * Explain a NIR: sex, registration kind, two-digit birth year, month or
 * "unknown month" for pseudo-months, kind of birth place. Throws a
 * RangeError if `value` breaks a NIR rule (build it with `nir()`).
 * @example describeNir(parsed).lines[0] // 'female, certified NIR (INSEE)'
 */
export function describeNir(value: Nir): NirDescription {
  const compact = formatNir(value, 'compact');
  const sex = value.sex % 2 === 1 ? 'male' : 'female';
  const registration = REGISTRATION[value.sex]!;
  const birthMonth = value.month >= 1 && value.month <= 12 ? value.month : null;
  const year = String(value.year).padStart(2, '0');
  const birthPlace: NirBirthPlace = {
    kind: placeKind(value.department),
    department: value.department,
    commune: value.commune,
    name: NAMES[value.department] ?? null,
  };
  const registrationLine = {
    certified: 'certified NIR (INSEE)',
    pending: 'registration pending (born abroad)',
    temporary: 'temporary number (NIA)',
  }[registration];
  const lines = [
    `${sex}, ${registrationLine}`,
    birthMonth === null ? `born in ..${year}, unknown month (pseudo-month ${value.month})` : `born in ${MONTHS[birthMonth - 1]} ..${year}`,
    placeLine(birthPlace),
    `order number ${String(value.order).padStart(3, '0')}, key ${String(value.key).padStart(2, '0')}`,
  ];
  return { compact, formatted: formatNir(value, 'spaced'), sex, registration, birthYear: value.year, birthMonth, birthPlace, lines };
}

/**
 * Parse and explain in one step, as JSON-ready data: `{ valid: true,
 * fields, ...description }` or `{ valid: false, reason, offset, message }`.
 * @example nirReport('2 69 05 49 588 157 81') // { valid: false, reason: 'bad-key', offset: 19, ... }
 */
export function nirReport(text: string): NirReport {
  const parsed = parseNir(text);
  if (!parsed.ok) {
    const { reason, offset, message } = parsed.error;
    return { valid: false, reason, offset, message };
  }
  return { valid: true, fields: parsed.value, ...describeNir(parsed.value) };
}
