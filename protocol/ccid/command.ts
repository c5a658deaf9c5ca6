/**
 * Bulk-out CCID messages (PC_to_RDR_*): what the host sends a reader.
 *
 * USB CCID Rev 1.1 §6.1 (table 6.1-1 and §6.1.1-§6.1.14).
 * @module
 */
import { u32le } from '../bytes.js';
import { fail, ok, strict, type Codec, type ParseResult, type Prefix } from '../result.js';
import { decodePinOperation, encodePinOperation, type PinOperation } from './pin-operation.js';
import { decodeProtocolParameters, encodeProtocolParameters, protocolNum, type ProtocolParameters } from './protocol-data.js';
import {
  CCID_HEADER_LENGTH,
  checkByte,
  checkRange,
  encodeDataRateAndClock,
  expectLength,
  hex2,
  nonZeroRfu,
  readHeader,
  writeMessage,
  type CcidHeader,
  type CcidReason,
} from './wire.js';

/** bMessageType of each bulk-out message (CCID table 6.1-1). */
export const PC_TO_RDR = {
  'icc-power-on': 0x62,
  'icc-power-off': 0x63,
  'get-slot-status': 0x65,
  'xfr-block': 0x6f,
  'get-parameters': 0x6c,
  'reset-parameters': 0x6d,
  'set-parameters': 0x61,
  escape: 0x6b,
  'icc-clock': 0x6e,
  't0-apdu': 0x6a,
  secure: 0x69,
  mechanical: 0x71,
  abort: 0x72,
  'set-data-rate-and-clock-frequency': 0x73,
} as const;

/** The `type` of a bulk-out message. */
export type CcidCommandType = keyof typeof PC_TO_RDR;

/** bSlot and bSeq, in every bulk message. */
export interface CcidAddress {
  /** bSlot: the slot index, 0 to bMaxSlotIndex. */
  readonly slot: number;
  /** bSeq: echoed by the reader's answer. */
  readonly seq: number;
}

/** bPowerSelect (CCID §6.1.1): 00 automatic, 01 5.0 V, 02 3.0 V, 03 1.8 V. */
export type PowerSelect = 'auto' | '5.0V' | '3.0V' | '1.8V';

/** PC_to_RDR_IccPowerOn (62h, CCID §6.1.1): activate the card; the answer is a DataBlock with the ATR. */
export interface IccPowerOnCommand extends CcidAddress {
  readonly type: 'icc-power-on';
  readonly powerSelect: PowerSelect;
}

/** Commands made of the header alone: IccPowerOff 63h, GetSlotStatus 65h, GetParameters 6Ch, ResetParameters 6Dh, Abort 72h. */
export interface BareCommand extends CcidAddress {
  readonly type: 'icc-power-off' | 'get-slot-status' | 'get-parameters' | 'reset-parameters' | 'abort';
}

/**
 * PC_to_RDR_XfrBlock (6Fh, CCID §6.1.4): data for the card (a TPDU or an
 * APDU, by the exchange level).
 */
export interface XfrBlockCommand extends CcidAddress {
  readonly type: 'xfr-block';
  /** bBWI: multiplier of the block waiting time for this exchange. */
  readonly bwi: number;
  /**
   * wLevelParameter: at character level the number of bytes expected; at
   * extended APDU level 0000 begins and ends, 0001 begins, 0002 ends,
   * 0003 continues, 0010 asks for the rest of the response.
   */
  readonly levelParameter: number;
  readonly data: Uint8Array;
}

/** PC_to_RDR_SetParameters (61h, CCID §6.1.7). */
export interface SetParametersCommand extends CcidAddress {
  readonly type: 'set-parameters';
  readonly parameters: ProtocolParameters;
}

/** PC_to_RDR_Escape (6Bh, CCID §6.1.8): maker-specific data. */
export interface EscapeCommand extends CcidAddress {
  readonly type: 'escape';
  readonly data: Uint8Array;
}

/** PC_to_RDR_IccClock (6Eh, CCID §6.1.9): bClockCommand 00 restart, 01 stop. */
export interface IccClockCommand extends CcidAddress {
  readonly type: 'icc-clock';
  readonly clockCommand: 'restart' | 'stop';
}

/** PC_to_RDR_T0APDU (6Ah, CCID §6.1.10): the classes the reader uses for its own T=0 GET RESPONSE / ENVELOPE. */
export interface T0ApduCommand extends CcidAddress {
  readonly type: 't0-apdu';
  /** bmChanges bit 0: apply classGetResponse. */
  readonly changeClassGetResponse: boolean;
  /** bmChanges bit 1: apply classEnvelope. */
  readonly changeClassEnvelope: boolean;
  /** bClassGetResponse (FFh: echo the APDU's class). */
  readonly classGetResponse: number;
  /** bClassEnvelope (FFh: echo the APDU's class). */
  readonly classEnvelope: number;
}

/**
 * The abData of a Secure message that continues an extended APDU
 * (wLevelParameter other than 0000/0001): plain bytes, no bPINOperation.
 */
export interface SecureContinuation {
  readonly operation: 'continuation';
  readonly data: Uint8Array;
}

/** PC_to_RDR_Secure (69h, CCID §6.1.11): PIN entry on the reader's keypad. */
export interface SecureCommand extends CcidAddress {
  readonly type: 'secure';
  readonly bwi: number;
  /** wLevelParameter, as in XfrBlock; 0000 or 0001 mean abData starts with bPINOperation. */
  readonly levelParameter: number;
  readonly pin: PinOperation | SecureContinuation;
}

/** bFunction of PC_to_RDR_Mechanical (CCID §6.1.12): 01 to 05. */
export type MechanicalFunction = 'accept-card' | 'eject-card' | 'capture-card' | 'lock-card' | 'unlock-card';

/** PC_to_RDR_Mechanical (71h, CCID §6.1.12). */
export interface MechanicalCommand extends CcidAddress {
  readonly type: 'mechanical';
  readonly function: MechanicalFunction;
}

/** PC_to_RDR_SetDataRateAndClockFrequency (73h, CCID §6.1.14). */
export interface SetDataRateAndClockFrequencyCommand extends CcidAddress {
  readonly type: 'set-data-rate-and-clock-frequency';
  /** dwClockFrequency in kHz. */
  readonly clockFrequency: number;
  /** dwDataRate in bps. */
  readonly dataRate: number;
}

/** Any bulk-out message. */
export type CcidCommand =
  | IccPowerOnCommand
  | BareCommand
  | XfrBlockCommand
  | SetParametersCommand
  | EscapeCommand
  | IccClockCommand
  | T0ApduCommand
  | SecureCommand
  | MechanicalCommand
  | SetDataRateAndClockFrequencyCommand;

const POWER_SELECT: readonly PowerSelect[] = ['auto', '5.0V', '3.0V', '1.8V'];
const CLOCK_COMMAND = ['restart', 'stop'] as const;
const MECHANICAL: readonly MechanicalFunction[] = ['accept-card', 'eject-card', 'capture-card', 'lock-card', 'unlock-card'];

const TYPE_OF = new Map<number, CcidCommandType>(Object.entries(PC_TO_RDR).map(([k, v]) => [v, k as CcidCommandType]));

type Decoded = ParseResult<CcidCommand, CcidReason>;

function badParameter(offset: number, name: string, value: number): Decoded {
  return fail('bad-parameter', `${name} ${hex2(value)} is not defined`, offset, name);
}

/** Decode the message-specific bytes and data once the header is read. */
function decodeBody(type: CcidCommandType, h: CcidHeader): Decoded {
  const address = { slot: h.slot, seq: h.seq };
  const specific = [h.b7, h.b8, h.b9];
  switch (type) {
    case 'icc-power-off':
    case 'get-slot-status':
    case 'get-parameters':
    case 'reset-parameters':
    case 'abort':
      return expectLength(h, 0, type) ?? nonZeroRfu(specific, [7, 8, 9], 7) ?? ok({ type, ...address });
    case 'icc-power-on': {
      const powerSelect = POWER_SELECT[h.b7];
      if (powerSelect === undefined) return badParameter(7, 'bPowerSelect', h.b7);
      return expectLength(h, 0, type) ?? nonZeroRfu(specific, [8, 9], 7) ?? ok({ type, ...address, powerSelect });
    }
    case 'xfr-block':
      return ok({ type, ...address, bwi: h.b7, levelParameter: h.b8 | (h.b9 << 8), data: h.data });
    case 'set-parameters': {
      const rfu = nonZeroRfu(specific, [8, 9], 7);
      if (rfu !== null) return rfu;
      const parameters = decodeProtocolParameters(h.b7, 7, h.data, CCID_HEADER_LENGTH);
      return parameters.ok ? ok({ type, ...address, parameters: parameters.value }) : parameters;
    }
    case 'escape':
      return nonZeroRfu(specific, [7, 8, 9], 7) ?? ok({ type, ...address, data: h.data });
    case 'icc-clock': {
      const clockCommand = CLOCK_COMMAND[h.b7];
      if (clockCommand === undefined) return badParameter(7, 'bClockCommand', h.b7);
      return expectLength(h, 0, type) ?? nonZeroRfu(specific, [8, 9], 7) ?? ok({ type, ...address, clockCommand });
    }
    case 't0-apdu':
      if ((h.b7 & ~0x03) !== 0) return badParameter(7, 'bmChanges', h.b7);
      return (
        expectLength(h, 0, type) ??
        ok({
          type,
          ...address,
          changeClassGetResponse: (h.b7 & 0x01) !== 0,
          changeClassEnvelope: (h.b7 & 0x02) !== 0,
          classGetResponse: h.b8,
          classEnvelope: h.b9,
        })
      );
    case 'secure': {
      const levelParameter = h.b8 | (h.b9 << 8);
      if (levelParameter > 1) return ok({ type, ...address, bwi: h.b7, levelParameter, pin: { operation: 'continuation', data: h.data } });
      const pin = decodePinOperation(h.data, CCID_HEADER_LENGTH);
      return pin.ok ? ok({ type, ...address, bwi: h.b7, levelParameter, pin: pin.value }) : pin;
    }
    case 'mechanical': {
      const fn = MECHANICAL[h.b7 - 1];
      if (fn === undefined) return badParameter(7, 'bFunction', h.b7);
      return expectLength(h, 0, type) ?? nonZeroRfu(specific, [8, 9], 7) ?? ok({ type, ...address, function: fn });
    }
    case 'set-data-rate-and-clock-frequency':
      return (
        expectLength(h, 8, type) ??
        nonZeroRfu(specific, [7, 8, 9], 7) ??
        ok({ type, ...address, clockFrequency: u32le(h.data, 0), dataRate: u32le(h.data, 4) })
      );
  }
}

/**
 * Parse one bulk-out message from the front of `bytes` (a bulk stream):
 * the header's dwLength says where it ends.
 * @example parseCcidCommandPrefix(hex('65 00000000 00 07 000000 FF')) // ok, bytesRead 10
 */
export function parseCcidCommandPrefix(bytes: Uint8Array): ParseResult<Prefix<CcidCommand>, CcidReason> {
  const head = readHeader(bytes, (t) => TYPE_OF.has(t));
  if (!head.ok) return head;
  const { header, bytesRead } = head.value;
  const body = decodeBody(TYPE_OF.get(header.messageType)!, header);
  return body.ok ? ok({ value: body.value, bytesRead }) : body;
}

/**
 * Parse exactly one bulk-out message (CCID §6.1). A dwLength larger than
 * the data is `truncated`, smaller is `trailing-bytes`; a dwLength the
 * message type does not allow is `bad-length`.
 * @example parseCcidCommand(hex('62 00000000 00 01 01 0000')) // ok: IccPowerOn, slot 0, seq 1, 5.0 V
 */
export function parseCcidCommand(bytes: Uint8Array): ParseResult<CcidCommand, CcidReason> {
  return strict(parseCcidCommandPrefix(bytes), bytes.length, 'CCID message');
}

const EMPTY = new Uint8Array(0);

function u16(name: string, value: number): [number, number] {
  checkRange(name, value, 0xffff);
  return [value & 0xff, value >> 8];
}

/** The message-specific bytes and data of a command. */
function body(c: CcidCommand): readonly [number, number, number, Uint8Array] {
  switch (c.type) {
    case 'icc-power-off':
    case 'get-slot-status':
    case 'get-parameters':
    case 'reset-parameters':
    case 'abort':
      return [0, 0, 0, EMPTY];
    case 'icc-power-on':
      return [indexIn(POWER_SELECT, c.powerSelect, 'powerSelect'), 0, 0, EMPTY];
    case 'xfr-block':
      checkByte('bwi', c.bwi);
      return [c.bwi, ...u16('levelParameter', c.levelParameter), c.data];
    case 'set-parameters':
      return [protocolNum(c.parameters), 0, 0, encodeProtocolParameters(c.parameters)];
    case 'escape':
      return [0, 0, 0, c.data];
    case 'icc-clock':
      return [indexIn(CLOCK_COMMAND, c.clockCommand, 'clockCommand'), 0, 0, EMPTY];
    case 't0-apdu':
      checkByte('classGetResponse', c.classGetResponse);
      checkByte('classEnvelope', c.classEnvelope);
      return [(c.changeClassGetResponse ? 1 : 0) | (c.changeClassEnvelope ? 2 : 0), c.classGetResponse, c.classEnvelope, EMPTY];
    case 'secure': {
      checkByte('bwi', c.bwi);
      const continuation = c.pin.operation === 'continuation';
      if (continuation !== c.levelParameter > 1) {
        throw new RangeError(`wLevelParameter ${c.levelParameter} does not match a ${c.pin.operation} abData`);
      }
      const data = c.pin.operation === 'continuation' ? c.pin.data : encodePinOperation(c.pin);
      return [c.bwi, ...u16('levelParameter', c.levelParameter), data];
    }
    case 'mechanical':
      return [indexIn(MECHANICAL, c.function, 'function') + 1, 0, 0, EMPTY];
    case 'set-data-rate-and-clock-frequency':
      return [0, 0, 0, encodeDataRateAndClock(c.clockFrequency, c.dataRate)];
  }
}

function indexIn<T>(table: readonly T[], value: T, name: string): number {
  const i = table.indexOf(value);
  if (i < 0) throw new RangeError(`bad ${name} ${String(value)}`);
  return i;
}

/**
 * Encode a bulk-out message: the exact inverse of {@link parseCcidCommand}.
 * Throws RangeError on out-of-range fields.
 * @example encodeCcidCommand({ type: 'get-slot-status', slot: 0, seq: 7 }) // 65 00000000 00 07 000000
 */
export function encodeCcidCommand(command: CcidCommand): Uint8Array {
  const messageType = PC_TO_RDR[command.type];
  if (messageType === undefined) throw new RangeError(`unknown command type ${String(command.type)}`);
  const [b7, b8, b9, data] = body(command);
  return writeMessage(messageType, command.slot, command.seq, b7, b8, b9, data);
}

/**
 * The bulk-out codec (CCID §6.1).
 * @example ccidCommandCodec.parse(ccidCommandCodec.encode({ type: 'abort', slot: 0, seq: 3 }))
 */
export const ccidCommandCodec: Codec<CcidCommand, CcidReason> = {
  parse: parseCcidCommand,
  encode: encodeCcidCommand,
};
