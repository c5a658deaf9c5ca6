/**
 * Pure pieces of the visit capture: the act menu as the keypad walks it,
 * the degraded-mode fields keyed in, the pricing of what was chosen, the
 * failure a rejection stands for. visit.machine.ts names them in guards
 * and actions.
 * @module
 */
import { isStoreError } from '../../drivers/index.js';
import { formatNir, isIsoDate, parseNir, type FseCoverage, type ParseResult } from '../../protocol/index.js';
import { actMenu, coverageAt, priceVisit, type PricedVisit, type TariffTable, type VisitReason } from '../billing/index.js';
import type { VitaleCardData } from '../cards/index.js';
import { cardFailureOf, type CardFailure } from '../machines/index.js';
import type { VisitPatient } from '../securing/index.js';
import type { CaptureProblem, KeyedField } from '../ui/capture-screens.js';
import { FseBuildError } from './capture-actors.js';

/** One line of the act menu. */
export type ActMenuItem =
  | { readonly kind: 'act'; readonly code: string; readonly label: string; readonly visit: boolean }
  | { readonly kind: 'ik' }
  | { readonly kind: 'pdsa' }
  | { readonly kind: 'done' };

/** What the doctor chose so far. */
export interface VisitChoice {
  /** Chosen act codes; one visit act at most (choosing another replaces it). */
  readonly acts: readonly string[];
  /** One-way km, when IK are billed. */
  readonly oneWayKm: number | undefined;
  readonly pdsaUrgent: boolean;
}

/** No act chosen yet. */
export const EMPTY_CHOICE: VisitChoice = { acts: [], oneWayKm: undefined, pdsaUrgent: false };

/**
 * The menu for a patient born on `birthDate` at `actDate`: the table's acts
 * allowed then (billing `actMenu`: GL1-3 at 80+ from 2026), then IK, the
 * urgent PDSA flag and "Suite".
 */
export function actMenuItems(table: TariffTable, birthDate: string, actDate: string): ActMenuItem[] {
  return [...actMenu(table, birthDate, actDate).map((a): ActMenuItem => ({ kind: 'act', code: a.code, label: a.label, visit: a.kind === 'visit' })), { kind: 'ik' }, { kind: 'pdsa' }, { kind: 'done' }];
}

/** Choose or drop an act: a visit act replaces the other visit act (one visit per FSE, OURS). */
export function toggleAct(choice: VisitChoice, item: Extract<ActMenuItem, { kind: 'act' }>, menu: readonly ActMenuItem[]): VisitChoice {
  if (choice.acts.includes(item.code)) return { ...choice, acts: choice.acts.filter((c) => c !== item.code) };
  const visits = new Set(menu.flatMap((m) => (m.kind === 'act' && m.visit ? [m.code] : [])));
  const kept = item.visit ? choice.acts.filter((c) => !visits.has(c)) : choice.acts;
  return { ...choice, acts: [...kept, item.code] };
}

/** The text of a menu line: `[x] VG Visite`, `IK: 12 km`, `PDSA: non`, `Suite`. */
export function menuLine(item: ActMenuItem, choice: VisitChoice): string {
  switch (item.kind) {
    case 'act':
      return `[${choice.acts.includes(item.code) ? 'x' : ' '}] ${item.code} ${item.label}`;
    case 'ik':
      return choice.oneWayKm === undefined ? 'IK: non' : `IK: ${choice.oneWayKm} km`;
    case 'pdsa':
      return `Urgence PDSA: ${choice.pdsaUrgent ? 'oui' : 'non'}`;
    case 'done':
      return 'Suite';
  }
}

/** The patient's birth date, read or keyed. */
export function birthDateOf(patient: VisitPatient): string {
  return patient.kind === 'keyed' ? patient.birthDate : (patient.card.beneficiaries[patient.beneficiary]?.birthDate ?? '');
}

/** The coverage at the act date: billing `coverageAt` over the card's groups 105-106, or unknown when keyed (build-fse.ts). */
export function coverageOf(patient: VisitPatient, actDate: string): FseCoverage {
  if (patient.kind === 'keyed') return { ald: false, c2s: false, maternity: false, rightsValid: false };
  const b = patient.card.beneficiaries[patient.beneficiary];
  return b === undefined ? { ald: false, c2s: false, maternity: false, rightsValid: false } : coverageAt(b.rights, actDate);
}

/** Rights closed at the act date for beneficiary `index` of `card`. */
export function rightsExpired(card: VitaleCardData, index: number, actDate: string): boolean {
  const b = card.beneficiaries[index];
  return b !== undefined && !coverageAt(b.rights, actDate).rightsValid;
}

/** Price what was chosen (billing `priceVisit`; IK zone from the CPS situation). */
export function priceChoice(table: TariffTable, patient: VisitPatient, actDate: string, choice: VisitChoice, ikZone: 'plain' | 'mountain'): ParseResult<PricedVisit, VisitReason> {
  return priceVisit(table, {
    actDate,
    birthDate: birthDateOf(patient),
    coverage: coverageOf(patient, actDate),
    acts: choice.acts.map((code) => ({ code })),
    ...(choice.oneWayKm === undefined ? {} : { ik: { oneWayKm: choice.oneWayKm, zone: ikZone } }),
    pdsaUrgent: choice.pdsaUrgent,
  });
}

/** Digits a keyed field takes. */
export const KEYED_LENGTH: Readonly<Record<KeyedField, number>> = { nir: 15, 'birth-date': 8, rank: 1 };
/** The order the fields are keyed in. */
export const KEYED_ORDER: readonly KeyedField[] = ['nir', 'birth-date', 'rank'];

/** `JJMMAAAA` → `AAAA-MM-JJ`, or undefined. */
export function keyedBirthDate(text: string): string | undefined {
  const date = `${text.slice(4, 8)}-${text.slice(2, 4)}-${text.slice(0, 2)}`;
  return /^[0-9]{8}$/.test(text) && isIsoDate(date) ? date : undefined;
}

/** True when `text` is a complete, valid value of `field` (NIR key checked; digits only: a Corsican 2A/2B NIR cannot be keyed, OURS). */
export function keyedValid(field: KeyedField, text: string): boolean {
  if (text.length !== KEYED_LENGTH[field]) return false;
  if (field === 'nir') {
    const parsed = parseNir(text);
    return parsed.ok && formatNir(parsed.value, 'compact') === text;
  }
  if (field === 'birth-date') return keyedBirthDate(text) !== undefined;
  return /^[1-9]$/.test(text);
}

/** A capture's failure: a card's, the store's, or the FSE's build. */
export type CaptureFailure = CardFailure | { readonly kind: 'store'; readonly code: string } | { readonly kind: 'build'; readonly reason: string };

/** The failure an actor's rejection stands for. */
export function captureFailureOf(error: unknown): CaptureFailure {
  if (isStoreError(error)) return { kind: 'store', code: error.code };
  if (error instanceof FseBuildError) return { kind: 'build', reason: error.reason };
  return cardFailureOf(error);
}

/** What the display says of a failure. */
export function problemOf(failure: CaptureFailure | undefined): CaptureProblem {
  switch (failure?.kind) {
    case 'card-removed':
      return 'card-removed';
    case 'store':
      return failure.code === 'store-full' ? 'store-full' : 'store-error';
    case 'build':
      return 'not-billable';
    case 'card-refused':
      return failure.command === 'PSO COMPUTE DIGITAL SIGNATURE' || failure.command === 'MSE SET DST' ? 'cps-refused' : 'card-error';
    default:
      return 'card-error';
  }
}
