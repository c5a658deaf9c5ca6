/**
 * Which card an ATR announces (DOMAIN.md "Cards": the ATRs of the CPS3,
 * carte Vitale 1 and carte Vitale 2), by masked comparison as OpenSC
 * matches cards (`card-iasecc.c`).
 * @module
 */
import { hex } from '../../protocol/index.js';
import type { CardKind } from '../ui/index.js';

interface AtrPattern {
  readonly kind: CardKind;
  readonly atr: Uint8Array;
  readonly mask: Uint8Array;
}

const PATTERNS: readonly AtrPattern[] = [
  // CPS3 contact, OpenSC's mask (DOMAIN.md "What real software sends").
  { kind: 'cps', atr: hex('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00'), mask: hex('FF 00 00 00 00 FF FF FF FF FF FF 00 00 00 FF FF FF') },
  // Vitale 2: 3B 75 13 00 00 4x 09 EA 90 00.
  { kind: 'vitale', atr: hex('3B 75 13 00 00 40 09 EA 90 00'), mask: hex('FF FF FF FF FF F0 FF FF FF FF') },
  // Vitale 1: 3F 65 25 00 2x 09 x9 90 00 and 3F 65 25 00 52 09 6A 90 00 (inverse convention).
  { kind: 'vitale', atr: hex('3F 65 25 00 20 09 09 90 00'), mask: hex('FF FF FF FF F0 FF 0F FF FF') },
  { kind: 'vitale', atr: hex('3F 65 25 00 52 09 6A 90 00'), mask: hex('FF FF FF FF FF FF FF FF FF') },
];

/**
 * The kind of card whose ATR this is, or undefined for any other card.
 * @example cardKindOfAtr(hex('3B 75 13 00 00 47 09 EA 90 00')) // 'vitale'
 */
export function cardKindOfAtr(atr: Uint8Array): CardKind | undefined {
  const match = PATTERNS.find((p) => p.atr.length === atr.length && p.atr.every((b, i) => (b & p.mask[i]!) === ((atr[i] ?? 0) & p.mask[i]!)));
  return match?.kind;
}
