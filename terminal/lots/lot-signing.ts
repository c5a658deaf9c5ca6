/**
 * Building one lot: its number from the store, the lot value (`makeLot`,
 * protocol/fse: OURS encoding), the CPS signature over its canonical bytes,
 * the signed envelope; then recording it (`createLot`, one transaction that
 * also marks its FSEs `in-lot`). Signing happens before anything is
 * written, so a card pulled or a PIN missing leaves no lot and the FSEs
 * `stored`.
 * @module
 */
import { isStoreError, type CardChannel, type LotSummary, type NewLot, type StoreErrorCode, type TerminalStore } from '../../drivers/index.js';
import { encodeLot, encodeSignedLot, makeLot, sha256 } from '../../protocol/index.js';
import { cardFailureOf, type CardFailure } from '../machines/index.js';
import { cpsSignature, localDateTime, type TerminalClock } from '../securing/index.js';
import type { LotGroup } from './lot-plan.js';

/** What the terminal puts in every lot (B2 lot trailer and invoice flag, DOMAIN.md). */
export interface LotDevice {
  /** The portable device's agreement number (printable ASCII, no space, 1-32). */
  readonly agreementNumber: string;
  /** True on a portable terminal (TLA). */
  readonly portable: boolean;
}

/** What signing one lot needs. */
export interface LotSigningInput {
  readonly store: TerminalStore;
  /** The CPS (its card session), PIN verified. */
  readonly channel: CardChannel;
  readonly clock: TerminalClock;
  readonly device: LotDevice;
  readonly group: LotGroup;
  /** DER certificate of the CPS signature key, put in the signed lot. */
  readonly certificate: Uint8Array;
}

/** Why building lots stopped. */
export type LotsFailure =
  | CardFailure
  /** The store refused (full, closed, I/O...): its `StoreError` code. */
  | { readonly kind: 'store'; readonly code: StoreErrorCode }
  /** The lot value was refused by its codec (a bad agreement number, for one). */
  | { readonly kind: 'bad-lot'; readonly message: string }
  /** The chosen CPS situation has no right to sign lots (cps-card `rights.signLot`). */
  | { readonly kind: 'not-allowed' };

/** The error {@link prepareLot} rejects with when the lot value is refused. */
export class LotValueError extends Error {
  override readonly name = 'LotValueError';
}

/** The failure an actor's rejection stands for: store errors by code, a refused lot, else the card's ({@link cardFailureOf}). */
export function lotsFailureOf(error: unknown): LotsFailure {
  if (isStoreError(error)) return { kind: 'store', code: error.code };
  if (error instanceof LotValueError) return { kind: 'bad-lot', message: error.message };
  return cardFailureOf(error);
}

/**
 * Number, build and sign one lot; nothing is written. The lot number is the
 * store's next for the destination (001-999, wrapping), read now: the
 * signed bytes carry it, and {@link commitStoredLot} must follow before another
 * lot of that destination.
 */
export async function prepareLot(input: LotSigningInput, signal?: AbortSignal): Promise<NewLot> {
  const { store, group, device } = input;
  const number = await store.nextLotNumber(group.destination);
  const now = input.clock.now();
  const made = makeLot({
    destination: group.destination,
    lotNumber: number,
    createdAt: localDateTime(now, input.clock.utcOffsetMinutes(now)),
    deviceAgreement: device.agreementNumber,
    portable: device.portable,
    fses: group.entries,
  });
  if (!made.ok) throw new LotValueError(`lot ${group.destination}/${number}: ${made.error.message} (${made.error.path})`);
  const signature = await cpsSignature(input.channel, sha256(encodeLot(made.value)), signal);
  return {
    destination: group.destination,
    number,
    fseIds: group.entries.map((e) => e.invoiceNumber),
    bytes: encodeSignedLot({ lot: made.value, cps: { signature, certificate: input.certificate } }),
    signature,
  };
}

/** Record a prepared lot (one transaction); resolves once durable. */
export function commitStoredLot(store: TerminalStore, lot: NewLot): Promise<LotSummary> {
  return store.createLot(lot);
}
