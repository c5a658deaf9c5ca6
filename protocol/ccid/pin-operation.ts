/**
 * abData of PC_to_RDR_Secure: bPINOperation and the PIN verification and
 * PIN modification data structures, which a PIN-pad reader turns into an
 * APDU carrying the PIN typed on its keypad.
 *
 * USB CCID Rev 1.1 §6.1.11 (tables 6.1-10, 6.1-11 verification, 6.1-12
 * modification). The optional bMsgIndex2/3 follow libccid (commands.c,
 * SecurePINModify): bMsgIndex2 is present unless bNumberMessage is 00,
 * bMsgIndex3 when bNumberMessage is 03 or more (FFh included).
 * @module
 */
import { fail, ok, type ParseResult } from '../result.js';
import { checkByte, hex2, putU16le, u16le, type CcidReason } from './wire.js';

/** wPINMaxExtraDigit, XXYYh: XX minimum and YY maximum PIN size in digits. */
export interface PinSizeRange {
  readonly min: number;
  readonly max: number;
}

/** Fields shared by the verification and modification structures. */
export interface PinEntry {
  /** bTimeOut in seconds, 00 = the reader's default. */
  readonly timeOut: number;
  /** bmFormatString: PIN position unit, offset, justification and coding. */
  readonly formatString: number;
  /** bmPINBlockString: PIN length size in bits (7-4) and PIN block size in bytes (3-0). */
  readonly pinBlockString: number;
  /** bmPINLengthFormat: unit (bit 4) and position (3-0) of the PIN length. */
  readonly pinLengthFormat: number;
  readonly pinMaxExtraDigit: PinSizeRange;
  /** bEntryValidationCondition: 01 max size, 02 validation key, 04 timeout (OR-ed). */
  readonly entryValidationCondition: number;
  /** bNumberMessage: 00 none, 01-03 that many, FFh the reader's default. */
  readonly numberMessage: number;
  /** wLangId: a USB language id (0x040C French). */
  readonly langId: number;
  /** bTeoPrologue: the T=1 prologue the reader uses on a TPDU-level T=1 link (3 bytes). */
  readonly teoPrologue: Uint8Array;
  /** abPINApdu: the APDU the PIN is inserted into. */
  readonly apdu: Uint8Array;
}

/** bPINOperation 00 and the PIN verification structure (CCID table 6.1-11). */
export interface PinVerification extends PinEntry {
  readonly operation: 'verify';
  /** bMsgIndex. */
  readonly msgIndex: number;
}

/** bPINOperation 01 and the PIN modification structure (CCID table 6.1-12). */
export interface PinModification extends PinEntry {
  readonly operation: 'modify';
  /** bInsertionOffsetOld: where the current PIN goes, in bytes. */
  readonly insertionOffsetOld: number;
  /** bInsertionOffsetNew: where the new PIN goes, in bytes. */
  readonly insertionOffsetNew: number;
  /** bConfirmPIN: bit 0 confirm the new PIN, bit 1 ask for the current PIN. */
  readonly confirmPin: number;
  /** bMsgIndex1..3: as many as {@link modifyMessageCount} of bNumberMessage. */
  readonly msgIndex: readonly number[];
}

/** The PIN operations with no structure of their own (bPINOperation 02-06). */
export type PinControlOperation = 'transfer-pin' | 'wait-icc-response' | 'cancel-pin' | 'resend-i-block' | 'send-next-apdu-part';

/** bPINOperation 02-06, followed by whatever bytes the host sent. */
export interface PinControl {
  readonly operation: PinControlOperation;
  readonly data: Uint8Array;
}

/** A Secure message's abData, decoded (CCID table 6.1-10). */
export type PinOperation = PinVerification | PinModification | PinControl;

const CONTROLS: readonly (PinControlOperation | undefined)[] = [
  undefined,
  undefined,
  'transfer-pin',
  'wait-icc-response',
  'cancel-pin',
  'resend-i-block',
  'send-next-apdu-part',
];

/** Bytes of the verification structure before abPINApdu (bPINOperation excluded). */
const VERIFY_FIXED = 14;
/** Bytes of the modification structure before the optional bMsgIndex2/3. */
const MODIFY_HEAD = 14;

/**
 * How many bMsgIndex fields a modification structure carries for a given
 * bNumberMessage (libccid's reading of CCID table 6.1-12).
 */
export function modifyMessageCount(numberMessage: number): number {
  if (numberMessage === 0) return 1;
  return numberMessage >= 3 ? 3 : 2;
}

/**
 * Decode abData (which starts with bPINOperation). `base` is abData's
 * offset in the message.
 */
export function decodePinOperation(data: Uint8Array, base: number): ParseResult<PinOperation, CcidReason> {
  if (data.length === 0) return fail('bad-length', 'PC_to_RDR_Secure without bPINOperation', 1, 'dwLength');
  const op = data[0]!;
  if (op === 0) return decodeVerification(data);
  if (op === 1) return decodeModification(data);
  const operation = CONTROLS[op];
  if (operation === undefined) return fail('bad-parameter', `bPINOperation ${hex2(op)} is not 00-06`, base, 'bPINOperation');
  return ok({ operation, data: data.slice(1) });
}

function tooShort(what: string, need: number, got: number) {
  return fail('bad-length', `the ${what} structure needs ${need} bytes, got ${got}`, 1, 'dwLength');
}

function decodeVerification(data: Uint8Array): ParseResult<PinVerification, CcidReason> {
  if (data.length < 1 + VERIFY_FIXED) return tooShort('PIN verification', 1 + VERIFY_FIXED, data.length);
  return ok({
    operation: 'verify',
    timeOut: data[1]!,
    formatString: data[2]!,
    pinBlockString: data[3]!,
    pinLengthFormat: data[4]!,
    pinMaxExtraDigit: { min: data[6]!, max: data[5]! },
    entryValidationCondition: data[7]!,
    numberMessage: data[8]!,
    langId: u16le(data, 9),
    msgIndex: data[11]!,
    teoPrologue: data.slice(12, 15),
    apdu: data.slice(15),
  });
}

function decodeModification(data: Uint8Array): ParseResult<PinModification, CcidReason> {
  const head = 1 + MODIFY_HEAD;
  if (data.length < head) return tooShort('PIN modification', head + 3, data.length);
  const numberMessage = data[11]!;
  const count = modifyMessageCount(numberMessage);
  const teo = head + count - 1;
  if (data.length < teo + 3) return tooShort('PIN modification', teo + 3, data.length);
  return ok({
    operation: 'modify',
    timeOut: data[1]!,
    formatString: data[2]!,
    pinBlockString: data[3]!,
    pinLengthFormat: data[4]!,
    insertionOffsetOld: data[5]!,
    insertionOffsetNew: data[6]!,
    pinMaxExtraDigit: { min: data[8]!, max: data[7]! },
    confirmPin: data[9]!,
    entryValidationCondition: data[10]!,
    numberMessage,
    langId: u16le(data, 12),
    msgIndex: Array.from(data.subarray(14, 14 + count)),
    teoPrologue: data.slice(teo, teo + 3),
    apdu: data.slice(teo + 3),
  });
}

function entryHead(p: PinEntry): number[] {
  for (const [name, v] of [
    ['timeOut', p.timeOut],
    ['formatString', p.formatString],
    ['pinBlockString', p.pinBlockString],
    ['pinLengthFormat', p.pinLengthFormat],
    ['pinMaxExtraDigit.min', p.pinMaxExtraDigit.min],
    ['pinMaxExtraDigit.max', p.pinMaxExtraDigit.max],
    ['entryValidationCondition', p.entryValidationCondition],
    ['numberMessage', p.numberMessage],
  ] as const) {
    checkByte(name, v);
  }
  if (p.teoPrologue.length !== 3) throw new RangeError(`teoPrologue has ${p.teoPrologue.length} bytes, not 3`);
  return [p.timeOut, p.formatString, p.pinBlockString, p.pinLengthFormat];
}

function langId(p: PinEntry): number[] {
  const out = new Uint8Array(2);
  if (!Number.isInteger(p.langId) || p.langId < 0 || p.langId > 0xffff) throw new RangeError(`langId ${p.langId} is not 16 bits`);
  putU16le(out, 0, p.langId);
  return [out[0]!, out[1]!];
}

/** Encode abData of a Secure message. Throws RangeError on inconsistent fields. */
export function encodePinOperation(p: PinOperation): Uint8Array {
  switch (p.operation) {
    case 'verify': {
      const head = entryHead(p);
      checkByte('msgIndex', p.msgIndex);
      const fixed = [
        0x00,
        ...head,
        p.pinMaxExtraDigit.max,
        p.pinMaxExtraDigit.min,
        p.entryValidationCondition,
        p.numberMessage,
        ...langId(p),
        p.msgIndex,
        ...p.teoPrologue,
      ];
      return withApdu(fixed, p.apdu);
    }
    case 'modify': {
      const head = entryHead(p);
      for (const [name, v] of [
        ['insertionOffsetOld', p.insertionOffsetOld],
        ['insertionOffsetNew', p.insertionOffsetNew],
        ['confirmPin', p.confirmPin],
      ] as const) {
        checkByte(name, v);
      }
      const count = modifyMessageCount(p.numberMessage);
      if (p.msgIndex.length !== count) {
        throw new RangeError(`bNumberMessage ${p.numberMessage} needs ${count} bMsgIndex field(s), got ${p.msgIndex.length}`);
      }
      p.msgIndex.forEach((m, i) => checkByte(`msgIndex[${i}]`, m));
      const fixed = [
        0x01,
        ...head,
        p.insertionOffsetOld,
        p.insertionOffsetNew,
        p.pinMaxExtraDigit.max,
        p.pinMaxExtraDigit.min,
        p.confirmPin,
        p.entryValidationCondition,
        p.numberMessage,
        ...langId(p),
        ...p.msgIndex,
        ...p.teoPrologue,
      ];
      return withApdu(fixed, p.apdu);
    }
    default: {
      const op = CONTROLS.indexOf(p.operation);
      if (op < 0) throw new RangeError(`unknown PIN operation ${String((p as { operation: unknown }).operation)}`);
      return withApdu([op], p.data);
    }
  }
}

function withApdu(fixed: readonly number[], tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(fixed.length + tail.length);
  out.set(fixed, 0);
  out.set(tail, fixed.length);
  return out;
}
