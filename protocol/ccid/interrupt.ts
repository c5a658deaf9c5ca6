/**
 * Interrupt-in CCID messages: card insertion / removal and hardware
 * errors, sent by the reader without being asked.
 *
 * USB CCID Rev 1.1 §6.3 (§6.3.1 NotifySlotChange, §6.3.2 HardwareError).
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { checkByte, hex2, type CcidReason } from './wire.js';

/** bMessageType of each interrupt-in message (CCID §6.3). */
export const RDR_TO_PC_INTERRUPT = {
  'notify-slot-change': 0x50,
  'hardware-error': 0x51,
} as const;

/** One slot's two bits of bmSlotICCState. */
export interface SlotChange {
  /** Bit 2n: a card is in slot n. */
  readonly present: boolean;
  /** Bit 2n+1: slot n changed since the last notification. */
  readonly changed: boolean;
}

/**
 * RDR_to_PC_NotifySlotChange (50h, CCID §6.3.1). bmSlotICCState has 2
 * bits per slot, so each byte covers 4 slots; `slots` always has 4 per
 * byte (trailing ones are the padding of the last byte).
 */
export interface NotifySlotChange {
  readonly type: 'notify-slot-change';
  readonly slots: readonly SlotChange[];
}

/** RDR_to_PC_HardwareError (51h, CCID §6.3.2). */
export interface HardwareError {
  readonly type: 'hardware-error';
  readonly slot: number;
  readonly seq: number;
  /** bHardwareErrorCode: 01 = overcurrent. */
  readonly hardwareErrorCode: number;
}

/** Any interrupt-in message. */
export type CcidInterrupt = NotifySlotChange | HardwareError;

/** Largest bmSlotICCState: 256 slots (bMaxSlotIndex FFh), 2 bits each. */
const MAX_SLOT_BYTES = 64;

/**
 * Parse one interrupt-in transfer. NotifySlotChange has no length field:
 * every byte after 50h is slot state (at least one, at most 64, else
 * `truncated` / `too-large`); HardwareError is exactly 4 bytes.
 * @example parseCcidInterrupt(hex('50 03')) // ok: slot 0 present and changed
 */
export function parseCcidInterrupt(bytes: Uint8Array): ParseResult<CcidInterrupt, CcidReason> {
  const n = bytes.length;
  if (n === 0) return fail('truncated', 'empty interrupt message', 0, 'bMessageType');
  const messageType = bytes[0]!;
  if (messageType === RDR_TO_PC_INTERRUPT['notify-slot-change']) {
    if (n < 2) return fail('truncated', 'NotifySlotChange without bmSlotICCState', n, 'bmSlotICCState');
    if (n > 1 + MAX_SLOT_BYTES) return fail('too-large', `bmSlotICCState of ${n - 1} bytes covers more than 256 slots`, 1 + MAX_SLOT_BYTES, 'bmSlotICCState');
    const slots: SlotChange[] = [];
    for (let i = 1; i < n; i++) {
      const b = bytes[i]!;
      for (let bit = 0; bit < 8; bit += 2) slots.push({ present: ((b >> bit) & 1) !== 0, changed: ((b >> (bit + 1)) & 1) !== 0 });
    }
    return ok({ type: 'notify-slot-change', slots });
  }
  if (messageType === RDR_TO_PC_INTERRUPT['hardware-error']) {
    if (n < 4) return fail('truncated', `HardwareError has 4 bytes, got ${n}`, n, 'bHardwareErrorCode');
    if (n > 4) return fail('trailing-bytes', `${n - 4} byte(s) after HardwareError`, 4);
    return ok({ type: 'hardware-error', slot: bytes[1]!, seq: bytes[2]!, hardwareErrorCode: bytes[3]! });
  }
  return fail('bad-message-type', `unknown interrupt message type ${hex2(messageType)}`, 0, 'bMessageType');
}

/**
 * Encode an interrupt-in message: the exact inverse of
 * {@link parseCcidInterrupt}. `slots` must hold 4 to 256 slots, a
 * multiple of 4 (RangeError otherwise).
 * @example encodeCcidInterrupt({ type: 'hardware-error', slot: 0, seq: 4, hardwareErrorCode: 1 }) // 51 00 04 01
 */
export function encodeCcidInterrupt(message: CcidInterrupt): Uint8Array {
  if (message.type === 'hardware-error') {
    checkByte('slot', message.slot);
    checkByte('seq', message.seq);
    checkByte('hardwareErrorCode', message.hardwareErrorCode);
    return Uint8Array.of(RDR_TO_PC_INTERRUPT['hardware-error'], message.slot, message.seq, message.hardwareErrorCode);
  }
  const count = message.slots.length;
  if (count === 0 || count % 4 !== 0 || count > 4 * MAX_SLOT_BYTES) {
    throw new RangeError(`bmSlotICCState needs 4 to 256 slots, a multiple of 4; got ${count}`);
  }
  const out = new Uint8Array(1 + count / 4);
  out[0] = RDR_TO_PC_INTERRUPT['notify-slot-change'];
  message.slots.forEach((s, i) => {
    const bits = (s.present ? 1 : 0) | (s.changed ? 2 : 0);
    out[1 + (i >> 2)]! |= bits << ((i & 3) * 2);
  });
  return out;
}

/**
 * The interrupt-in codec (CCID §6.3).
 * @example ccidInterruptCodec.encode({ type: 'notify-slot-change', slots: [...] })
 */
export const ccidInterruptCodec: Codec<CcidInterrupt, CcidReason> = {
  parse: parseCcidInterrupt,
  encode: encodeCcidInterrupt,
};
