/**
 * The volatile state of a card session: what a reset or power-off loses
 * (ISO/IEC 7816-4 §5.4.1 security status, §5.1.1.2 logical channels, §5.3.2
 * current files, §5.4.2 security environments), and the context every
 * command handler receives.
 * @module
 */
import type { CommandApdu } from '../../protocol/index.js';
import type { SecurityStatus } from './access.js';
import type { CardModel, DfNode, EfNode, KeyObjectEntry } from './card-model.js';
import type { SeededRng } from './rng.js';

/** A key and algorithm chosen by MSE SET for one kind of operation. */
export interface KeySelection {
  readonly key: KeyObjectEntry | undefined;
  readonly algorithm: number | undefined;
}

/** The current security environment of a channel (ISO/IEC 7816-4 §5.4.2, §7.5.11). */
export interface SecurityEnvironment {
  /** B6: digital signature template (PSO COMPUTE DIGITAL SIGNATURE). */
  dst: KeySelection | undefined;
  /** A4: authentication template (INTERNAL AUTHENTICATE). */
  at: KeySelection | undefined;
  /** AA: hash-code template (PSO HASH). */
  ht: KeySelection | undefined;
}

/** The state of one logical channel. */
export interface ChannelState {
  currentDf: DfNode;
  currentEf: EfNode | undefined;
  /** The current record number of the current EF (1-based). */
  currentRecord: number | undefined;
  readonly se: SecurityEnvironment;
  /** The hash set by PSO HASH, consumed by the next signature. */
  hash: Uint8Array | undefined;
  /** Response bytes waiting for GET RESPONSE (ISO/IEC 7816-4 §7.6.1). */
  pending: Uint8Array | undefined;
}

/** A fresh channel whose current DF is `df`. */
export function newChannel(df: DfNode, ef?: EfNode): ChannelState {
  return { currentDf: df, currentEf: ef, currentRecord: undefined, se: { dst: undefined, at: undefined, ht: undefined }, hash: undefined, pending: undefined };
}

/**
 * A profile's answer to GET DATA with an extended header list (odd INS CB,
 * tag 4D): for example the CPS's `4D {70 {BF 81 01 ...}}` PIN-policy query
 * (DOMAIN.md). Return the response data, or undefined for 6A88.
 */
export type ExtendedHeaderListHandler = (headerList: Uint8Array, df: DfNode, ctx: CardContext) => Uint8Array | undefined;

/** What a profile may add to the core. */
export interface CardExtensions {
  readonly extendedHeaderList?: ExtendedHeaderListHandler;
}

/** Everything a command handler may read or change. */
export interface CardContext {
  readonly model: CardModel;
  readonly security: SecurityStatus;
  /** The channel the command came on. */
  readonly channel: ChannelState;
  readonly channelNumber: number;
  /** Logical channels 0-3; undefined when closed. */
  readonly channels: (ChannelState | undefined)[];
  readonly rng: SeededRng;
  readonly extensions: CardExtensions;
  /** Write the persistent state through the card's storage (may throw a power cut). */
  persist(): void;
}

/**
 * A command handler (STYLE.md "Emulator"): returns the response data for
 * SW 9000, or throws `CardStatus` for any other status word.
 */
export type InsHandler = (cmd: CommandApdu, ctx: CardContext) => Uint8Array;
