/**
 * Access conditions: checking them against the security status, and their
 * compact encoding in an FCP (ISO/IEC 7816-4 §5.4.3.1: tag 8C, an
 * access-mode byte then one security-condition byte per operation whose
 * bit is set, from b7 down to b1). OpenSC's iasecc driver requires them as
 * A1 {8C ...} in the FCP (DOMAIN.md).
 * @module
 */
import { CardStatus } from './card.js';
import { DF_OPERATIONS, EF_OPERATIONS, type AccessRules, type Condition, type FileNode, type PinObject } from './card-model.js';
import { SW } from '../../protocol/index.js';

/** The security status of a card session (ISO/IEC 7816-4 §5.4.1): the PINs verified since the last reset. */
export interface SecurityStatus {
  readonly verifiedPins: Set<number>;
}

/** Whether a condition holds now. */
export function conditionMet(condition: Condition | undefined, status: SecurityStatus): boolean {
  if (condition === undefined) return false;
  switch (condition.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'pin':
      return status.verifiedPins.has(condition.reference);
  }
}

/** Raise 6982 (security status not satisfied) unless the condition holds. */
export function requireCondition(condition: Condition | undefined, status: SecurityStatus): void {
  if (!conditionMet(condition, status)) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED);
}

/**
 * The security-condition byte of one condition (ISO/IEC 7816-4 §5.4.3.1,
 * table 20): 00 always, FF never, and for a PIN (OURS) 0x10 (user
 * authentication) ORed with the PIN object's security environment number.
 */
export function securityConditionByte(condition: Condition | undefined, pins: ReadonlyMap<number, PinObject>): number {
  if (condition === undefined || condition.kind === 'never') return 0xff;
  if (condition.kind === 'always') return 0x00;
  return 0x10 | ((pins.get(condition.reference)?.se ?? 0) & 0x0f);
}

/**
 * The value of tag 8C for a file: access mode 7F (all seven operations),
 * then seven SC bytes; an operation without a rule is FF (never).
 * @example compactAccessRules(ef, pins) // 7F FF FF FF FF FF 11 00: read always, update after PIN 1 (SE 1)
 */
export function compactAccessRules(file: FileNode, pins: ReadonlyMap<number, PinObject>): Uint8Array {
  const ops = file.kind === 'df' ? DF_OPERATIONS : EF_OPERATIONS;
  const rules: AccessRules = file.access;
  return Uint8Array.from([0x7f, ...ops.map((op) => securityConditionByte(rules[op], pins))]);
}
