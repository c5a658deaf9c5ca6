/**
 * The class byte: interindustry or proprietary, command chaining, secure
 * messaging and logical channel (ISO/IEC 7816-4 §5.4.1, tables 2 and 3).
 * @module
 */
import { fail, ok, type ParseResult } from '../result.js';

/**
 * Secure messaging indication of an interindustry CLA (ISO/IEC 7816-4
 * §5.4.1): none, proprietary, according to §6 with the header not
 * processed, or according to §6 with the header authenticated.
 */
export type SecureMessaging = 'none' | 'proprietary' | 'header-not-processed' | 'header-authenticated';

/** An interindustry class byte, first (`000x xxxx`) or further (`01xx xxxx`). */
export interface InterindustryCla {
  readonly kind: 'interindustry';
  /** `first` for channels 0-3, `further` for channels 4-19. */
  readonly form: 'first' | 'further';
  /** b5: the command is not the last of a chain (ISO/IEC 7816-4 §5.1.1.1). */
  readonly chaining: boolean;
  readonly secureMessaging: SecureMessaging;
  /** Logical channel number, 0 to 19. */
  readonly channel: number;
}

/**
 * What a class byte means (ISO/IEC 7816-4 §5.4.1): interindustry,
 * proprietary (`1xxx xxxx` except FF), reserved for future use
 * (`001x xxxx`), or invalid (FF, which ISO/IEC 7816-3 keeps for PPS).
 */
export type ClaInfo = InterindustryCla | { readonly kind: 'proprietary' | 'rfu' | 'invalid' };

/** Why a CLA could not be rebuilt. */
export type ClaReason =
  /** The CLA is not interindustry, so it has no channel or chaining bits. */
  | 'not-interindustry'
  /** Channels 4-19 use the further form, which can only say "no SM" or "SM, header not processed". */
  | 'secure-messaging-not-representable';

const FIRST_SM: readonly SecureMessaging[] = ['none', 'proprietary', 'header-not-processed', 'header-authenticated'];

function checkByte(cla: number): void {
  if (!Number.isInteger(cla) || cla < 0 || cla > 0xff) throw new RangeError(`CLA ${cla} is not a byte`);
}

/**
 * Decode a class byte (ISO/IEC 7816-4 §5.4.1, tables 2 and 3).
 * @example decodeCla(0x0c) // interindustry, first, SM header-authenticated, channel 0
 */
export function decodeCla(cla: number): ClaInfo {
  checkByte(cla);
  if (cla === 0xff) return { kind: 'invalid' };
  if (cla & 0x80) return { kind: 'proprietary' };
  if ((cla & 0xe0) === 0x20) return { kind: 'rfu' };
  const chaining = (cla & 0x10) !== 0;
  if ((cla & 0x40) === 0) {
    return { kind: 'interindustry', form: 'first', chaining, secureMessaging: FIRST_SM[(cla >> 2) & 3]!, channel: cla & 3 };
  }
  const secureMessaging: SecureMessaging = cla & 0x20 ? 'header-not-processed' : 'none';
  return { kind: 'interindustry', form: 'further', chaining, secureMessaging, channel: 4 + (cla & 0x0f) };
}

/**
 * Build an interindustry class byte from its parts (ISO/IEC 7816-4 §5.4.1).
 * Throws a RangeError for a channel outside 0..19.
 * @example encodeCla({ chaining: false, secureMessaging: 'none', channel: 5 }) // ok(0x41)
 */
export function encodeCla(parts: Omit<InterindustryCla, 'kind' | 'form'>): ParseResult<number, ClaReason> {
  const { channel, chaining, secureMessaging } = parts;
  if (!Number.isInteger(channel) || channel < 0 || channel > 19) throw new RangeError(`channel ${channel} is not in 0..19`);
  const b5 = chaining ? 0x10 : 0;
  if (channel < 4) return ok((FIRST_SM.indexOf(secureMessaging) << 2) | b5 | channel);
  if (secureMessaging !== 'none' && secureMessaging !== 'header-not-processed') {
    return fail('secure-messaging-not-representable', `channel ${channel} cannot carry ${secureMessaging} secure messaging`, 0, 'cla');
  }
  return ok(0x40 | (secureMessaging === 'none' ? 0 : 0x20) | b5 | (channel - 4));
}

function rebuild(cla: number, change: (c: InterindustryCla) => Omit<InterindustryCla, 'kind' | 'form'>): ParseResult<number, ClaReason> {
  const info = decodeCla(cla);
  if (info.kind !== 'interindustry') return fail('not-interindustry', `CLA ${cla.toString(16)} is ${info.kind}`, 0, 'cla');
  return encodeCla(change(info));
}

/**
 * The same class byte on another logical channel (0-19), switching between
 * the first and further interindustry forms as needed (ISO/IEC 7816-4 §5.4.1).
 * @example withChannel(0x00, 4) // ok(0x40)
 */
export function withChannel(cla: number, channel: number): ParseResult<number, ClaReason> {
  return rebuild(cla, (c) => ({ chaining: c.chaining, secureMessaging: c.secureMessaging, channel }));
}

/**
 * The same class byte with the chaining bit b5 set or cleared (ISO/IEC
 * 7816-4 §5.1.1.1).
 * @example withChaining(0x00, true) // ok(0x10)
 */
export function withChaining(cla: number, chaining: boolean): ParseResult<number, ClaReason> {
  return rebuild(cla, (c) => ({ chaining, secureMessaging: c.secureMessaging, channel: c.channel }));
}
