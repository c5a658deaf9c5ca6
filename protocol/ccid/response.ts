/**
 * Bulk-in CCID messages (RDR_to_PC_*): what a reader answers.
 *
 * USB CCID Rev 1.1 §6.2 (table 6.2-1 and §6.2.1-§6.2.6).
 * @module
 */
import { u32le } from '../bytes.js';
import { fail, ok, strict, type Codec, type ParseResult, type Prefix } from '../result.js';
import type { CcidAddress } from './command.js';
import {
  decodeProtocolParameters,
  encodeProtocolParameters,
  protocolNum,
  type NoProtocolParameters,
  type ProtocolParameters,
} from './protocol-data.js';
import { decodeSlotStatus, encodeSlotStatus, type SlotStatus } from './slot-status.js';
import {
  CCID_HEADER_LENGTH,
  checkByte,
  encodeDataRateAndClock,
  expectLength,
  hex2,
  nonZeroRfu,
  readHeader,
  writeMessage,
  type CcidHeader,
  type CcidReason,
} from './wire.js';

/** bMessageType of each bulk-in message (CCID table 6.2-1). */
export const RDR_TO_PC = {
  'data-block': 0x80,
  'slot-status': 0x81,
  parameters: 0x82,
  escape: 0x83,
  'data-rate-and-clock-frequency': 0x84,
} as const;

/** The `type` of a bulk-in message. */
export type CcidResponseType = keyof typeof RDR_TO_PC;

/** What every bulk-in message carries: bSlot, bSeq, bStatus, bError. */
export interface CcidResponseBase extends CcidAddress, SlotStatus {}

/**
 * RDR_to_PC_DataBlock (80h, CCID §6.2.1): the ATR after IccPowerOn, or
 * the card's answer to XfrBlock / Secure.
 */
export interface DataBlockResponse extends CcidResponseBase {
  readonly type: 'data-block';
  /**
   * bChainParameter: 00 begins and ends, 01 begins, 02 ends, 03
   * continues, 10h empty, more to come (extended APDU level).
   */
  readonly chainParameter: number;
  readonly data: Uint8Array;
}

/** bClockStatus (CCID §6.2.2): 00 running, 01 stopped low, 02 stopped high, 03 stopped (state unknown). */
export type ClockStatus = 'running' | 'stopped-low' | 'stopped-high' | 'stopped-unknown';

/** RDR_to_PC_SlotStatus (81h, CCID §6.2.2). */
export interface SlotStatusResponse extends CcidResponseBase {
  readonly type: 'slot-status';
  readonly clockStatus: ClockStatus;
}

/** RDR_to_PC_Parameters (82h, CCID §6.2.3). */
export interface ParametersResponse extends CcidResponseBase {
  readonly type: 'parameters';
  readonly parameters: ProtocolParameters | NoProtocolParameters;
}

/** RDR_to_PC_Escape (83h, CCID §6.2.4). */
export interface EscapeResponse extends CcidResponseBase {
  readonly type: 'escape';
  readonly data: Uint8Array;
}

/** RDR_to_PC_DataRateAndClockFrequency (84h, CCID §6.2.5). */
export interface DataRateAndClockFrequencyResponse extends CcidResponseBase {
  readonly type: 'data-rate-and-clock-frequency';
  /** dwClockFrequency in kHz. */
  readonly clockFrequency: number;
  /** dwDataRate in bps. */
  readonly dataRate: number;
}

/** Any bulk-in message. */
export type CcidResponse =
  | DataBlockResponse
  | SlotStatusResponse
  | ParametersResponse
  | EscapeResponse
  | DataRateAndClockFrequencyResponse;

const CLOCK_STATUS: readonly ClockStatus[] = ['running', 'stopped-low', 'stopped-high', 'stopped-unknown'];

const TYPE_OF = new Map<number, CcidResponseType>(Object.entries(RDR_TO_PC).map(([k, v]) => [v, k as CcidResponseType]));

function decodeBody(type: CcidResponseType, h: CcidHeader, base: CcidResponseBase): ParseResult<CcidResponse, CcidReason> {
  switch (type) {
    case 'data-block':
      return ok({ type, ...base, chainParameter: h.b9, data: h.data });
    case 'slot-status': {
      const clockStatus = CLOCK_STATUS[h.b9];
      if (clockStatus === undefined) return fail('bad-parameter', `bClockStatus ${hex2(h.b9)} is not 00-03`, 9, 'bClockStatus');
      return expectLength(h, 0, type) ?? ok({ type, ...base, clockStatus });
    }
    case 'parameters': {
      if (h.data.length === 0) return ok({ type, ...base, parameters: { protocol: 'none', protocolNum: h.b9 } });
      const parameters = decodeProtocolParameters(h.b9, 9, h.data, CCID_HEADER_LENGTH);
      return parameters.ok ? ok({ type, ...base, parameters: parameters.value }) : parameters;
    }
    case 'escape':
      return nonZeroRfu([h.b9], [9], 9) ?? ok({ type, ...base, data: h.data });
    case 'data-rate-and-clock-frequency':
      return (
        expectLength(h, 8, type) ??
        nonZeroRfu([h.b9], [9], 9) ??
        ok({ type, ...base, clockFrequency: u32le(h.data, 0), dataRate: u32le(h.data, 4) })
      );
  }
}

/**
 * Parse one bulk-in message from the front of `bytes` (a bulk stream).
 * @example parseCcidResponsePrefix(hex('81 00000000 00 07 02 00 00')) // ok: no card, bytesRead 10
 */
export function parseCcidResponsePrefix(bytes: Uint8Array): ParseResult<Prefix<CcidResponse>, CcidReason> {
  const head = readHeader(bytes, (t) => TYPE_OF.has(t));
  if (!head.ok) return head;
  const { header, bytesRead } = head.value;
  const status = decodeSlotStatus(header.b7, header.b8);
  if (!status.ok) return status;
  const base = { slot: header.slot, seq: header.seq, ...status.value };
  const body = decodeBody(TYPE_OF.get(header.messageType)!, header, base);
  return body.ok ? ok({ value: body.value, bytesRead }) : body;
}

/**
 * Parse exactly one bulk-in message (CCID §6.2), with the same dwLength
 * rules as {@link parseCcidCommand}.
 * @example parseCcidResponse(hex('80 02000000 00 01 00 00 00 90 00')) // ok: DataBlock 90 00
 */
export function parseCcidResponse(bytes: Uint8Array): ParseResult<CcidResponse, CcidReason> {
  return strict(parseCcidResponsePrefix(bytes), bytes.length, 'CCID message');
}

const EMPTY = new Uint8Array(0);

function body(r: CcidResponse): readonly [number, Uint8Array] {
  switch (r.type) {
    case 'data-block':
      checkByte('chainParameter', r.chainParameter);
      return [r.chainParameter, r.data];
    case 'slot-status': {
      const clock = CLOCK_STATUS.indexOf(r.clockStatus);
      if (clock < 0) throw new RangeError(`bad clockStatus ${String(r.clockStatus)}`);
      return [clock, EMPTY];
    }
    case 'parameters':
      if (r.parameters.protocol === 'none') {
        checkByte('protocolNum', r.parameters.protocolNum);
        return [r.parameters.protocolNum, EMPTY];
      }
      return [protocolNum(r.parameters), encodeProtocolParameters(r.parameters)];
    case 'escape':
      return [0, r.data];
    case 'data-rate-and-clock-frequency':
      return [0, encodeDataRateAndClock(r.clockFrequency, r.dataRate)];
  }
}

/**
 * Encode a bulk-in message: the exact inverse of {@link parseCcidResponse}.
 * Throws RangeError on out-of-range fields.
 * @example encodeCcidResponse({ type: 'slot-status', slot: 0, seq: 7, iccStatus: 'absent', commandStatus: 'ok', error: 0, clockStatus: 'running' })
 */
export function encodeCcidResponse(response: CcidResponse): Uint8Array {
  const messageType = RDR_TO_PC[response.type];
  if (messageType === undefined) throw new RangeError(`unknown response type ${String(response.type)}`);
  const [b9, data] = body(response);
  return writeMessage(messageType, response.slot, response.seq, encodeSlotStatus(response), response.error, b9, data);
}

/**
 * The bulk-in codec (CCID §6.2).
 * @example ccidResponseCodec.parse(hex('81 00000000 00 07 02 00 00'))
 */
export const ccidResponseCodec: Codec<CcidResponse, CcidReason> = {
  parse: parseCcidResponse,
  encode: encodeCcidResponse,
};
