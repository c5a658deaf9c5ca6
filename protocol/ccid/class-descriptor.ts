/**
 * The Smart Card Device Class descriptor a CCID reader returns with its
 * configuration: what it can do, and at which exchange level.
 *
 * USB CCID Rev 1.1 §5.1 (table 5.1-1): 54 bytes, bDescriptorType 21h,
 * multi-byte fields little-endian.
 * @module
 */
import { u32le } from '../bytes.js';
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { checkRange, putU16le, putU32le, u16le, type CcidReason } from './wire.js';

/**
 * The class descriptor's fields, raw as on the wire (so that encoding is
 * the exact inverse); {@link ccidFeatures} and {@link ccidCapabilities}
 * decode the bit fields.
 */
export interface CcidClassDescriptor {
  /** bcdCCID: the release in BCD, 0x0110 = 1.10. */
  readonly version: number;
  /** bMaxSlotIndex: slots are 0 to this. */
  readonly maxSlotIndex: number;
  /** bVoltageSupport: 01 5.0 V, 02 3.0 V, 04 1.8 V. */
  readonly voltageSupport: number;
  /** dwProtocols: bit 0 T=0, bit 1 T=1. */
  readonly protocols: number;
  /** dwDefaultClock in kHz. */
  readonly defaultClock: number;
  /** dwMaximumClock in kHz. */
  readonly maximumClock: number;
  readonly numClockSupported: number;
  /** dwDataRate in bps. */
  readonly dataRate: number;
  /** dwMaxDataRate in bps. */
  readonly maxDataRate: number;
  readonly numDataRatesSupported: number;
  /** dwMaxIFSD: the largest T=1 IFSD the reader accepts. */
  readonly maxIfsd: number;
  /** dwSynchProtocols: bit 0 2-wire, bit 1 3-wire, bit 2 I2C. */
  readonly synchProtocols: number;
  /** dwMechanical: 01 accept, 02 eject, 04 capture, 08 lock/unlock. */
  readonly mechanical: number;
  /** dwFeatures: see {@link ccidFeatures}. */
  readonly features: number;
  /** dwMaxCCIDMessageLength: header (10) + largest abData. */
  readonly maxCcidMessageLength: number;
  /** bClassGetResponse (FFh: echo the APDU's class). */
  readonly classGetResponse: number;
  /** bClassEnvelope (FFh: echo the APDU's class). */
  readonly classEnvelope: number;
  /** wLcdLayout: XXYYh, XX lines of YY characters; 0000 no LCD. */
  readonly lcdLayout: number;
  /** bPINSupport: 01 verification, 02 modification. */
  readonly pinSupport: number;
  readonly maxCcidBusySlots: number;
}

/** bLength of the descriptor (CCID table 5.1-1). */
export const CCID_DESCRIPTOR_LENGTH = 0x36;
/** bDescriptorType of the CCID class descriptor. */
export const CCID_DESCRIPTOR_TYPE = 0x21;

type Field = readonly [name: keyof CcidClassDescriptor, offset: number, size: 1 | 2 | 4];

/** Where each field sits (CCID table 5.1-1). */
const FIELDS: readonly Field[] = [
  ['version', 2, 2],
  ['maxSlotIndex', 4, 1],
  ['voltageSupport', 5, 1],
  ['protocols', 6, 4],
  ['defaultClock', 10, 4],
  ['maximumClock', 14, 4],
  ['numClockSupported', 18, 1],
  ['dataRate', 19, 4],
  ['maxDataRate', 23, 4],
  ['numDataRatesSupported', 27, 1],
  ['maxIfsd', 28, 4],
  ['synchProtocols', 32, 4],
  ['mechanical', 36, 4],
  ['features', 40, 4],
  ['maxCcidMessageLength', 44, 4],
  ['classGetResponse', 48, 1],
  ['classEnvelope', 49, 1],
  ['lcdLayout', 50, 2],
  ['pinSupport', 52, 1],
  ['maxCcidBusySlots', 53, 1],
];

const FEATURES_OFFSET = 40;

/** dwFeatures bits 16-18: the exchange level (CCID §5.1). */
export type ExchangeLevel = 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';

const LEVEL_MASK = 0x70000;
const LEVELS = new Map<number, ExchangeLevel>([
  [0, 'character'],
  [0x10000, 'tpdu'],
  [0x20000, 'short-apdu'],
  [0x40000, 'extended-apdu'],
]);

/**
 * Parse a class descriptor (exactly 54 bytes). bLength other than 36h is
 * `bad-length`, bDescriptorType other than 21h `bad-descriptor-type`,
 * more than one exchange level in dwFeatures `bad-features`.
 * @example parseCcidClassDescriptor(kapGoBytes) // ok: maxIfsd 254, features 0x000100BA
 */
export function parseCcidClassDescriptor(bytes: Uint8Array): ParseResult<CcidClassDescriptor, CcidReason> {
  const n = bytes.length;
  if (n < CCID_DESCRIPTOR_LENGTH) return fail('truncated', `the class descriptor has 54 bytes, got ${n}`, n);
  if (n > CCID_DESCRIPTOR_LENGTH) return fail('trailing-bytes', `${n - CCID_DESCRIPTOR_LENGTH} byte(s) after the class descriptor`, CCID_DESCRIPTOR_LENGTH);
  if (bytes[0] !== CCID_DESCRIPTOR_LENGTH) return fail('bad-length', `bLength is ${bytes[0]!}, not 54`, 0, 'bLength');
  if (bytes[1] !== CCID_DESCRIPTOR_TYPE) return fail('bad-descriptor-type', `bDescriptorType is ${bytes[1]!}, not 21h`, 1, 'bDescriptorType');
  const value: Record<string, number> = {};
  for (const [name, offset, size] of FIELDS) {
    value[name] = size === 1 ? bytes[offset]! : size === 2 ? u16le(bytes, offset) : u32le(bytes, offset);
  }
  const descriptor = value as unknown as CcidClassDescriptor;
  if (!LEVELS.has(descriptor.features & LEVEL_MASK)) {
    return fail('bad-features', 'dwFeatures announces more than one exchange level', FEATURES_OFFSET, 'dwFeatures');
  }
  return ok(descriptor);
}

/**
 * Encode a class descriptor: the exact inverse of
 * {@link parseCcidClassDescriptor}. Throws RangeError on out-of-range fields.
 * @example encodeCcidClassDescriptor(descriptor).length // 54
 */
export function encodeCcidClassDescriptor(d: CcidClassDescriptor): Uint8Array {
  const out = new Uint8Array(CCID_DESCRIPTOR_LENGTH);
  out[0] = CCID_DESCRIPTOR_LENGTH;
  out[1] = CCID_DESCRIPTOR_TYPE;
  for (const [name, offset, size] of FIELDS) {
    const v = d[name];
    checkRange(name, v, size === 4 ? 0xffffffff : (1 << (8 * size)) - 1);
    if (size === 1) out[offset] = v;
    else if (size === 2) putU16le(out, offset, v);
    else putU32le(out, offset, v);
  }
  exchangeLevel(d.features);
  return out;
}

/**
 * The CCID class descriptor codec (CCID §5.1).
 * @example ccidClassDescriptorCodec.parse(bytes)
 */
export const ccidClassDescriptorCodec: Codec<CcidClassDescriptor, CcidReason> = {
  parse: parseCcidClassDescriptor,
  encode: encodeCcidClassDescriptor,
};

/**
 * The exchange level dwFeatures announces (CCID §5.1). Throws RangeError
 * when several level bits are set (the parser refuses such descriptors).
 * @example exchangeLevel(0x000100ba) // 'tpdu'
 */
export function exchangeLevel(features: number): ExchangeLevel {
  const level = LEVELS.get(features & LEVEL_MASK);
  if (level === undefined) throw new RangeError(`dwFeatures ${features.toString(16)} announces several exchange levels`);
  return level;
}

/** dwFeatures decoded (CCID §5.1). */
export interface CcidFeatures {
  /** 02h: automatic parameter configuration based on ATR data. */
  readonly autoParameterConfig: boolean;
  /** 04h: automatic activation of the card on insertion. */
  readonly autoActivation: boolean;
  /** 08h: automatic voltage selection. */
  readonly autoVoltage: boolean;
  /** 10h: automatic clock frequency change from the parameters. */
  readonly autoClock: boolean;
  /** 20h: automatic baud rate change from frequency and Fi, Di. */
  readonly autoBaudRate: boolean;
  /** 40h: automatic parameter negotiation made by the CCID. */
  readonly autoParameterNegotiation: boolean;
  /** 80h: automatic PPS made by the CCID from the active parameters. */
  readonly autoPps: boolean;
  /** 100h: the CCID can stop the card's clock. */
  readonly clockStop: boolean;
  /** 200h: NAD values other than 00 accepted (T=1). */
  readonly nad: boolean;
  /** 400h: automatic IFSD exchange as the first T=1 exchange. */
  readonly autoIfsd: boolean;
  /** 100000h: USB wake-up signalling on card insertion or removal. */
  readonly usbWakeUp: boolean;
  readonly exchangeLevel: ExchangeLevel;
}

const FEATURE_BITS: readonly (readonly [Exclude<keyof CcidFeatures, 'exchangeLevel'>, number])[] = [
  ['autoParameterConfig', 0x02],
  ['autoActivation', 0x04],
  ['autoVoltage', 0x08],
  ['autoClock', 0x10],
  ['autoBaudRate', 0x20],
  ['autoParameterNegotiation', 0x40],
  ['autoPps', 0x80],
  ['clockStop', 0x100],
  ['nad', 0x200],
  ['autoIfsd', 0x400],
  ['usbWakeUp', 0x100000],
];

/**
 * Decode dwFeatures (CCID §5.1).
 * @example ccidFeatures(0x000100ba).autoPps // true (KAPELSE KAP-GO)
 */
export function ccidFeatures(features: number): CcidFeatures {
  const flags = Object.fromEntries(FEATURE_BITS.map(([name, bit]) => [name, (features & bit) !== 0]));
  return { ...(flags as Omit<CcidFeatures, 'exchangeLevel'>), exchangeLevel: exchangeLevel(features) };
}

/** A descriptor's bit fields, decoded for people and drivers. */
export interface CcidCapabilities {
  /** bcdCCID as text: "1.10". */
  readonly version: string;
  readonly slots: number;
  readonly voltages: readonly ('5.0V' | '3.0V' | '1.8V')[];
  readonly protocols: readonly ('T=0' | 'T=1')[];
  readonly features: CcidFeatures;
  readonly pinVerification: boolean;
  readonly pinModification: boolean;
  /** wLcdLayout, or null without a display. */
  readonly lcd: { readonly lines: number; readonly charactersPerLine: number } | null;
}

/**
 * Decode a descriptor's bit fields (CCID §5.1).
 * @example ccidCapabilities(d).features.exchangeLevel // 'tpdu'
 */
export function ccidCapabilities(d: CcidClassDescriptor): CcidCapabilities {
  const bcd = (b: number) => `${b >> 4}${b & 0x0f}`;
  const voltages = (['5.0V', '3.0V', '1.8V'] as const).filter((_, i) => (d.voltageSupport & (1 << i)) !== 0);
  const protocols = (['T=0', 'T=1'] as const).filter((_, i) => (d.protocols & (1 << i)) !== 0);
  return {
    version: `${Number(bcd(d.version >> 8))}.${bcd(d.version & 0xff)}`,
    slots: d.maxSlotIndex + 1,
    voltages,
    protocols,
    features: ccidFeatures(d.features),
    pinVerification: (d.pinSupport & 0x01) !== 0,
    pinModification: (d.pinSupport & 0x02) !== 0,
    lcd: d.lcdLayout === 0 ? null : { lines: d.lcdLayout >> 8, charactersPerLine: d.lcdLayout & 0xff },
  };
}
