/**
 * The card operating system every profile shares (STYLE.md "Emulator",
 * after vsmartcard's SmartcardOS): an INS table of handlers with one
 * signature, status words raised as `CardStatus` and turned into SW1 SW2 in
 * `execute` only, logical channels, the security status, GET RESPONSE
 * chaining and persistence of every change through a {@link CardStorage}.
 * @module
 */
import { decodeCla, fail, INS_GET_RESPONSE, parseCommandApdu, SW, type ParseResult } from '../../protocol/index.js';
import { CardStatus, type Card } from './card.js';
import type { SecurityStatus } from './access.js';
import type { CardModel } from './card-model.js';
import { parseCardImageText, type CardImageReason } from './card-image.js';
import { serializeCardImage } from './card-image-writer.js';
import { coreHandlers } from './commands/index.js';
import { chainResponse } from './commands/get-response.js';
import { seededRng, type SeededRng } from './rng.js';
import { newChannel, type CardContext, type CardExtensions, type ChannelState, type InsHandler } from './session.js';
import { PowerCutError, type CardStorage } from './storage.js';

/** Where a card reports internal errors (never with command data: a PIN must not reach a log). */
export interface CardLogger {
  error(message: string, detail: { readonly ins: number; readonly error: unknown }): void;
}

/** How a card is built. */
export interface CardOsOptions {
  /** Seed of GET CHALLENGE and of everything random in the session (default 0). */
  readonly seed?: number;
  readonly logger?: CardLogger;
  /** Profile hooks (GET DATA extended header lists). */
  readonly extensions?: CardExtensions;
  /** Handlers that replace or add to {@link CORE_HANDLERS}, by INS. */
  readonly handlers?: ReadonlyMap<number, InsHandler>;
}

/** The core INS table: every command of the generic ISO/IEC 7816-4 card. */
export const CORE_HANDLERS: ReadonlyMap<number, InsHandler> = coreHandlers;

const consoleLogger: CardLogger = {
  error: (message, detail) => console.error(`card: ${message} (INS ${detail.ins.toString(16).padStart(2, '0')})`, detail.error),
};

function sw(data: Uint8Array, status: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = status >> 8;
  out[data.length + 1] = status & 0xff;
  return out;
}

/**
 * Open the card whose image is in `storage`: a typed failure when the
 * image is missing or refused by the loader.
 */
export function openCard(storage: CardStorage, options: CardOsOptions = {}): ParseResult<CardOs, CardImageReason> {
  const text = storage.read();
  if (text === undefined) return fail('unreadable', 'the storage holds no card image', 0, '/');
  const model = parseCardImageText(text, storage.baseDir);
  return model.ok ? { ok: true, value: new CardOs(model.value, storage, options) } : model;
}

/** A card: the generic ISO/IEC 7816-4 card, or a profile built on it with extra handlers and hooks. */
export class CardOs implements Card {
  #model: CardModel;
  readonly #storage: CardStorage;
  readonly #handlers: ReadonlyMap<number, InsHandler>;
  readonly #logger: CardLogger;
  readonly #extensions: CardExtensions;
  readonly #rng: SeededRng;
  readonly #security: SecurityStatus = { verifiedPins: new Set() };
  #channels: (ChannelState | undefined)[];
  /** Set by a power cut: RAM no longer matches the stored image until the next power-on. */
  #torn = false;

  constructor(model: CardModel, storage: CardStorage, options: CardOsOptions = {}) {
    this.#model = model;
    this.#storage = storage;
    this.#handlers = options.handlers === undefined ? CORE_HANDLERS : new Map([...CORE_HANDLERS, ...options.handlers]);
    this.#logger = options.logger ?? consoleLogger;
    this.#extensions = options.extensions ?? {};
    this.#rng = seededRng(options.seed ?? 0);
    this.#channels = [newChannel(model.mf)];
  }

  /** The persistent state (read-only use: tests and profiles). */
  get model(): CardModel {
    return this.#model;
  }

  /** The PINs verified in this session (read-only use: tests check invariants against it). */
  get security(): Readonly<SecurityStatus> {
    return this.#security;
  }

  atr(): Uint8Array {
    return this.#model.atr.slice();
  }

  powerOn(): Uint8Array {
    if (this.#torn) this.#reload();
    this.#resetVolatile();
    return this.atr();
  }

  reset(): Uint8Array {
    this.#resetVolatile();
    return (this.#model.warmAtr ?? this.#model.atr).slice();
  }

  powerOff(): void {
    this.#resetVolatile();
  }

  execute(command: Uint8Array): Uint8Array {
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) return sw(new Uint8Array(0), SW.WRONG_LENGTH);
    const cmd = parsed.value;
    const cla = decodeCla(cmd.cla);
    if (cla.kind !== 'interindustry') return sw(new Uint8Array(0), SW.CLA_NOT_SUPPORTED);
    if (cla.form === 'further') return sw(new Uint8Array(0), SW.LOGICAL_CHANNEL_NOT_SUPPORTED);
    if (cla.secureMessaging !== 'none') return sw(new Uint8Array(0), SW.SECURE_MESSAGING_NOT_SUPPORTED);
    if (cla.chaining) return sw(new Uint8Array(0), SW.CHAINING_NOT_SUPPORTED);
    const channel = this.#channels[cla.channel];
    if (channel === undefined) return sw(new Uint8Array(0), SW.LOGICAL_CHANNEL_NOT_SUPPORTED);
    if (cmd.ins !== INS_GET_RESPONSE) channel.pending = undefined;
    const handler = this.#handlers.get(cmd.ins);
    if (handler === undefined) return sw(new Uint8Array(0), SW.INS_NOT_SUPPORTED);
    try {
      const answer = chainResponse(channel, handler(cmd, this.#context(channel, cla.channel)), cmd.ne);
      return sw(answer.data, answer.sw);
    } catch (error) {
      if (error instanceof CardStatus) return sw(error.data, error.sw);
      if (error instanceof PowerCutError) this.#torn = true;
      this.#logger.error(error instanceof PowerCutError ? 'power cut during a write' : 'internal error', { ins: cmd.ins, error });
      return sw(new Uint8Array(0), SW.NO_PRECISE_DIAGNOSIS);
    }
  }

  #context(channel: ChannelState, channelNumber: number): CardContext {
    return {
      model: this.#model,
      security: this.#security,
      channel,
      channelNumber,
      channels: this.#channels,
      rng: this.#rng,
      extensions: this.#extensions,
      persist: () => this.#storage.write(serializeCardImage(this.#model)),
    };
  }

  #resetVolatile(): void {
    this.#security.verifiedPins.clear();
    this.#channels = [newChannel(this.#model.mf)];
  }

  /** After a power cut: RAM is lost, the card restarts from what storage holds. */
  #reload(): void {
    const text = this.#storage.read();
    const model = text === undefined ? undefined : parseCardImageText(text, this.#storage.baseDir);
    if (model?.ok !== true) throw new Error('the stored card image is unreadable after a power cut');
    this.#model = model.value;
    this.#torn = false;
  }
}
