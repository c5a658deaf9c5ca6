/**
 * A plain JSON view of an ATR for tools (`bifente atr <hex> --json`): the
 * bytes by name, the interpretation with defaults, the historical bytes
 * decoded. Bytes are upper-case hex strings, absent bytes null.
 * @module
 */
import { toHex } from '../bytes.js';
import { computeTck, encodeAtr, type Atr, type InterfaceGroup, type TckStatus } from './atr.js';
import type { AtrConvention } from './convention.js';
import { decodeHistorical, HISTORICAL_TAGS, type HistoricalKind } from './historical.js';
import { interpretAtr, type ClockStop, type Edc } from './parameters.js';

/** One interface group in JSON: the four bytes of group i, hex or null (ISO/IEC 7816-3 §8.2.3). */
export interface InterfaceGroupJson {
  readonly i: number;
  readonly ta: string | null;
  readonly tb: string | null;
  readonly tc: string | null;
  /** The whole TDi byte (Y(i+1) and T). */
  readonly td: string | null;
}

/** One COMPACT-TLV object of the historical bytes in JSON. */
export interface HistoricalObjectJson {
  /** The tag nibble as one hex digit. */
  readonly tag: string;
  /** The tag's name, or "unknown". */
  readonly name: string;
  readonly value: string;
}

/** The historical bytes decoded, in JSON (ISO/IEC 7816-4 §8.1.1). */
export interface HistoricalJson {
  readonly category: string | null;
  readonly kind: HistoricalKind;
  readonly objects: readonly HistoricalObjectJson[];
  readonly status: { readonly lcs: string | null; readonly sw: string | null } | null;
  readonly dirReference: string | null;
  /** The decoding error, one line, or null. */
  readonly error: string | null;
}

/**
 * The JSON view of an ATR. Interface bytes are given as a list of groups
 * (`interface[0]` is TA1 TB1 TC1 TD1); T=0, T=1 and T=15 fields are null
 * when the ATR does not offer that protocol.
 */
export interface AtrJson {
  readonly atr: string;
  readonly convention: AtrConvention;
  readonly ts: string;
  readonly t0: string;
  /** Protocols offered, e.g. `["T=0", "T=1"]` (T=15 is not a protocol). */
  readonly protocols: readonly string[];
  readonly interface: readonly InterfaceGroupJson[];
  /** The historical bytes, hex with spaces ("" when none). */
  readonly historical: string;
  readonly tck: TckStatus;
  readonly tckRequired: boolean;
  readonly tckByte: string | null;
  /** The TCK the ATR should carry; null when none is required. */
  readonly tckExpected: string | null;
  readonly fi: number | null;
  readonly di: number | null;
  readonly fmax: number | null;
  readonly etuClocks: number | null;
  readonly n: number;
  readonly specificMode: { readonly protocol: string; readonly canChange: boolean; readonly implicitParameters: boolean } | null;
  readonly wi: number | null;
  readonly wtEtu: number | null;
  readonly ifsc: number | null;
  readonly cwi: number | null;
  readonly bwi: number | null;
  readonly edc: Edc | null;
  readonly cwtEtu: number | null;
  readonly bwtEtu: number | null;
  readonly clockStop: ClockStop | null;
  readonly classes: readonly string[] | null;
  readonly spu: string | null;
  readonly historicalBytes: HistoricalJson;
}

function byteHex(b: number | null): string | null {
  return b === null ? null : b.toString(16).toUpperCase().padStart(2, '0');
}

/** The Y nibble that announces a group: TA, TB, TC, TD present (ISO/IEC 7816-3 §8.2.2). */
export function indicatorOf(g: InterfaceGroup): number {
  return (g.ta === null ? 0 : 1) | (g.tb === null ? 0 : 2) | (g.tc === null ? 0 : 4) | (g.t === null ? 0 : 8);
}

/** The TDi byte of `groups[index]`: Y(i+1) from the next group, T from this one; null when absent. */
export function tdByte(groups: readonly InterfaceGroup[], index: number): number | null {
  const g = groups[index];
  const next = groups[index + 1];
  if (g === undefined || g.t === null || next === undefined) return null;
  return (indicatorOf(next) << 4) | g.t;
}

/**
 * The JSON view of an ATR (ISO/IEC 7816-3 §8, ISO/IEC 7816-4 §8.1.1).
 * @example atrToJson(parsed).protocols // ["T=0", "T=1"]
 */
export function atrToJson(atr: Atr): AtrJson {
  const p = interpretAtr(atr);
  const h = decodeHistorical(atr.historical);
  const bytes = encodeAtr(atr);
  const t = (n: number) => `T=${n}`;
  return {
    atr: toHex(bytes, ' '),
    convention: atr.convention,
    ts: byteHex(bytes[0]!)!,
    t0: byteHex(bytes[1]!)!,
    protocols: p.protocols.map(t),
    interface: atr.groups.map((g, k) => ({ i: k + 1, ta: byteHex(g.ta), tb: byteHex(g.tb), tc: byteHex(g.tc), td: byteHex(tdByte(atr.groups, k)) })),
    historical: toHex(atr.historical, ' '),
    tck: p.tck,
    tckRequired: p.tckRequired,
    tckByte: byteHex(atr.tck),
    tckExpected: byteHex(computeTck(atr)),
    fi: p.fi,
    di: p.di,
    fmax: p.fmax,
    etuClocks: p.etuClocks,
    n: p.n,
    specificMode: p.specificMode === null ? null : { ...p.specificMode, protocol: t(p.specificMode.protocol) },
    wi: p.t0?.wi ?? null,
    wtEtu: p.t0?.wtEtu ?? null,
    ifsc: p.t1?.ifsc ?? null,
    cwi: p.t1?.cwi ?? null,
    bwi: p.t1?.bwi ?? null,
    edc: p.t1?.edc ?? null,
    cwtEtu: p.t1?.cwtEtu ?? null,
    bwtEtu: p.t1?.bwtEtu ?? null,
    clockStop: p.t15?.clockStop ?? null,
    classes: p.t15?.classes ?? null,
    spu: byteHex(p.t15?.spu ?? null),
    historicalBytes: {
      category: byteHex(h.category),
      kind: h.kind,
      objects: h.objects.map((o) => ({ tag: o.tag.toString(16).toUpperCase(), name: HISTORICAL_TAGS[o.tag] ?? 'unknown', value: toHex(o.value, ' ') })),
      status: h.status === null ? null : { lcs: byteHex(h.status.lcs), sw: h.status.sw === null ? null : toHex(Uint8Array.of(h.status.sw >> 8, h.status.sw & 0xff)) },
      dirReference: byteHex(h.dirReference),
      error: h.error === null ? null : `${h.error.reason} at ${h.error.offset}: ${h.error.message}`,
    },
  };
}
