/**
 * The visit-capture screens (issue 6 "Visit capture"), as data like
 * screens.ts: a {@link CaptureView} drawn by {@link renderCaptureView} on
 * the 4 × 20 display. Amounts are shown in euros with a comma, as French
 * readers do.
 *
 * OURS: the wording and layout.
 * @module
 */
import { render, type DisplayLines, type Screen } from './display.js';
import { screenOf, type View } from './screens.js';

/** Why a capture cannot start or did not end in a stored FSE. */
export type CaptureProblem = 'store-full' | 'battery-low' | 'no-tariff' | 'card-removed' | 'card-error' | 'cps-refused' | 'store-error' | 'not-billable';

/** A field keyed in degraded mode. */
export type KeyedField = 'nir' | 'birth-date' | 'rank';

/** One screen of the capture. */
export type CaptureView =
  | { readonly kind: 'capture-refused'; readonly problem: CaptureProblem }
  | { readonly kind: 'vitale-wait' }
  | { readonly kind: 'vitale-read-failed'; readonly problem: CaptureProblem }
  | { readonly kind: 'keyed-entry'; readonly field: KeyedField; readonly text: string; readonly invalid: boolean }
  | { readonly kind: 'beneficiary-choice'; readonly position: number; readonly count: number; readonly name: string; readonly birthDate: string; readonly rightsExpired: boolean }
  | { readonly kind: 'km-entry'; readonly text: string; readonly zone: 'plain' | 'mountain' }
  | { readonly kind: 'visit-review'; readonly totalCents: number; readonly dueNowCents: number; readonly thirdParty: '00' | '05' | '15' | '25'; readonly rightsExpired: boolean; readonly degraded: boolean }
  | { readonly kind: 'fse-stored'; readonly invoiceNumber: number; readonly securing: 'S' | 'F' | 'D' }
  | { readonly kind: 'capture-failed'; readonly problem: CaptureProblem }
  | { readonly kind: 'capture-cancelled' };

/**
 * Euros from cents, French style: `46,10 EUR`.
 * @example euros(4610) // '46,10 EUR'
 */
export function euros(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} EUR`;
}

const PROBLEM: Readonly<Record<CaptureProblem, string>> = {
  'store-full': 'Memoire pleine',
  'battery-low': 'Batterie faible',
  'no-tariff': 'Pas de tarif a date',
  'card-removed': 'Carte retiree',
  'card-error': 'Erreur carte',
  'cps-refused': 'CPS: code requis',
  'store-error': 'Erreur memoire',
  'not-billable': 'FSE non conforme',
};
const FIELD: Readonly<Record<KeyedField, string>> = { nir: 'NIR (15 chiffres)', 'birth-date': 'Ne(e) le JJMMAAAA', rank: 'Rang de naissance' };
const THIRD_PARTY = { '00': 'Sans tiers payant', '05': 'Tiers payant AMO', '15': 'Tiers payant total', '25': 'Tiers payant AMC' } as const;
const SECURING = { S: 'Securisee Vitale', F: 'Sans Vitale', D: 'Mode degrade' } as const;

/**
 * The lines of a capture view.
 * @example captureScreenOf({ kind: 'capture-cancelled' }) // ['', 'Saisie annulee', 'Rien enregistre']
 */
export function captureScreenOf(view: CaptureView): Screen {
  switch (view.kind) {
    case 'capture-refused':
      return ['Saisie impossible', PROBLEM[view.problem], '', 'Transfert au poste'];
    case 'vitale-wait':
      return ['Inserer carte Vitale', '', 'Valider: sans carte', '(mode degrade)'];
    case 'vitale-read-failed':
      return ['Lecture impossible', PROBLEM[view.problem], 'Valider: reessayer', 'Annuler: abandon'];
    case 'keyed-entry':
      return [{ text: 'Mode degrade', align: 'left' }, { text: FIELD[view.field], align: 'left' }, view.text === '' ? '_' : view.text, view.invalid ? 'Saisie invalide' : 'Valider ou Corriger'];
    case 'beneficiary-choice':
      return [
        { text: `Beneficiaire ${view.position}/${view.count}`, align: 'left' },
        { text: view.name, align: 'left' },
        { text: `Ne(e) ${view.birthDate.split('-').reverse().join('/')}`, align: 'left' },
        view.rightsExpired ? 'Droits expires' : 'Valider ou choisir',
      ];
    case 'km-entry':
      return ['Distance aller (km)', view.text === '' ? '_' : view.text, view.zone === 'mountain' ? 'Montagne' : 'Plaine', 'Valider ou Corriger'];
    case 'visit-review':
      return [
        { text: `Total ${euros(view.totalCents)}`, align: 'left' },
        { text: `A payer ${euros(view.dueNowCents)}`, align: 'left' },
        view.degraded ? 'Mode degrade' : view.rightsExpired ? 'Droits expires' : THIRD_PARTY[view.thirdParty],
        'Valider ou Annuler',
      ];
    case 'fse-stored':
      return ['FSE enregistree', `No ${view.invoiceNumber}`, SECURING[view.securing], 'Valider'];
    case 'capture-failed':
      return ['FSE non enregistree', PROBLEM[view.problem], '', 'Valider'];
    case 'capture-cancelled':
      return ['', 'Saisie annulee', 'Rien enregistre'];
  }
}

/** A screen of the capture: its own views or one of the common ones. */
export type AnyView = View | CaptureView;

const CAPTURE_KINDS = new Set<string>(['capture-refused', 'vitale-wait', 'vitale-read-failed', 'keyed-entry', 'beneficiary-choice', 'km-entry', 'visit-review', 'fse-stored', 'capture-failed', 'capture-cancelled']);

/** True for a capture view. */
export function isCaptureView(view: AnyView): view is CaptureView {
  return CAPTURE_KINDS.has(view.kind);
}

/**
 * Draw a capture view (or a common one) on the display.
 * @example renderCaptureView({ kind: 'visit-review', totalCents: 4610, dueNowCents: 0, thirdParty: '15', rightsExpired: false, degraded: false })[2] // ' Tiers payant total '
 */
export function renderCaptureView(view: AnyView): DisplayLines {
  return render(isCaptureView(view) ? captureScreenOf(view) : screenOf(view));
}
