/**
 * The Luhn key (ISO/IEC 7812-1 annex B) that our RPPS-like identifiers and
 * billing numbers end with (ours: DOMAIN.md does not say which key the real
 * ones use).
 * @module
 */

/**
 * The Luhn check digit of a string of decimal digits.
 * @example luhnKey('7992739871') // 3
 */
export function luhnKey(digits: string): number {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError('luhnKey takes decimal digits only');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 0x30;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Whether the last digit of `digits` is the Luhn key of the others.
 * @example hasLuhnKey('79927398713') // true
 */
export function hasLuhnKey(digits: string): boolean {
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  return luhnKey(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 0x30;
}
