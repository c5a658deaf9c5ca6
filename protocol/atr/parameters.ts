/**
 * What the interface bytes of an ATR mean: clock rate conversion and
 * baud rate adjustment, guard time, specific mode, the T=0 and T=1
 * parameters and the global bytes for T=15, with the defaults of the
 * standard when a byte is absent.
 *
 * ISO/IEC 7816-3 §8.3 (global bytes, tables 7 and 8), §10.2 (T=0 WI),
 * §11.4 (T=1 IFSC, CWI, BWI, EDC), §8.3 and §6.2.4/§6.3.2 (clock stop and
 * classes, T=15).
 * @module
 */
import { tckRequired, tckStatus, type Atr, type InterfaceGroup, type TckStatus } from './atr.js';

/** Clock rate conversion integer Fi by TA1's high nibble (ISO/IEC 7816-3 table 7); null = RFU. */
export const FI_TABLE: readonly (number | null)[] = [372, 372, 558, 744, 1116, 1488, 1860, null, null, 512, 768, 1024, 1536, 2048, null, null];
/** Maximum clock frequency fmax in MHz by TA1's high nibble (ISO/IEC 7816-3 table 7); null = RFU. */
export const FMAX_TABLE: readonly (number | null)[] = [4, 5, 6, 8, 12, 16, 20, null, null, 5, 7.5, 10, 15, 20, null, null];
/** Baud rate adjustment integer Di by TA1's low nibble (ISO/IEC 7816-3 table 8); null = RFU. */
export const DI_TABLE: readonly (number | null)[] = [null, 1, 2, 4, 8, 16, 32, 64, 12, 20, null, null, null, null, null, null];

/** TA2, the specific mode byte (ISO/IEC 7816-3 §8.3). */
export interface SpecificMode {
  /** The protocol T to use in specific mode (bits 4 to 1). */
  readonly protocol: number;
  /** Bit 8 = 0: the card can change to negotiable mode (after a warm reset). */
  readonly canChange: boolean;
  /** Bit 5 = 1: Fi/Di are implicit, not those of TA1. */
  readonly implicitParameters: boolean;
}

/** T=0 parameters (ISO/IEC 7816-3 §10.2). */
export interface T0Parameters {
  /** Waiting time integer: TC2, 10 when absent. */
  readonly wi: number;
  /** False for TC2 = 00, which is RFU. */
  readonly wiValid: boolean;
  /** Waiting time WT = WI × 960 × Fi/f, in etu at Fi/Di: WI × 960 × Di; null when Di is RFU. */
  readonly wtEtu: number | null;
}

/** Error detection code of T=1 (ISO/IEC 7816-3 §11.4.4). */
export type Edc = 'lrc' | 'crc';

/** T=1 parameters from the first TA, TB and TC for T=1 (ISO/IEC 7816-3 §11.4). */
export interface T1Parameters {
  /** Information field size of the card: first TA for T=1, 32 when absent. */
  readonly ifsc: number;
  /** False for 00 and FF, which are RFU. */
  readonly ifscValid: boolean;
  /** Character waiting time integer: low nibble of the first TB for T=1, 13 when absent. */
  readonly cwi: number;
  /** Block waiting time integer: high nibble of the first TB for T=1, 4 when absent. */
  readonly bwi: number;
  /** False for BWI above 9, which is RFU. */
  readonly bwiValid: boolean;
  /** Bit 1 of the first TC for T=1: LRC (0, the default) or CRC (1). */
  readonly edc: Edc;
  /** CWT = 11 + 2^CWI etu (ISO/IEC 7816-3 §11.4.3). */
  readonly cwtEtu: number;
  /** BWT = 11 etu + 2^BWI × 960 × 372 / f, in etu at Fi/Di; null when Fi or Di is RFU (§11.4.3). */
  readonly bwtEtu: number | null;
}

/** Clock stop indicator X, bits 8-7 of the first TA for T=15 (ISO/IEC 7816-3 §8.3, table 10). */
export type ClockStop = 'not-supported' | 'state-l' | 'state-h' | 'no-preference';

/** Global bytes of T=15 (ISO/IEC 7816-3 §8.3). */
export interface T15Parameters {
  /** From the first TA for T=15; null when there is no such TA. */
  readonly clockStop: ClockStop | null;
  /** Classes of operating conditions accepted (bits 6-1 of the same TA: A 5 V, B 3 V, C 1.8 V); empty when absent. */
  readonly classes: readonly ('A' | 'B' | 'C')[];
  /** Class indicator bits 6 to 1 as received; null when the TA is absent. */
  readonly classBits: number | null;
  /** SPU, the first TB for T=15 (standard or proprietary use of contact C6); null when absent. */
  readonly spu: number | null;
}

/** Everything the interface bytes say, with the defaults filled in (ISO/IEC 7816-3 §8.3). */
export interface AtrParameters {
  /** Protocols offered, in order of the TDi, T=15 left out; `[0]` when no TDi names one. */
  readonly protocols: readonly number[];
  /** Clock rate conversion integer (TA1, 372 by default); null for an RFU code. */
  readonly fi: number | null;
  /** Baud rate adjustment integer (TA1, 1 by default); null for an RFU code. */
  readonly di: number | null;
  /** Maximum clock frequency in MHz (TA1, 5 by default); null for an RFU code. */
  readonly fmax: number | null;
  /** True when TA1 is absent and the defaults apply. */
  readonly ta1Default: boolean;
  /** Clock cycles per etu at Fi/Di; null when either is RFU. */
  readonly etuClocks: number | null;
  /** Extra guard time N (TC1, 0 by default); 255 means the minimum guard time (12 etu for T=0, 11 for T=1). */
  readonly n: number;
  /** TA2 when present: the card is in specific mode. */
  readonly specificMode: SpecificMode | null;
  /** Present when T=0 is offered (or in specific mode for T=0). */
  readonly t0: T0Parameters | null;
  /** Present when T=1 is offered (or in specific mode for T=1). */
  readonly t1: T1Parameters | null;
  /** Present when some TDi announces T=15. */
  readonly t15: T15Parameters | null;
  /** Whether the check byte is right (ISO/IEC 7816-3 §8.2.5). */
  readonly tck: TckStatus;
  /** True when a TCK must be present: `tck: 'absent'` with this set is a defective ATR. */
  readonly tckRequired: boolean;
}

/** The protocols announced by the TDi, without duplicates, T=15 left out (ISO/IEC 7816-3 §8.2.3). */
export function protocolsOffered(atr: Pick<Atr, 'groups'>): number[] {
  const out: number[] = [];
  for (const g of atr.groups) if (g.t !== null && g.t !== 15 && !out.includes(g.t)) out.push(g.t);
  return out.length === 0 ? [0] : out;
}

/**
 * The first `field` for protocol `t`: in a group i > 2 whose TD(i-1)
 * announces T=t (ISO/IEC 7816-3 §8.2.3).
 */
export function firstByteFor(atr: Pick<Atr, 'groups'>, t: number, field: keyof Omit<InterfaceGroup, 't'>): number | null {
  const { groups } = atr;
  for (let k = 2; k < groups.length; k++) {
    const v = groups[k]![field];
    if (groups[k - 1]!.t === t && v !== null) return v;
  }
  return null;
}

const CLOCK_STOP: readonly ClockStop[] = ['not-supported', 'state-l', 'state-h', 'no-preference'];
const CLASSES = ['A', 'B', 'C'] as const;

function t15Of(atr: Atr): T15Parameters | null {
  if (!atr.groups.some((g) => g.t === 15)) return null;
  const ta = firstByteFor(atr, 15, 'ta');
  const classes = ta === null ? [] : CLASSES.filter((_, bit) => ((ta >> bit) & 1) === 1);
  return {
    clockStop: ta === null ? null : CLOCK_STOP[ta >> 6]!,
    classes,
    classBits: ta === null ? null : ta & 0x3f,
    spu: firstByteFor(atr, 15, 'tb'),
  };
}

/**
 * Interpret the interface bytes (ISO/IEC 7816-3 §8.3, §10.2, §11.4).
 * @example interpretAtr(parsed).fi // 372 for TA1 = 11 or no TA1
 */
export function interpretAtr(atr: Atr): AtrParameters {
  const g1 = atr.groups[0];
  const g2 = atr.groups[1];
  const ta1 = g1?.ta ?? null;
  const code = ta1 ?? 0x11;
  const fi = FI_TABLE[code >> 4] ?? null;
  const di = DI_TABLE[code & 0x0f] ?? null;
  const ta2 = g2?.ta ?? null;
  const specificMode: SpecificMode | null =
    ta2 === null ? null : { protocol: ta2 & 0x0f, canChange: (ta2 & 0x80) === 0, implicitParameters: (ta2 & 0x10) !== 0 };
  const protocols = protocolsOffered(atr);
  const uses = (t: number) => (specificMode === null ? protocols.includes(t) : specificMode.protocol === t);
  let t0: T0Parameters | null = null;
  if (uses(0)) {
    const wi = g2?.tc ?? 10;
    t0 = { wi, wiValid: wi !== 0, wtEtu: di === null ? null : wi * 960 * di };
  }
  let t1: T1Parameters | null = null;
  if (uses(1)) {
    const ifsc = firstByteFor(atr, 1, 'ta') ?? 32;
    const tb = firstByteFor(atr, 1, 'tb') ?? 0x4d;
    const bwi = tb >> 4;
    const cwi = tb & 0x0f;
    t1 = {
      ifsc,
      ifscValid: ifsc !== 0 && ifsc !== 0xff,
      cwi,
      bwi,
      bwiValid: bwi <= 9,
      edc: ((firstByteFor(atr, 1, 'tc') ?? 0) & 1) === 1 ? 'crc' : 'lrc',
      cwtEtu: 11 + 2 ** cwi,
      bwtEtu: fi === null || di === null ? null : 11 + (2 ** bwi * 960 * 372 * di) / fi,
    };
  }
  return {
    protocols,
    fi,
    di,
    fmax: FMAX_TABLE[code >> 4] ?? null,
    ta1Default: ta1 === null,
    etuClocks: fi === null || di === null ? null : fi / di,
    n: g1?.tc ?? 0,
    specificMode,
    t0,
    t1,
    t15: t15Of(atr),
    tck: tckStatus(atr),
    tckRequired: tckRequired(atr),
  };
}
