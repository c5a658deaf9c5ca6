/**
 * The Answer-to-Reset as bytes: TS, T0, the chain of interface bytes
 * TAi TBi TCi TDi, the historical bytes and the check byte TCK.
 *
 * ISO/IEC 7816-3 §8.2 (structure of the ATR) and §8.2.5 (TCK). The
 * meaning of the interface bytes is in `parameters.ts`, the historical
 * bytes in `historical.ts`.
 * @module
 */
import { fail, ok, type Codec, type CommonReason, type ParseResult } from '../result.js';
import { TS_DIRECT, TS_INVERSE, type AtrConvention } from './convention.js';

/** Why ATR bytes could not be parsed. */
export type AtrReason =
  | CommonReason
  /** TS is neither 3B nor 3F (ISO/IEC 7816-3 §8.1); a raw inverse stream starts with 03. */
  | 'bad-ts';

/**
 * Interface bytes of group i (ISO/IEC 7816-3 §8.2.3): TAi, TBi, TCi, each
 * present or null, and `t`, the protocol type T carried by TDi's low
 * nibble. `t` is null when TDi is absent, which ends the chain; otherwise
 * a group i+1 follows (possibly with no byte at all, when TDi's high
 * nibble is 0).
 */
export interface InterfaceGroup {
  readonly ta: number | null;
  readonly tb: number | null;
  readonly tc: number | null;
  readonly t: number | null;
}

/**
 * A parsed ATR (ISO/IEC 7816-3 §8.2). `groups[0]` holds TA1 TB1 TC1 and
 * TD1's T, `groups[1]` group 2, and so on; there is always at least one
 * group, every group but the last has a `t`, the last has none. T0 is
 * not stored: its Y1 comes from `groups[0]` and its K from
 * `historical.length`. `tck` is the byte as received, null when the ATR
 * has none (see {@link tckStatus}).
 */
export interface Atr {
  readonly convention: AtrConvention;
  readonly groups: readonly InterfaceGroup[];
  readonly historical: Uint8Array;
  readonly tck: number | null;
}

/**
 * Longest ATR: TS plus at most 32 characters (ISO/IEC 7816-3 §8.2.1).
 * Longer declared structures are `too-large`; pcsc-tools' list has none.
 */
export const MAX_ATR_LENGTH = 33;

const FIELDS = ['ta', 'tb', 'tc'] as const;
const NAMES = ['TA', 'TB', 'TC'] as const;

/**
 * True when the ATR must end with TCK: some TDi announces a protocol other
 * than T=0, T=15 included (ISO/IEC 7816-3 §8.2.5).
 */
export function tckRequired(atr: Pick<Atr, 'groups'>): boolean {
  return atr.groups.some((g) => g.t !== null && g.t !== 0);
}

/**
 * Parse an ATR in logical bytes (as PC/SC reports it: an inverse-convention
 * card's ATR already converted, starting with 3F). Strict: bytes after the
 * ATR are `trailing-bytes`. A wrong TCK is not an error ({@link tckStatus}
 * says `invalid`), nor is a TCK missing at the very end of the input when
 * one is required (`tck: null`, {@link tckStatus} `absent`): real cards do both.
 * @example parseAtr(hex('3B 75 13 00 00 47 09 EA 90 00')) // ok: Vitale 2, T=0, TA1 = 13
 */
export function parseAtr(bytes: Uint8Array): ParseResult<Atr, AtrReason> {
  const n = bytes.length;
  if (n === 0) return fail('truncated', 'an ATR starts with TS', 0, 'TS');
  const ts = bytes[0]!;
  if (ts !== TS_DIRECT && ts !== TS_INVERSE) {
    const hint = ts === 0x03 ? ' (03 is 3F read in the direct convention: convert with fromInverseConvention)' : '';
    return fail('bad-ts', `TS must be 3B or 3F, got ${hexByte(ts)}${hint}`, 0, 'TS');
  }
  if (n === 1) return fail('truncated', 'T0 is missing', 1, 'T0');
  const t0 = bytes[1]!;
  let y = t0 >> 4;
  let at = 2;
  const groups: InterfaceGroup[] = [];
  for (;;) {
    const i = groups.length + 1;
    // ta, tb, tc, then td: bits 5, 6, 7, 8 of the indicator nibble in order.
    const found: (number | null)[] = [null, null, null, null];
    for (let k = 0; k < 4; k++) {
      if (((y >> k) & 1) === 0) continue;
      const name = `${k < 3 ? NAMES[k]! : 'TD'}${i}`;
      if (at >= MAX_ATR_LENGTH) return fail('too-large', `${name} would be beyond the ${MAX_ATR_LENGTH} bytes of an ATR`, at, name);
      if (at >= n) return fail('truncated', `${name} is announced but missing`, n, name);
      found[k] = bytes[at++]!;
    }
    const td = found[3]!;
    groups.push({ ta: found[0]!, tb: found[1]!, tc: found[2]!, t: td === null ? null : td & 0x0f });
    if (td === null) break;
    y = td >> 4;
  }
  const end = at + (t0 & 0x0f);
  if (end > MAX_ATR_LENGTH) return fail('too-large', `the historical bytes would end beyond ${MAX_ATR_LENGTH} bytes`, at, 'historical');
  if (end > n) return fail('truncated', `T0 announces ${t0 & 0x0f} historical byte(s), ${n - at} left`, n, 'historical');
  const historical = bytes.slice(at, end);
  let tck: number | null = null;
  at = end;
  if (at < n && tckRequired({ groups })) {
    if (at >= MAX_ATR_LENGTH) return fail('too-large', `TCK would be beyond the ${MAX_ATR_LENGTH} bytes of an ATR`, at, 'TCK');
    tck = bytes[at++]!;
  }
  if (at < n) {
    const what = tck === null && !tckRequired({ groups }) ? ' (no TCK: only T=0 is offered)' : '';
    return fail('trailing-bytes', `${n - at} byte(s) after the end of the ATR${what}`, at);
  }
  return ok({ convention: ts === TS_DIRECT ? 'direct' : 'inverse', groups, historical, tck });
}

function hexByte(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function checkByte(value: number | null, what: string): void {
  if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 0xff)) {
    throw new RangeError(`encodeAtr: ${what} = ${value} is not a byte`);
  }
}

/**
 * Encode an ATR, the exact inverse of {@link parseAtr}. Throws a RangeError
 * on a value parseAtr never gives: a broken group chain, a byte or T out of
 * range, more than 15 historical bytes, a TCK on a T=0-only ATR, or more
 * than {@link MAX_ATR_LENGTH} bytes.
 * @example encodeAtr({ convention: 'inverse', groups: [{ ta: null, tb: 0x25, tc: 0x00, t: null }], historical: hex('52 09 6A 90 00'), tck: null }) // 3F 65 25 00 52 09 6A 90 00
 */
export function encodeAtr(atr: Atr): Uint8Array {
  const { groups, historical, tck } = atr;
  if (groups.length === 0) throw new RangeError('encodeAtr: an ATR has at least one interface group (maybe empty)');
  if (historical.length > 15) throw new RangeError(`encodeAtr: ${historical.length} historical bytes, at most 15`);
  const out: number[] = [atr.convention === 'inverse' ? TS_INVERSE : TS_DIRECT];
  let indicator = 1; // where the current Y nibble goes: T0 (index 1) or the previous TD
  groups.forEach((g, index) => {
    const i = index + 1;
    const last = index === groups.length - 1;
    if (last !== (g.t === null)) throw new RangeError(`encodeAtr: group ${i} ${last ? 'is last but has' : 'is not last but lacks'} a TD`);
    if (g.t !== null && !(Number.isInteger(g.t) && g.t >= 0 && g.t <= 15)) throw new RangeError(`encodeAtr: T = ${g.t} in TD${i}`);
    let y = 0;
    const at = indicator;
    if (index === 0) out.push(0); // T0, completed below
    FIELDS.forEach((field, k) => {
      const v = g[field];
      checkByte(v, `${NAMES[k]!}${i}`);
      if (v !== null) {
        y |= 1 << k;
        out.push(v);
      }
    });
    if (g.t !== null) {
      y |= 8;
      indicator = out.length;
      out.push(g.t);
    }
    out[at] = (out[at]! & 0x0f) | (y << 4);
  });
  out[1] = (out[1]! & 0xf0) | historical.length;
  for (const b of historical) out.push(b);
  checkByte(tck, 'TCK');
  if (tck !== null) {
    if (!tckRequired(atr)) throw new RangeError('encodeAtr: a TCK on an ATR that offers only T=0');
    out.push(tck);
  }
  if (out.length > MAX_ATR_LENGTH) throw new RangeError(`encodeAtr: ${out.length} bytes, at most ${MAX_ATR_LENGTH}`);
  return Uint8Array.from(out);
}

/**
 * The ATR codec (ISO/IEC 7816-3 §8.2).
 * @example atrCodec.parse(hex('3F 65 25 00 52 09 6A 90 00')) // ok: Vitale 1, inverse convention
 */
export const atrCodec: Codec<Atr, AtrReason> = { parse: parseAtr, encode: encodeAtr };

/**
 * The TCK a well-formed ATR would carry: XOR of T0 to the last historical
 * byte (ISO/IEC 7816-3 §8.2.5), or null when no TCK is required.
 * @example computeTck(parsed) // 0E for the CPS3 contactless ATR
 */
export function computeTck(atr: Atr): number | null {
  if (!tckRequired(atr)) return null;
  const bytes = encodeAtr({ ...atr, tck: null });
  let x = 0;
  for (let i = 1; i < bytes.length; i++) x ^= bytes[i]!;
  return x;
}

/** What {@link tckStatus} says about the check byte. */
export type TckStatus = 'valid' | 'invalid' | 'absent';

/**
 * `valid` when TCK is present and T0..TCK XOR to zero, `invalid` when it is
 * present and they do not, `absent` when there is none (ISO/IEC 7816-3
 * §8.2.5). An absent TCK is a defect only when {@link tckRequired}.
 * @example tckStatus(parsed) // 'valid'
 */
export function tckStatus(atr: Atr): TckStatus {
  if (atr.tck === null) return 'absent';
  return computeTck(atr) === atr.tck ? 'valid' : 'invalid';
}

/**
 * The same ATR with the TCK it should have: computed when required, none
 * otherwise. Handy to build an emulated card's ATR.
 * @example encodeAtr(withTck({ convention: 'direct', groups: [{ ta: null, tb: null, tc: null, t: 1 }, { ta: null, tb: null, tc: null, t: null }], historical: new Uint8Array(0), tck: null })) // 3B 80 01 81
 */
export function withTck(atr: Atr): Atr {
  return { ...atr, tck: computeTck(atr) };
}
