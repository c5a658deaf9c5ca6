/**
 * Why a card operation failed, as the machines keep it in context (STYLE.md
 * "Errors": a failure reaches a machine as an event and lands in context as
 * a typed reason). Built from a drivers `DriverError` or a card's refusal.
 * @module
 */
import { isDriverError } from '../../drivers/index.js';
import { toHex } from '../../protocol/index.js';

/** A card operation's failure, in the terms the display and the second wave branch on. */
export type CardFailure =
  /** The card left the slot (or its reader went away) during the operation. */
  | { readonly kind: 'card-removed' }
  /** The card gave no ATR or no answer in time (ISO/IEC 7816-3 §6.2: mute card). */
  | { readonly kind: 'card-mute' }
  /** The card answered with a status word other than the one expected (ISO/IEC 7816-4 §5.6). */
  | { readonly kind: 'card-refused'; readonly sw: number; readonly command: string }
  /** The card's data did not parse (a field path says where). */
  | { readonly kind: 'bad-card-data'; readonly path: string }
  /** Any other transport failure; `code` is the `DriverError` code. */
  | { readonly kind: 'transport'; readonly code: string };

/**
 * The error an operation actor rejects with when the card itself said no
 * or sent data that does not parse: it carries the {@link CardFailure}.
 * Its message never holds card secrets (PINs are never in a command name).
 */
export class CardOperationError extends Error {
  override readonly name = 'CardOperationError';
  constructor(readonly failure: CardFailure) {
    super(describeFailure(failure));
  }
}

/** One line for logs: what failed. */
export function describeFailure(failure: CardFailure): string {
  switch (failure.kind) {
    case 'card-refused':
      return `the card refused ${failure.command} with SW ${toHex(Uint8Array.of(failure.sw >> 8, failure.sw & 0xff))}`;
    case 'bad-card-data':
      return `the card's data does not parse at ${failure.path}`;
    case 'transport':
      return `the transport failed (${failure.code})`;
    default:
      return failure.kind;
  }
}

/**
 * The failure an actor's rejection stands for: a {@link CardOperationError}
 * gives its own; a `DriverError` maps by code (`card-removed`,
 * `reader-gone`, `no-card`, `closed` → card-removed; `timeout`,
 * `card-unresponsive` → card-mute); anything else is a transport failure
 * named by its code, or `'internal'`.
 */
export function cardFailureOf(error: unknown): CardFailure {
  if (error instanceof CardOperationError) return error.failure;
  if (isDriverError(error)) {
    switch (error.code) {
      case 'card-removed':
      case 'reader-gone':
      case 'no-card':
      case 'closed':
        return { kind: 'card-removed' };
      case 'timeout':
      case 'card-unresponsive':
        return { kind: 'card-mute' };
      default:
        return { kind: 'transport', code: error.code };
    }
  }
  return { kind: 'transport', code: 'internal' };
}
