/**
 * The visit capture's I/O, as invoked actors (STYLE.md "Statecharts"):
 * reading the Vitale, securing the FSE with both cards, storing it. Targets
 * and tests replace them with `visitMachine.provide({ actors })`.
 * @module
 */
import { fromPromise } from 'xstate';
import { type CardChannel, type FseRecord, type StoreUsage, type TerminalStore } from '../../drivers/index.js';
import type { FseCoverage } from '../../protocol/index.js';
import type { PricedVisit } from '../billing/index.js';
import { readVitaleCard, type VitaleCardData } from '../cards/index.js';
import type { CpsSituation } from '../machines/index.js';
import { buildFse, destinationOf, localDateTime, secureFse, type CpsSigner, type DeviceInfo, type FseBuildReason, type ReplacedDoctors, type SecuredFseResult, type TerminalClock, type VisitPatient } from '../securing/index.js';

/** Why the build of the FSE failed (a programmer or data error the display reports as non-billable). */
export class FseBuildError extends Error {
  override readonly name = 'FseBuildError';
  constructor(readonly reason: FseBuildReason, message: string) {
    super(message);
  }
}

/** Reads the Vitale in the slot. */
export const readVitale = fromPromise<VitaleCardData, { readonly channel: CardChannel }>(({ input, signal }) => readVitaleCard(input.channel, signal));

/** What securing a visit takes. */
export interface SecureVisitInput {
  readonly invoiceNumber: number;
  readonly actDate: string;
  readonly clock: TerminalClock;
  readonly cps: { readonly channel: CardChannel; readonly signer: CpsSigner; readonly situation: CpsSituation };
  readonly vitale?: CardChannel;
  readonly replacedDoctors?: ReplacedDoctors;
  readonly device: DeviceInfo;
  readonly patient: VisitPatient;
  readonly coverage: FseCoverage;
  readonly priced: PricedVisit;
  readonly pdsaUrgent: boolean;
}

/** A secured visit: the envelope and the store record to commit. */
export interface SecuredVisit {
  readonly secured: SecuredFseResult;
  readonly record: FseRecord;
}

/**
 * Build the FSE (capture time from the clock), secure it with the cards
 * (securing/secure-fse.ts) and prepare the store record. Rejects with
 * {@link FseBuildError}, a `CardOperationError` or a drivers error.
 */
export async function secureVisitNow(input: SecureVisitInput, signal?: AbortSignal): Promise<SecuredVisit> {
  const at = input.clock.now();
  const built = buildFse({
    invoiceNumber: input.invoiceNumber,
    capturedAt: localDateTime(at, input.clock.utcOffsetMinutes(at)),
    actDate: input.actDate,
    signer: input.cps.signer,
    situation: input.cps.situation,
    ...(input.replacedDoctors === undefined ? {} : { replacedDoctors: input.replacedDoctors }),
    patient: input.patient,
    coverage: input.coverage,
    priced: input.priced,
    pdsaUrgent: input.pdsaUrgent,
    device: input.device,
  });
  if (!built.ok) throw new FseBuildError(built.error.reason, built.error.message);
  const card = input.patient.kind === 'vitale' ? input.patient.card : undefined;
  const vitale = input.vitale !== undefined && card?.certificate !== undefined ? { channel: input.vitale, certificate: card.certificate } : undefined;
  const secured = await secureFse(built.value, {
    ...(vitale === undefined ? {} : { vitale }),
    cps: { channel: input.cps.channel, certificate: input.cps.signer.certificate },
    ...(signal === undefined ? {} : { signal }),
  });
  const { fse } = secured.secured;
  return {
    secured,
    record: { id: fse.invoiceNumber, capturedAt: at, destination: destinationOf(fse), amountCents: fse.totals.totalCents, securingMode: fse.securing, bytes: secured.bytes },
  };
}

/** Secures the visit (see {@link secureVisitNow}). */
export const secureVisit = fromPromise<SecuredVisit, SecureVisitInput>(({ input, signal }) => secureVisitNow(input, signal));

/** Commits the secured FSE: resolves once durable (drivers store: WAL, full sync). */
export const storeFse = fromPromise<StoreUsage, { readonly store: Pick<TerminalStore, 'putFse'>; readonly record: FseRecord }>(({ input }) => input.store.putFse(input.record));
