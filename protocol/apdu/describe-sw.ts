/**
 * Status word descriptions for people and programs (ISO/IEC 7816-4 §5.6).
 * @module
 */
import { SW1_GROUPS, SW_CATALOGUE, type SwKind } from './status-words.js';

/**
 * What a status word means (ISO/IEC 7816-4 §5.6, tables 5 and 6), with the
 * number its low bits carry when it carries one.
 */
export interface SwDescription {
  readonly sw: number;
  readonly kind: SwKind;
  readonly meaning: string;
  /** 63CX: the counter X, usually the tries left of a PIN. */
  readonly triesLeft?: number;
  /** 61XX: bytes still available for GET RESPONSE (00 read as 256). */
  readonly available?: number;
  /** 6CXX: the Le to resend the command with (00 read as 256). */
  readonly correctLe?: number;
}

/**
 * Describe a status word. SW1 outside 6X/9X, and 60, are `invalid`
 * (ISO/IEC 7816-3 §10.3.3 keeps 60 for NULL); 9XXX other than 9000 and 6X
 * groups ISO does not define are `proprietary`. Throws a RangeError when
 * `sw` is not a 16-bit integer.
 * @example describeSw(0x63c2) // { sw: 0x63c2, kind: 'warning', meaning: 'Counter…', triesLeft: 2 }
 */
export function describeSw(sw: number): SwDescription {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new RangeError(`SW ${sw} is not a 16-bit value`);
  for (const row of SW_CATALOGUE) {
    if (sw < row.first || sw > row.last) continue;
    const { kind, meaning } = row;
    switch (row.parameter) {
      case 'triesLeft':
        return { sw, kind, meaning, triesLeft: sw & 0x0f };
      case 'available':
        return { sw, kind, meaning, available: sw & 0xff || 256 };
      case 'correctLe':
        return { sw, kind, meaning, correctLe: sw & 0xff || 256 };
      default:
        return { sw, kind, meaning };
    }
  }
  const s1 = sw >> 8;
  const group = SW1_GROUPS.get(s1);
  if (group !== undefined) return { sw, ...group };
  const high = s1 & 0xf0;
  if ((high === 0x60 && s1 !== 0x60) || high === 0x90) {
    return { sw, kind: 'proprietary', meaning: 'Proprietary status (not defined by ISO/IEC 7816-4)' };
  }
  return { sw, kind: 'invalid', meaning: 'Not a status word: SW1 must be 6X (except 60) or 9X' };
}
