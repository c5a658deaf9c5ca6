/**
 * A human explanation of an ATR, byte by byte, in the spirit of
 * pcsc-tools' `ATR_analysis` (`bifente atr <hex>`).
 *
 * ISO/IEC 7816-3 §8 (interface bytes) and ISO/IEC 7816-4 §8.1.1
 * (historical bytes).
 * @module
 */
import { describeSw } from '../apdu/describe-sw.js';
import { toHex } from '../bytes.js';
import { computeTck, encodeAtr, type Atr } from './atr.js';
import { tdByte } from './atr-json.js';
import {
  decodeHistorical,
  describeCardCapabilities,
  describeCardServiceData,
  describeLcs,
  HISTORICAL_TAGS,
  type StatusIndicator,
} from './historical.js';
import { DI_TABLE, FI_TABLE, FMAX_TABLE, interpretAtr } from './parameters.js';

const h2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
const bits = (nibble: number) => nibble.toString(2).padStart(4, '0');
const rfu = (v: number | null | undefined) => (v === null || v === undefined ? 'RFU' : String(v));

function describeTa(i: number, v: number, t: number | null): string {
  if (i === 1) {
    const fi = FI_TABLE[v >> 4] ?? null;
    const di = DI_TABLE[v & 0x0f] ?? null;
    const etu = fi !== null && di !== null ? `, ${fi / di} cycles/etu, ${Math.floor((4_000_000 * di) / fi)} bit/s at 4 MHz` : '';
    return `Fi=${rfu(fi)}, Di=${rfu(di)}${etu}, fmax=${rfu(FMAX_TABLE[v >> 4])} MHz`;
  }
  if (i === 2) {
    const change = v & 0x80 ? 'unable to change' : 'capable to change';
    const params = v & 0x10 ? 'parameters implicitly defined' : 'parameters defined by the interface bytes';
    return `specific mode, protocol T=${v & 0x0f}, ${change}, ${params}`;
  }
  if (t === 1) return `IFSC: ${v}${v === 0 || v === 0xff ? ' (RFU: invalid)' : ''}`;
  if (t === 15) {
    const stop = ['not supported', 'state L', 'state H', 'no preference'][v >> 6]!;
    const classes = ['A (5 V)', 'B (3 V)', 'C (1.8 V)'].filter((_, bit) => (v >> bit) & 1);
    return `clock stop: ${stop}, classes accepted: ${classes.join(', ') || 'none'}`;
  }
  return `specific to T=${t}`;
}

function describeTb(i: number, v: number, t: number | null): string {
  if (i === 1) return v === 0 ? 'Vpp not electrically connected (TB1 is deprecated)' : `Vpp programming parameters PI1=${v & 0x1f}, I=${v >> 5} (deprecated)`;
  if (i === 2) return `Vpp programming parameter PI2=${v} (deprecated)`;
  if (t === 1) return `BWI=${v >> 4}${v >> 4 > 9 ? ' (RFU)' : ''}, CWI=${v & 0x0f}`;
  if (t === 15) return v === 0 ? 'SPU: contact C6 not used' : `SPU: ${v & 0x80 ? 'proprietary' : 'standard'} use of contact C6 (${h2(v & 0x7f)})`;
  return `specific to T=${t}`;
}

function describeTc(i: number, v: number, t: number | null): string {
  if (i === 1) return v === 255 ? 'extra guard time N=255: minimum guard time (12 etu for T=0, 11 for T=1)' : `extra guard time N=${v} etu`;
  if (i === 2) return `waiting time integer WI=${v}${v === 0 ? ' (RFU)' : ''}: WT = 960 x ${v} x Fi/f`;
  if (t === 1) return `error detection code: ${v & 1 ? 'CRC' : 'LRC'}${v & 0xfe ? ' (RFU bits set)' : ''}`;
  return `specific to T=${t}`;
}

function statusLines(s: StatusIndicator, indent: string): string[] {
  const out: string[] = [];
  if (s.lcs !== null) out.push(`${indent}life cycle status: ${h2(s.lcs)} (${describeLcs(s.lcs)})`);
  if (s.sw !== null) out.push(`${indent}SW: ${h2(s.sw >> 8)}${h2(s.sw & 0xff)} (${describeSw(s.sw).meaning})`);
  return out;
}

function historicalLines(bytes: Uint8Array): string[] {
  const hist = decodeHistorical(bytes);
  if (hist.category === null) return ['Historical bytes: none'];
  const out = [`Historical bytes: ${toHex(bytes, ' ')}`];
  const kinds = {
    none: '',
    'compact-tlv-status': 'COMPACT-TLV objects, status indicator in the last 3 bytes',
    'compact-tlv': 'COMPACT-TLV objects',
    'dir-reference': 'next byte is a DIR data reference',
    rfu: 'reserved for future use',
    proprietary: 'proprietary format',
  } as const;
  out.push(`  Category indicator: ${h2(hist.category)} (${kinds[hist.kind]})`);
  if (hist.dirReference !== null) out.push(`  DIR data reference: ${h2(hist.dirReference)}`);
  for (const o of hist.objects) {
    out.push(`  Tag ${o.tag.toString(16).toUpperCase()}, length ${o.value.length} (${HISTORICAL_TAGS[o.tag] ?? 'unknown'}): ${toHex(o.value, ' ')}`);
    const details =
      o.tag === 0x3 && o.value.length > 0 ? describeCardServiceData(o.value[0]!)
      : o.tag === 0x7 ? describeCardCapabilities(o.value)
      : o.tag === 0x8 && hist.status !== null ? statusLines(hist.status, '')
      : [];
    for (const d of details) out.push(`    - ${d}`);
  }
  if (hist.kind === 'compact-tlv-status' && hist.status !== null) {
    out.push('  Status indicator (last 3 bytes):', ...statusLines(hist.status, '    '));
  }
  if (hist.error !== null) out.push(`  Error in the historical bytes: ${hist.error.message}`);
  return out;
}

/**
 * Explain an ATR in several lines: TS, T0, each interface byte with its
 * meaning, the protocols, the historical bytes decoded and the TCK
 * (ISO/IEC 7816-3 §8, ISO/IEC 7816-4 §8.1.1).
 * @example explainAtr(parsed) // "ATR: 3F 65 25 00 52 09 6A 90 00\nTS = 3F: inverse convention\n..."
 */
export function explainAtr(atr: Atr): string {
  const bytes = encodeAtr(atr);
  const p = interpretAtr(atr);
  const t0 = bytes[1]!;
  const lines = [
    `ATR: ${toHex(bytes, ' ')}`,
    `TS = ${h2(bytes[0]!)}: ${atr.convention} convention`,
    `T0 = ${h2(t0)}: Y(1) = ${bits(t0 >> 4)}, K = ${t0 & 0x0f} historical byte(s)`,
  ];
  atr.groups.forEach((g, k) => {
    const i = k + 1;
    const t = k === 0 ? null : atr.groups[k - 1]!.t;
    if (k > 0) lines.push('  -----');
    if (g.ta !== null) lines.push(`  TA${i} = ${h2(g.ta)}: ${describeTa(i, g.ta, t)}`);
    if (g.tb !== null) lines.push(`  TB${i} = ${h2(g.tb)}: ${describeTb(i, g.tb, t)}`);
    if (g.tc !== null) lines.push(`  TC${i} = ${h2(g.tc)}: ${describeTc(i, g.tc, t)}`);
    const td = tdByte(atr.groups, k);
    if (td !== null) {
      const global = (td & 0x0f) === 15 ? ', global interface bytes follow' : '';
      lines.push(`  TD${i} = ${h2(td)}: Y(${i + 1}) = ${bits(td >> 4)}, protocol T=${td & 0x0f}${global}`);
    }
  });
  const mode = p.specificMode === null ? 'negotiable mode' : `specific mode, T=${p.specificMode.protocol}`;
  lines.push(`Protocols offered: ${p.protocols.map((n) => `T=${n}`).join(', ')} (${mode})`);
  if (p.ta1Default) lines.push('No TA1: default Fi=372, Di=1, fmax=5 MHz');
  if (p.t0 !== null) lines.push(`T=0: WI=${p.t0.wi}, WT=${p.t0.wtEtu ?? '?'} etu`);
  if (p.t1 !== null) {
    const { ifsc, cwi, bwi, edc, cwtEtu, bwtEtu } = p.t1;
    lines.push(`T=1: IFSC=${ifsc}, CWI=${cwi} (CWT=${cwtEtu} etu), BWI=${bwi} (BWT=${bwtEtu === null ? '?' : Math.round(bwtEtu)} etu), EDC=${edc.toUpperCase()}`);
  }
  lines.push(...historicalLines(atr.historical));
  const expected = computeTck(atr);
  if (atr.tck !== null) {
    lines.push(`TCK = ${h2(atr.tck)}: ${p.tck === 'valid' ? 'correct checksum' : `wrong checksum, ${h2(expected!)} expected`}`);
  } else {
    lines.push(p.tckRequired ? `TCK missing although a protocol other than T=0 is offered (${h2(expected!)} expected)` : 'No TCK (only T=0 offered)');
  }
  return lines.join('\n');
}
