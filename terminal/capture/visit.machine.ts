/**
 * The visit capture (issue 6 "Visit capture"): wait for the carte Vitale
 * (or key the patient in: degraded mode D) → read it → choose the
 * beneficiary → choose the acts from the tariff table at the act date (IK
 * with the one-way km and the situation's plain/mountain zone, urgent PDSA)
 * → review the amounts and the third-party mode → confirm → secure (both
 * cards) → store (`putFse`) → "FSE enregistree", shown only after the
 * commit returned.
 *
 * Cancel (`key.cancel`) before securing ends in `cancelled` and nothing is
 * stored: the context is dropped with the actor. Once confirmed, securing
 * and storing run to their end (OURS: an FSE is committed whole or not at
 * all). A card pulled (`card.removed`, or the drivers' `card-removed`
 * during an exchange) ends in `failed` with nothing stored. The device
 * machine decides whether a capture may start: `input.refusal`
 * (`store-full`, `battery-low`) ends at once in `refused`.
 * @module
 */
import { and, assign, setup } from 'xstate';
import type { CardChannel, StoreUsage, TerminalStore } from '../../drivers/index.js';
import { tariffAt, type PricedVisit, type TariffBook, type TariffTable } from '../billing/index.js';
import type { VitaleCardData } from '../cards/index.js';
import type { CpsSituation } from '../machines/index.js';
import type { CpsSigner, DeviceInfo, ReplacedDoctors, TerminalClock, VisitPatient } from '../securing/index.js';
import type { CaptureProblem, KeyedField } from '../ui/capture-screens.js';
import type { KeyEvent } from '../ui/index.js';
import { errorOf, outputOf } from '../machines/actor-events.js';
import { readVitale, secureVisit, storeFse, type SecuredVisit } from './capture-actors.js';
import {
  actMenuItems,
  birthDateOf,
  captureFailureOf,
  coverageOf,
  EMPTY_CHOICE,
  KEYED_LENGTH,
  KEYED_ORDER,
  keyedBirthDate,
  keyedValid,
  priceChoice,
  toggleAct,
  type ActMenuItem,
  type CaptureFailure,
  type VisitChoice,
} from './visit-model.js';

/** What a capture is started with (by the composer, per visit). */
export interface VisitInput {
  /** `YYYY-MM-DD`: the act date, which picks the tariff table. */
  readonly actDate: string;
  /** The invoice number this FSE will carry (the composer's counter). */
  readonly invoiceNumber: number;
  readonly tariffs: TariffBook;
  readonly clock: TerminalClock;
  /** The authenticated CPS session, its signer and the chosen situation. */
  readonly cps: { readonly channel: CardChannel; readonly signer: CpsSigner; readonly situation: CpsSituation };
  /** A Vitale already in its slot (else `vitale.inserted` brings it). */
  readonly vitale?: CardChannel;
  readonly device: DeviceInfo;
  readonly replacedDoctors?: ReplacedDoctors;
  readonly store: Pick<TerminalStore, 'putFse'>;
  /** The device's refusal of new captures (store full, low battery), if any. */
  readonly refusal?: 'store-full' | 'battery-low';
}

/** How a capture ended. */
export type VisitResult = 'stored' | 'cancelled' | 'refused' | 'failed';

/** The capture's output. */
export interface VisitOutput {
  readonly result: VisitResult;
  /** The stored FSE (result `stored`). */
  readonly stored?: { readonly invoiceNumber: number; readonly securing: 'S' | 'F' | 'D'; readonly totalCents: number; readonly usage: StoreUsage };
  readonly problem?: CaptureProblem;
  readonly failure?: CaptureFailure;
}

/** The capture's context. */
export interface VisitContext extends Omit<VisitInput, 'tariffs' | 'refusal' | 'vitale'> {
  readonly table: TariffTable | undefined;
  readonly refusal: CaptureProblem | undefined;
  readonly vitale: CardChannel | undefined;
  readonly card: VitaleCardData | undefined;
  readonly patient: VisitPatient | undefined;
  /** Beneficiary shown, or menu line selected. */
  readonly cursor: number;
  /** Digits being keyed (degraded fields, km). */
  readonly entry: string;
  readonly entryInvalid: boolean;
  readonly keyed: Readonly<Partial<Record<KeyedField, string>>>;
  readonly choice: VisitChoice;
  readonly priced: PricedVisit | undefined;
  readonly secured: SecuredVisit | undefined;
  readonly stored: VisitOutput['stored'];
  readonly failure: CaptureFailure | undefined;
  /** Set on entering a final state. */
  readonly result: VisitResult | undefined;
}

/** What the capture hears: keys, the Vitale slot, card removals. */
export type VisitEvent =
  | KeyEvent
  | { readonly type: 'vitale.inserted'; readonly channel: CardChannel }
  | { readonly type: 'card.removed'; readonly card: 'cps' | 'vitale' };

/** The act menu of the context (empty before a patient). */
export function menuOf(context: VisitContext): ActMenuItem[] {
  return context.table === undefined || context.patient === undefined ? [] : actMenuItems(context.table, birthDateOf(context.patient), context.actDate);
}

const selectedItem = (context: VisitContext): ActMenuItem | undefined => menuOf(context)[context.cursor];
const keyedField = (context: VisitContext): KeyedField => KEYED_ORDER.find((f) => context.keyed[f] === undefined) ?? 'rank';
const price = (context: VisitContext) =>
  context.table === undefined || context.patient === undefined ? undefined : priceChoice(context.table, context.patient, context.actDate, context.choice, context.cps.situation.ikZone);
const removedCard = (event: VisitEvent): string | undefined => (event.type === 'card.removed' ? event.card : undefined);
const digitOf = (event: VisitEvent): string => (event.type === 'key.digit' ? String(event.digit) : '');

/** The visit-capture statechart; provide `readVitale`, `secureVisit` and `storeFse` per target. */
export const visitMachine = setup({
  types: {
    context: {} as VisitContext,
    events: {} as VisitEvent,
    input: {} as VisitInput,
    output: {} as VisitOutput,
  },
  actors: { readVitale, secureVisit, storeFse },
  guards: {
    refused: ({ context }) => context.refusal !== undefined,
    hasVitale: ({ context }) => context.vitale !== undefined,
    patientFromVitale: ({ context }) => context.patient?.kind === 'vitale',
    vitaleRemoved: ({ event }) => removedCard(event) === 'vitale',
    cpsRemoved: ({ event }) => removedCard(event) === 'cps',
    hasPrevious: ({ context }) => context.cursor > 0,
    hasNextBeneficiary: ({ context }) => context.cursor + 1 < (context.card?.beneficiaries.length ?? 0),
    hasNextItem: ({ context }) => context.cursor + 1 < menuOf(context).length,
    onAct: ({ context }) => selectedItem(context)?.kind === 'act',
    onIk: ({ context }) => selectedItem(context)?.kind === 'ik',
    onPdsa: ({ context }) => selectedItem(context)?.kind === 'pdsa',
    onDone: ({ context }) => selectedItem(context)?.kind === 'done',
    priceable: ({ context }) => price(context)?.ok === true,
    roomForKeyedDigit: ({ context }) => context.entry.length < KEYED_LENGTH[keyedField(context)],
    roomForKmDigit: ({ context }) => context.entry.length < 3,
    hasEntry: ({ context }) => context.entry.length > 0,
    keyedEntryValid: ({ context }) => keyedValid(keyedField(context), context.entry),
    lastKeyedField: ({ context }) => keyedField(context) === 'rank',
  },
  actions: {
    takeVitale: assign({ vitale: ({ event }) => (event.type === 'vitale.inserted' ? event.channel : undefined), failure: undefined }),
    storeCard: assign({ card: ({ event }) => outputOf<VitaleCardData>(event), cursor: 0 }),
    storeFailure: assign({ failure: ({ event }) => captureFailureOf(errorOf(event)) }),
    storeRemoval: assign({ failure: { kind: 'card-removed' } }),
    forgetVitale: assign({ vitale: undefined, failure: undefined }),
    cursorUp: assign({ cursor: ({ context }) => context.cursor - 1 }),
    cursorDown: assign({ cursor: ({ context }) => context.cursor + 1 }),
    chooseBeneficiary: assign(({ context }) => ({
      patient: context.card === undefined ? undefined : { kind: 'vitale' as const, card: context.card, beneficiary: context.cursor },
      cursor: 0,
      choice: EMPTY_CHOICE,
    })),
    toggleSelectedAct: assign({
      choice: ({ context }) => {
        const item = selectedItem(context);
        return item?.kind === 'act' ? toggleAct(context.choice, item, menuOf(context)) : context.choice;
      },
    }),
    togglePdsa: assign({ choice: ({ context }) => ({ ...context.choice, pdsaUrgent: !context.choice.pdsaUrgent }) }),
    startEntry: assign({ entry: '', entryInvalid: false }),
    appendDigit: assign({ entry: ({ context, event }) => context.entry + digitOf(event), entryInvalid: false }),
    eraseDigit: assign({ entry: ({ context }) => context.entry.slice(0, -1), entryInvalid: false }),
    markInvalid: assign({ entryInvalid: true }),
    storeKeyedField: assign({ keyed: ({ context }) => ({ ...context.keyed, [keyedField(context)]: context.entry }), entry: '' }),
    keyPatient: assign(({ context }) => {
      const nir = context.keyed.nir ?? '';
      const birthDate = keyedBirthDate(context.keyed['birth-date'] ?? '') ?? '';
      return { patient: { kind: 'keyed' as const, nir, birthDate, birthRank: Number(context.entry) }, entry: '', cursor: 0, choice: EMPTY_CHOICE };
    }),
    storeKm: assign({ choice: ({ context }) => ({ ...context.choice, oneWayKm: context.entry === '' || Number(context.entry) === 0 ? undefined : Number(context.entry) }), entry: '' }),
    storePrice: assign({ priced: ({ context }) => { const p = price(context); return p?.ok === true ? p.value : undefined; } }),
    settle: assign((_, params: { result: VisitResult }) => ({ result: params.result })),
    storeSecured: assign({ secured: ({ event }) => outputOf<SecuredVisit>(event) }),
    storeStored: assign({
      stored: ({ context, event }) => {
        const fse = context.secured?.secured.secured.fse;
        return fse === undefined ? undefined : { invoiceNumber: fse.invoiceNumber, securing: fse.securing, totalCents: fse.totals.totalCents, usage: outputOf<StoreUsage>(event) };
      },
      secured: undefined,
    }),
  },
}).createMachine({
  id: 'visit',
  context: ({ input }) => {
    const table = tariffAt(input.tariffs, input.actDate);
    return {
      actDate: input.actDate,
      invoiceNumber: input.invoiceNumber,
      clock: input.clock,
      cps: input.cps,
      device: input.device,
      store: input.store,
      ...(input.replacedDoctors === undefined ? {} : { replacedDoctors: input.replacedDoctors }),
      table,
      refusal: input.refusal ?? (table === undefined ? 'no-tariff' : undefined),
      vitale: input.vitale,
      card: undefined,
      patient: undefined,
      cursor: 0,
      entry: '',
      entryInvalid: false,
      keyed: {},
      choice: EMPTY_CHOICE,
      priced: undefined,
      secured: undefined,
      stored: undefined,
      failure: undefined,
      result: undefined,
    };
  },
  initial: 'starting',
  on: {
    'card.removed': { guard: 'cpsRemoved', target: '.failed', actions: 'storeRemoval' },
  },
  states: {
    starting: {
      always: [{ guard: 'refused', target: 'refused' }, { guard: 'hasVitale', target: 'reading' }, { target: 'waitingVitale' }],
    },
    waitingVitale: {
      on: {
        'vitale.inserted': { target: 'reading', actions: 'takeVitale' },
        'key.validate': { target: 'keyingPatient', actions: 'startEntry' },
        'key.cancel': 'cancelled',
      },
    },
    reading: {
      invoke: {
        id: 'read',
        src: 'readVitale',
        input: ({ context }) => ({ channel: context.vitale as CardChannel }),
        onDone: { target: 'choosingBeneficiary', actions: 'storeCard' },
        onError: { target: 'readFailed', actions: 'storeFailure' },
      },
      on: { 'key.cancel': 'cancelled' },
    },
    readFailed: {
      on: {
        'key.validate': { target: 'waitingVitale', actions: 'forgetVitale' },
        'vitale.inserted': { target: 'reading', actions: 'takeVitale' },
        'key.cancel': 'cancelled',
      },
    },
    keyingPatient: {
      on: {
        'key.digit': { guard: 'roomForKeyedDigit', actions: 'appendDigit' },
        'key.correction': { guard: 'hasEntry', actions: 'eraseDigit' },
        'key.validate': [
          { guard: and(['keyedEntryValid', 'lastKeyedField']), target: 'choosingActs', actions: 'keyPatient' },
          { guard: 'keyedEntryValid', actions: 'storeKeyedField' },
          { actions: 'markInvalid' },
        ],
        'key.cancel': 'cancelled',
      },
    },
    choosingBeneficiary: {
      on: {
        'key.up': { guard: 'hasPrevious', actions: 'cursorUp' },
        'key.down': { guard: 'hasNextBeneficiary', actions: 'cursorDown' },
        'key.validate': { target: 'choosingActs', actions: 'chooseBeneficiary' },
        'key.cancel': 'cancelled',
        'card.removed': [{ guard: 'vitaleRemoved', target: 'failed', actions: 'storeRemoval' }, { guard: 'cpsRemoved', target: 'failed', actions: 'storeRemoval' }],
      },
    },
    choosingActs: {
      on: {
        'key.up': { guard: 'hasPrevious', actions: 'cursorUp' },
        'key.down': { guard: 'hasNextItem', actions: 'cursorDown' },
        'key.validate': [
          { guard: 'onAct', actions: 'toggleSelectedAct' },
          { guard: 'onIk', target: 'enteringKm', actions: 'startEntry' },
          { guard: 'onPdsa', actions: 'togglePdsa' },
          { guard: and(['onDone', 'priceable']), target: 'reviewing', actions: 'storePrice' },
        ],
        'key.cancel': 'cancelled',
        'card.removed': [{ guard: and(['vitaleRemoved', 'patientFromVitale']), target: 'failed', actions: 'storeRemoval' }, { guard: 'cpsRemoved', target: 'failed', actions: 'storeRemoval' }],
      },
    },
    enteringKm: {
      on: {
        'key.digit': { guard: 'roomForKmDigit', actions: 'appendDigit' },
        'key.correction': [{ guard: 'hasEntry', actions: 'eraseDigit' }, { target: 'choosingActs' }],
        'key.validate': { target: 'choosingActs', actions: 'storeKm' },
        'key.cancel': 'cancelled',
        'card.removed': [{ guard: and(['vitaleRemoved', 'patientFromVitale']), target: 'failed', actions: 'storeRemoval' }, { guard: 'cpsRemoved', target: 'failed', actions: 'storeRemoval' }],
      },
    },
    reviewing: {
      on: {
        'key.validate': 'securing',
        'key.correction': 'choosingActs',
        'key.cancel': 'cancelled',
        'card.removed': [{ guard: and(['vitaleRemoved', 'patientFromVitale']), target: 'failed', actions: 'storeRemoval' }, { guard: 'cpsRemoved', target: 'failed', actions: 'storeRemoval' }],
      },
    },
    securing: {
      invoke: {
        id: 'secure',
        src: 'secureVisit',
        input: ({ context }) => ({
          invoiceNumber: context.invoiceNumber,
          actDate: context.actDate,
          clock: context.clock,
          cps: context.cps,
          ...(context.vitale === undefined || context.patient?.kind !== 'vitale' ? {} : { vitale: context.vitale }),
          ...(context.replacedDoctors === undefined ? {} : { replacedDoctors: context.replacedDoctors }),
          device: context.device,
          patient: context.patient as VisitPatient,
          coverage: coverageOf(context.patient as VisitPatient, context.actDate),
          priced: context.priced as PricedVisit,
          pdsaUrgent: context.choice.pdsaUrgent,
        }),
        onDone: { target: 'storing', actions: 'storeSecured' },
        onError: { target: 'failed', actions: 'storeFailure' },
      },
      // The cards' own exchanges report a removal (drivers card-removed); the event alone changes nothing here.
      on: { 'card.removed': {} },
    },
    storing: {
      invoke: {
        id: 'store',
        src: 'storeFse',
        input: ({ context }) => ({ store: context.store, record: (context.secured as SecuredVisit).record }),
        onDone: { target: 'stored', actions: 'storeStored' },
        onError: { target: 'failed', actions: 'storeFailure' },
      },
      on: { 'card.removed': {} },
    },
    stored: { type: 'final', entry: { type: 'settle', params: { result: 'stored' } } },
    cancelled: { type: 'final', entry: { type: 'settle', params: { result: 'cancelled' } } },
    refused: { type: 'final', entry: { type: 'settle', params: { result: 'refused' } } },
    failed: { type: 'final', entry: { type: 'settle', params: { result: 'failed' } } },
  },
  output: ({ context }): VisitOutput => {
    const result = context.result ?? 'failed';
    return {
      result,
      ...(context.stored === undefined ? {} : { stored: context.stored }),
      ...(result === 'refused' && context.refusal !== undefined ? { problem: context.refusal } : {}),
      ...(context.failure === undefined ? {} : { failure: context.failure }),
    };
  },
});
