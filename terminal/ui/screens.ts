/**
 * Every screen of the terminal as data (a {@link View}) and its French text
 * (issue 6 "Display and keypad"). Machines describe what to show with a
 * View; {@link renderView} draws it on the 4 × 20 display.
 *
 * OURS: the wording and layout (no public TLA screen catalogue), written
 * the way portable readers word things: short, unaccented, infinitive.
 * @module
 */
import { DISPLAY_COLUMNS, render, type DisplayLines, type Screen } from './display.js';

/** Which card a slot expects: the doctor's CPS or the patient's carte Vitale (DOMAIN.md "Readers"). */
export type CardKind = 'cps' | 'vitale';

/** A boot step of the device (issue 6 "Device"). */
export type BootStep = 'self-test' | 'storage' | 'clock';

/** One screen: what the display shows, as data. */
export type View =
  | { readonly kind: 'blank' }
  | { readonly kind: 'insert-card'; readonly card: CardKind }
  | { readonly kind: 'card-reading' }
  | { readonly kind: 'card-ready'; readonly card: CardKind }
  | { readonly kind: 'card-mute' }
  | { readonly kind: 'card-unknown'; readonly expected: CardKind }
  | { readonly kind: 'card-removed'; readonly duringOperation: boolean }
  | { readonly kind: 'card-error' }
  | { readonly kind: 'pin-entry'; readonly digits: number; readonly triesLeft?: number | undefined }
  | { readonly kind: 'pin-checking' }
  | { readonly kind: 'pin-accepted' }
  | { readonly kind: 'card-blocked' }
  | { readonly kind: 'pin-timeout' }
  | { readonly kind: 'pin-cancelled' }
  | {
      readonly kind: 'situation-choice';
      /** 1-based position of the situation shown, among `count`. */
      readonly position: number;
      readonly count: number;
      readonly structureName: string;
      readonly billingNumber: string;
      readonly mayBill: boolean;
      /** The replaced doctor's id, for a substitute's situation. */
      readonly replaces?: string | undefined;
    }
  | { readonly kind: 'cps-ready'; readonly structureName: string; readonly replaces?: string | undefined }
  | { readonly kind: 'cps-lapsed' }
  | { readonly kind: 'booting'; readonly step: BootStep }
  | { readonly kind: 'boot-failed'; readonly step: BootStep }
  | { readonly kind: 'idle'; readonly batteryPercent: number }
  | { readonly kind: 'menu'; readonly title: string; readonly items: readonly string[]; readonly selected: number }
  | { readonly kind: 'battery-low'; readonly batteryPercent: number }
  | { readonly kind: 'firmware'; readonly version: string; readonly build: string; readonly agreement: string }
  | { readonly kind: 'in-progress'; readonly label: string };

const CARD_NAME: Readonly<Record<CardKind, string>> = { cps: 'CPS', vitale: 'Vitale' };
const BOOT_STEP: Readonly<Record<BootStep, string>> = { 'self-test': 'Autotest', storage: 'Memoire', clock: 'Horloge' };

/** "Code faux - 2 essais" / "Code faux - 1 essai": the tries left after a wrong PIN (SW 63Cx). */
function wrongPinLine(triesLeft: number): string {
  return `Code faux - ${triesLeft} essai${triesLeft > 1 ? 's' : ''}`;
}

/** A menu's visible window: 3 items under the title, the selected one marked `>`. */
function menuLines(items: readonly string[], selected: number): string[] {
  const first = Math.max(0, Math.min(selected - 1, items.length - 3));
  return items.slice(first, first + 3).map((item, i) => `${first + i === selected ? '>' : ' '}${item}`.slice(0, DISPLAY_COLUMNS));
}

/**
 * The lines of a view, before fitting to the display.
 * @example screenOf({ kind: 'card-blocked' }) // ['', 'Carte bloquee', '', 'Retirer la carte']
 */
export function screenOf(view: View): Screen {
  switch (view.kind) {
    case 'blank':
      return [];
    case 'insert-card':
      return ['', `Inserer carte ${CARD_NAME[view.card]}`];
    case 'card-reading':
      return ['', 'Lecture carte...', 'Patientez'];
    case 'card-ready':
      return ['', `Carte ${CARD_NAME[view.card]} prete`];
    case 'card-mute':
      return ['', 'Carte muette', '', 'Retirer la carte'];
    case 'card-unknown':
      return ['Carte non reconnue', `Inserer carte ${CARD_NAME[view.expected]}`, '', 'Retirer la carte'];
    case 'card-removed':
      return view.duringOperation ? ['Carte retiree', 'Operation abandonnee'] : ['', 'Carte retiree'];
    case 'card-error':
      return ['', 'Erreur carte', '', 'Retirer la carte'];
    case 'pin-entry':
      return [
        { text: 'Code porteur :', align: 'left' },
        '*'.repeat(view.digits),
        view.triesLeft === undefined ? '' : wrongPinLine(view.triesLeft),
        'Valider ou Corriger',
      ];
    case 'pin-checking':
      return ['', 'Verification code', 'Patientez'];
    case 'pin-accepted':
      return ['', 'Code bon'];
    case 'card-blocked':
      return ['', 'Carte bloquee', '', 'Retirer la carte'];
    case 'pin-timeout':
      return ['', 'Delai depasse', 'Saisie abandonnee'];
    case 'pin-cancelled':
      return ['', 'Saisie annulee'];
    case 'situation-choice':
      return [
        { text: `Situation ${view.position}/${view.count}`, align: 'left' },
        { text: view.structureName, align: 'left' },
        { text: view.replaces === undefined ? `No ${view.billingNumber}` : `Rempl. ${view.replaces}`, align: 'left' },
        view.mayBill ? 'Valider ou choisir' : 'Non facturable',
      ];
    case 'cps-ready':
      return ['CPS prete', view.structureName, view.replaces === undefined ? '' : `Rempl. ${view.replaces}`];
    case 'cps-lapsed':
      return ['Session CPS expiree', '', 'Valider pour', 'saisir le code'];
    case 'booting':
      return ['', 'Demarrage...', BOOT_STEP[view.step]];
    case 'boot-failed':
      return ['Demarrage impossible', `Echec ${BOOT_STEP[view.step]}`, '', 'Contacter support'];
    case 'idle':
      return ['bifente', 'Pret', '', { text: `Batterie ${view.batteryPercent}%`, align: 'right' }];
    case 'menu':
      return [view.title, ...menuLines(view.items, view.selected).map((text) => ({ text, align: 'left' as const }))];
    case 'battery-low':
      return ['Batterie faible', 'Saisie impossible', 'Transfert possible', { text: `Batterie ${view.batteryPercent}%`, align: 'right' }];
    case 'firmware':
      return ['Version logiciel', view.version, view.build, `Agr. ${view.agreement}`];
    case 'in-progress':
      return ['', view.label, 'En cours...'];
  }
}

/**
 * Draw a view on the display: exactly four lines of 20 ASCII characters.
 * @example renderView({ kind: 'pin-entry', digits: 3, triesLeft: 2 })[2] // 'Code faux - 2 essais'
 */
export function renderView(view: View): DisplayLines {
  return render(screenOf(view));
}
