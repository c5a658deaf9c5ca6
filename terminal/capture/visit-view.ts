/**
 * The screen of a capture snapshot (like wave 1's `…View(snapshot)`): the
 * capture's own views (ui/capture-screens.ts) or the common ones.
 * @module
 */
import { DISPLAY_COLUMNS } from '../ui/display.js';
import { type AnyView } from '../ui/capture-screens.js';
import { problemOf, menuLine, rightsExpired, KEYED_ORDER } from './visit-model.js';
import { menuOf, type VisitContext } from './visit.machine.js';

/** What {@link visitView} needs of a snapshot. */
export interface VisitSnapshotLike {
  readonly context: VisitContext;
  matches(state: string): boolean;
}

/**
 * The screen to draw for a capture snapshot.
 * @example visitView(actor.getSnapshot()) // { kind: 'vitale-wait' }
 */
export function visitView(snapshot: VisitSnapshotLike): AnyView {
  const { context } = snapshot;
  if (snapshot.matches('refused')) return { kind: 'capture-refused', problem: context.refusal ?? 'store-error' };
  if (snapshot.matches('waitingVitale')) return { kind: 'vitale-wait' };
  if (snapshot.matches('reading')) return { kind: 'card-reading' };
  if (snapshot.matches('readFailed')) return { kind: 'vitale-read-failed', problem: problemOf(context.failure) };
  if (snapshot.matches('keyingPatient')) {
    const field = KEYED_ORDER.find((f) => context.keyed[f] === undefined) ?? 'rank';
    return { kind: 'keyed-entry', field, text: context.entry, invalid: context.entryInvalid };
  }
  if (snapshot.matches('choosingBeneficiary') && context.card !== undefined) {
    const b = context.card.beneficiaries[context.cursor];
    return {
      kind: 'beneficiary-choice',
      position: context.cursor + 1,
      count: context.card.beneficiaries.length,
      name: `${b?.usualName ?? b?.lastName ?? ''} ${b?.firstName ?? ''}`.trim(),
      birthDate: b?.birthDate ?? '',
      rightsExpired: rightsExpired(context.card, context.cursor, context.actDate),
    };
  }
  if (snapshot.matches('choosingActs')) {
    return { kind: 'menu', title: 'Actes', items: menuOf(context).map((item) => menuLine(item, context.choice).slice(0, DISPLAY_COLUMNS - 1)), selected: context.cursor };
  }
  if (snapshot.matches('enteringKm')) return { kind: 'km-entry', text: context.entry, zone: context.cps.situation.ikZone };
  if (snapshot.matches('reviewing') && context.priced !== undefined) {
    const { priced } = context;
    return {
      kind: 'visit-review',
      totalCents: priced.totals.totalCents,
      dueNowCents: priced.dueNowCents,
      thirdParty: priced.thirdParty,
      rightsExpired: priced.flags.includes('rights-expired'),
      degraded: context.patient?.kind === 'keyed',
    };
  }
  if (snapshot.matches('securing')) return { kind: 'in-progress', label: 'Securisation' };
  if (snapshot.matches('storing')) return { kind: 'in-progress', label: 'Enregistrement' };
  if (snapshot.matches('stored') && context.stored !== undefined) return { kind: 'fse-stored', invoiceNumber: context.stored.invoiceNumber, securing: context.stored.securing };
  if (snapshot.matches('cancelled')) return { kind: 'capture-cancelled' };
  return { kind: 'capture-failed', problem: problemOf(context.failure) };
}
