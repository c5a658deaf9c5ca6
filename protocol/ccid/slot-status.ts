/**
 * bStatus and bError of every bulk-in message: the card's state, the
 * command's outcome and the slot error codes.
 *
 * USB CCID Rev 1.1 §6.2.6 (table 6.2-3 bStatus, table 6.2-2 slot errors).
 * @module
 */
import { fail, ok, type ParseResult } from '../result.js';
import { checkByte, hex2, type CcidReason } from './wire.js';

/** bmICCStatus, bits 0-1 of bStatus (CCID §6.2.6). */
export type IccStatus = 'present-active' | 'present-inactive' | 'absent';

/**
 * bmCommandStatus, bits 6-7 of bStatus (CCID §6.2.6). With
 * `time-extension` the reader asks for more time and bError holds the
 * BWT multiplier.
 */
export type CommandStatus = 'ok' | 'failed' | 'time-extension';

/** bStatus decoded, plus the raw bError it comes with. */
export interface SlotStatus {
  readonly iccStatus: IccStatus;
  readonly commandStatus: CommandStatus;
  /** bError: a slot error code when `commandStatus` is `failed` (see {@link describeSlotError}). */
  readonly error: number;
}

const ICC_STATUS: readonly IccStatus[] = ['present-active', 'present-inactive', 'absent'];
const COMMAND_STATUS: readonly CommandStatus[] = ['ok', 'failed', 'time-extension'];

/**
 * Decode bStatus (offset 7) and bError (offset 8). Bits 2-5 and the value
 * 3 of either field are RFU: `bad-status`.
 * @example decodeSlotStatus(0x42, 0xfe) // ok: { iccStatus: 'absent', commandStatus: 'failed', error: 0xfe }
 */
export function decodeSlotStatus(bStatus: number, bError: number): ParseResult<SlotStatus, CcidReason> {
  const iccStatus = ICC_STATUS[bStatus & 0x03];
  const commandStatus = COMMAND_STATUS[bStatus >> 6];
  if ((bStatus & 0x3c) !== 0 || iccStatus === undefined || commandStatus === undefined) {
    return fail('bad-status', `bStatus ${hex2(bStatus)} has RFU bits or values set`, 7, 'bStatus');
  }
  return ok({ iccStatus, commandStatus, error: bError });
}

/** Encode bStatus from its two fields (CCID §6.2.6). */
export function encodeSlotStatus(status: SlotStatus): number {
  const icc = ICC_STATUS.indexOf(status.iccStatus);
  const command = COMMAND_STATUS.indexOf(status.commandStatus);
  if (icc < 0 || command < 0) throw new RangeError(`bad slot status ${status.iccStatus}/${status.commandStatus}`);
  checkByte('error', status.error);
  return (command << 6) | icc;
}

/** The kind of a bError value (CCID table 6.2-2). */
export type SlotErrorKind =
  /** One of the named slot errors (CMD_ABORTED, ICC_MUTE, ...). */
  | 'error'
  /** 01h-7Fh: index (byte offset) of the message parameter the reader refused. */
  | 'bad-parameter'
  /** 00h: the reader does not support this command. */
  | 'command-not-supported'
  /** 81h-C0h: defined by the reader's maker. */
  | 'user-defined'
  /** Any value the table leaves reserved. */
  | 'rfu';

/** A bError value explained. */
export interface SlotErrorDescription {
  readonly code: number;
  readonly kind: SlotErrorKind;
  /** The standard's name (`ICC_MUTE`), or a made-up one for unnamed kinds. */
  readonly name: string;
  /** One sentence for people. */
  readonly meaning: string;
  /** For `bad-parameter`: the offset of the refused byte in the command. */
  readonly parameterIndex?: number;
}

/** One named row of CCID table 6.2-2. */
export interface SlotErrorRow {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

/** The named slot error codes of CCID table 6.2-2, with our one-line glosses. */
export const SLOT_ERRORS: readonly SlotErrorRow[] = [
  { code: 0xff, name: 'CMD_ABORTED', meaning: 'the host aborted the command (PC_to_RDR_Abort)' },
  { code: 0xfe, name: 'ICC_MUTE', meaning: 'the card did not answer in time' },
  { code: 0xfd, name: 'XFR_PARITY_ERROR', meaning: 'parity error on the card line' },
  { code: 0xfc, name: 'XFR_OVERRUN', meaning: 'the card sent more bytes than the buffer holds' },
  { code: 0xfb, name: 'HW_ERROR', meaning: 'hardware error, for example a short circuit at activation' },
  { code: 0xf8, name: 'BAD_ATR_TS', meaning: 'the ATR starts with an invalid TS byte' },
  { code: 0xf7, name: 'BAD_ATR_TCK', meaning: 'the ATR check byte TCK is wrong' },
  { code: 0xf6, name: 'ICC_PROTOCOL_NOT_SUPPORTED', meaning: 'the card asks for a protocol the reader lacks' },
  { code: 0xf5, name: 'ICC_CLASS_NOT_SUPPORTED', meaning: 'the card asks for a voltage class the reader lacks' },
  { code: 0xf4, name: 'PROCEDURE_BYTE_CONFLICT', meaning: 'the card sent an unexpected T=0 procedure byte' },
  { code: 0xf3, name: 'DEACTIVATED_PROTOCOL', meaning: 'the protocol in use is not the one the command needs' },
  { code: 0xf2, name: 'BUSY_WITH_AUTO_SEQUENCE', meaning: 'an automatic sequence (activation, PPS) is running' },
  { code: 0xf0, name: 'PIN_TIMEOUT', meaning: 'the user did not enter the PIN in time' },
  { code: 0xef, name: 'PIN_CANCELLED', meaning: 'the user cancelled the PIN entry' },
  { code: 0xe0, name: 'CMD_SLOT_BUSY', meaning: 'a command is already running on this slot' },
];

const BY_CODE = new Map(SLOT_ERRORS.map((r) => [r.code, r]));

/**
 * Explain a bError value of a failed command (CCID table 6.2-2).
 * @example describeSlotError(0xfe).name // 'ICC_MUTE'
 * @example describeSlotError(0x05) // { kind: 'bad-parameter', parameterIndex: 5, ... }: bSlot refused
 */
export function describeSlotError(code: number): SlotErrorDescription {
  checkByte('bError', code);
  const row = BY_CODE.get(code);
  if (row !== undefined) return { ...row, kind: 'error' };
  if (code === 0) return { code, kind: 'command-not-supported', name: 'CMD_NOT_SUPPORTED', meaning: 'the reader does not support this command' };
  if (code <= 0x7f) {
    return { code, kind: 'bad-parameter', name: 'BAD_PARAMETER', meaning: `the reader refused the message byte at offset ${code}`, parameterIndex: code };
  }
  if (code >= 0x81 && code <= 0xc0) return { code, kind: 'user-defined', name: 'USER_DEFINED', meaning: `maker-defined error ${hex2(code)}` };
  return { code, kind: 'rfu', name: 'RFU', meaning: `reserved error code ${hex2(code)}` };
}
