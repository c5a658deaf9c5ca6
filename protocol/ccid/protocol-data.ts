/**
 * abProtocolDataStructure of PC_to_RDR_SetParameters and
 * RDR_to_PC_Parameters: the T=0 (5 bytes) and T=1 (7 bytes) parameters.
 *
 * USB CCID Rev 1.1 §6.1.7 (tables 6.1-6 and 6.1-7), §6.2.3.
 * @module
 */
import { fail, ok, type ParseResult } from '../result.js';
import { checkByte, checkRange, hex2, type CcidReason } from './wire.js';

/** bClockStop: whether and how the reader may stop the card's clock. */
export type CcidClockStop = 'not-allowed' | 'low' | 'high' | 'either';

const CLOCK_STOP: readonly CcidClockStop[] = ['not-allowed', 'low', 'high', 'either'];

/** Fields the T=0 and T=1 structures share. */
export interface CommonParameters {
  /** FI, bits 7-4 of bmFindexDindex (ISO/IEC 7816-3 table 7 index). */
  readonly fi: number;
  /** DI, bits 3-0 of bmFindexDindex (ISO/IEC 7816-3 table 8 index). */
  readonly di: number;
  /** Bit 1 of bmTCCKST0/bmTCCKST1: inverse convention (TS = 3F). */
  readonly inverseConvention: boolean;
  /** bGuardTimeT0/T1: extra guard time N, in etu (FFh as sent). */
  readonly guardTime: number;
  readonly clockStop: CcidClockStop;
}

/** The T=0 structure (bProtocolNum 00, CCID table 6.1-6). */
export interface CcidT0Parameters extends CommonParameters {
  readonly protocol: 'T=0';
  /** bWaitingIntegerT0: WI. */
  readonly wi: number;
}

/** The T=1 structure (bProtocolNum 01, CCID table 6.1-7). */
export interface CcidT1Parameters extends CommonParameters {
  readonly protocol: 'T=1';
  /** Bit 0 of bmTCCKST1: the epilogue's error detection code. */
  readonly checksum: 'lrc' | 'crc';
  /** Bits 7-4 of bmWaitingIntegersT1. */
  readonly bwi: number;
  /** Bits 3-0 of bmWaitingIntegersT1. */
  readonly cwi: number;
  /** bIFSC: the card's information field size. */
  readonly ifsc: number;
  /** bNadValue. */
  readonly nad: number;
}

/** A protocol data structure the reader can be given. */
export type ProtocolParameters = CcidT0Parameters | CcidT1Parameters;

/**
 * An RDR_to_PC_Parameters with dwLength 0 (some readers answer a failed
 * command so): bProtocolNum as it came, no structure. Ours, not the
 * standard's: CCID §6.2.3 only shows 5 or 7 bytes.
 */
export interface NoProtocolParameters {
  readonly protocol: 'none';
  readonly protocolNum: number;
}

/** bProtocolNum of a structure (CCID §6.1.7). */
export function protocolNum(p: ProtocolParameters): number {
  return p.protocol === 'T=0' ? 0 : 1;
}

/** Length of the structure of each protocol. */
const LENGTH = [5, 7] as const;

/**
 * Decode a structure. `numOffset` is where bProtocolNum sits in the
 * message (7 in a command, 9 in a response) and `base` where abData
 * starts, so errors point into the whole message.
 */
export function decodeProtocolParameters(
  num: number,
  numOffset: number,
  data: Uint8Array,
  base: number,
): ParseResult<ProtocolParameters, CcidReason> {
  if (num !== 0 && num !== 1) {
    return fail('bad-protocol', `bProtocolNum ${hex2(num)} is neither T=0 nor T=1`, numOffset, 'bProtocolNum');
  }
  const expected = LENGTH[num];
  if (data.length !== expected) {
    return fail('bad-length', `the T=${num} structure has ${expected} bytes, got ${data.length}`, 1, 'dwLength');
  }
  const tcck = data[1]!;
  const fixed = num === 0 ? 0x00 : 0x10;
  const free = num === 0 ? 0x02 : 0x03;
  if ((tcck & ~free) !== fixed) {
    return fail('bad-parameter', `bmTCCKST${num} ${hex2(tcck)} has reserved bits wrong`, base + 1, `bmTCCKST${num}`);
  }
  const clockStop = CLOCK_STOP[data[4]!];
  if (clockStop === undefined) return fail('bad-parameter', `bClockStop ${hex2(data[4]!)} is not 00-03`, base + 4, 'bClockStop');
  const common = {
    fi: data[0]! >> 4,
    di: data[0]! & 0x0f,
    inverseConvention: (tcck & 0x02) !== 0,
    guardTime: data[2]!,
    clockStop,
  };
  if (num === 0) return ok({ protocol: 'T=0', ...common, wi: data[3]! });
  return ok({
    protocol: 'T=1',
    ...common,
    checksum: (tcck & 0x01) !== 0 ? 'crc' : 'lrc',
    bwi: data[3]! >> 4,
    cwi: data[3]! & 0x0f,
    ifsc: data[5]!,
    nad: data[6]!,
  });
}

/** Encode a structure (CCID tables 6.1-6, 6.1-7). Throws RangeError on out-of-range fields. */
export function encodeProtocolParameters(p: ProtocolParameters): Uint8Array {
  checkRange('fi', p.fi, 15);
  checkRange('di', p.di, 15);
  checkByte('guardTime', p.guardTime);
  const clockStop = CLOCK_STOP.indexOf(p.clockStop);
  if (clockStop < 0) throw new RangeError(`bad clockStop ${String(p.clockStop)}`);
  const convention = p.inverseConvention ? 0x02 : 0x00;
  const findexDindex = (p.fi << 4) | p.di;
  if (p.protocol === 'T=0') {
    checkByte('wi', p.wi);
    return Uint8Array.of(findexDindex, convention, p.guardTime, p.wi, clockStop);
  }
  checkRange('bwi', p.bwi, 15);
  checkRange('cwi', p.cwi, 15);
  checkByte('ifsc', p.ifsc);
  checkByte('nad', p.nad);
  if (p.checksum !== 'crc' && p.checksum !== 'lrc') throw new RangeError(`bad checksum ${String(p.checksum)}`);
  const tcck = 0x10 | convention | (p.checksum === 'crc' ? 0x01 : 0x00);
  return Uint8Array.of(findexDindex, tcck, p.guardTime, (p.bwi << 4) | p.cwi, clockStop, p.ifsc, p.nad);
}
