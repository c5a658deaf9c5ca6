/**
 * A card powered in one slot of a CCID reader, as a {@link ReaderPort}:
 * power on, parameters from the ATR, the exchange level's link, and PIN
 * verification on the reader's keypad (USB CCID Rev 1.1 §6.1.11).
 * @module
 */
import { parseAtr, type DataBlockResponse, type PinVerification } from '../../protocol/index.js';
import { DriverError } from '../core/errors.js';
import type { CardProtocol, Disposition, OpenOptions, ReaderPort, TransmitOptions } from '../core/transport.js';
import { apduLink, chooseProtocol, linkKind, maxDataOf, parametersFromAtr, t0Link, T1Link, type CardLink, type SlotBus } from './card-link.js';
import type { CcidDevice } from './ccid-device.js';

/** What one slot session is made of once the card is powered. */
interface Powered {
  readonly atr: Uint8Array;
  readonly protocol: CardProtocol;
  readonly link: CardLink;
}

/**
 * Power the card in `slot`, choose the protocol, set the parameters
 * (SetParameters, CCID §6.1.7) and build the link; at TPDU level with
 * T=1, negotiate IFSD unless the reader does it (dwFeatures 400h).
 */
async function powerUp(device: CcidDevice, slot: number, protocols: readonly CardProtocol[], signal?: AbortSignal): Promise<Powered> {
  const atr = await device.powerOn(slot, signal);
  const parsed = parseAtr(atr);
  if (!parsed.ok) throw new DriverError('card-unresponsive', `the card's ATR is malformed (${parsed.error.message})`);
  const protocol = chooseProtocol(parsed.value, protocols, device.descriptor.protocols);
  if (protocol === null) {
    throw new DriverError('not-supported', `the card, the reader and the caller share no protocol (caller: ${protocols.join(', ')})`);
  }
  const parameters = parametersFromAtr(parsed.value, protocol);
  await device.send({ type: 'set-parameters', slot, parameters }, 'SetParameters', signal);
  const bus: SlotBus = (command, what, s) => device.send(command, what, s);
  const kind = linkKind(device.features.exchangeLevel, protocol);
  if (kind === 'apdu') {
    const level = device.features.exchangeLevel === 'extended-apdu' ? 'extended-apdu' : 'short-apdu';
    return { atr, protocol, link: apduLink(bus, slot, level, maxDataOf(device.descriptor.maxCcidMessageLength)) };
  }
  if (kind === 't0') return { atr, protocol, link: t0Link(bus, slot) };
  const t1 = new T1Link(bus, slot, { ifsc: parameters.protocol === 'T=1' ? parameters.ifsc : 32, edc: parameters.protocol === 'T=1' ? parameters.checksum : 'lrc' });
  if (!device.features.autoIfsd) await t1.negotiateIfsd(device.descriptor.maxIfsd, signal);
  return { atr, protocol, link: t1 };
}

/** A port on one slot of a CCID reader. */
export class CcidPort implements ReaderPort {
  readonly chainsResponses = false;
  #powered: Powered;
  #busy = false;
  #closed = false;
  #removed = false;
  readonly #pending = new Set<(error: DriverError) => void>();

  /** @internal The device this port speaks through (the transport matches events to ports by it). */
  readonly device: CcidDevice;

  private constructor(
    device: CcidDevice,
    readonly slot: number,
    readonly reader: string,
    powered: Powered,
    private readonly protocols: readonly CardProtocol[],
    private readonly onClose: (port: CcidPort) => void,
  ) {
    this.device = device;
    this.#powered = powered;
  }

  /** @internal Power the card in `slot` and open a port on it (the transport does it). */
  static async open(device: CcidDevice, slot: number, reader: string, options: OpenOptions, onClose: (port: CcidPort) => void): Promise<CcidPort> {
    const powered = await powerUp(device, slot, options.protocols, options.signal);
    return new CcidPort(device, slot, reader, powered, options.protocols, onClose);
  }

  get atr(): Uint8Array {
    return this.#powered.atr;
  }

  get protocol(): CardProtocol {
    return this.#powered.protocol;
  }

  /** The card left the slot (NotifySlotChange): later calls reject with `card-removed`. */
  cardRemoved(): void {
    this.#removed = true;
    this.#rejectPending(new DriverError('card-removed', `the card was removed from ${this.reader}`));
  }

  /** The reader went away: pending calls reject with `error`. */
  readerGone(error: DriverError): void {
    this.#rejectPending(error);
  }

  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array> {
    if (!(command instanceof Uint8Array) || command.length < 4) throw new TypeError('transmit needs a command APDU of at least 4 bytes as a Uint8Array');
    return this.#call('transmit', () => this.#powered.link.transmit(command, options?.signal));
  }

  reset(kind: 'reset' | 'unpower'): Promise<Uint8Array> {
    return this.#call('reset', async () => {
      if (kind === 'unpower') await this.device.powerOff(this.slot);
      this.#powered = await powerUp(this.device, this.slot, this.protocols);
      return this.#powered.atr;
    });
  }

  /** A CCID reader has one host: there is nobody to exclude. */
  beginTransaction(): Promise<void> {
    return this.#closed ? Promise.reject(this.#closedError()) : Promise.resolve();
  }

  async endTransaction(disposition: Disposition): Promise<void> {
    if (this.#closed) throw this.#closedError();
    if (disposition === 'reset' || disposition === 'unpower') await this.reset(disposition);
    if (disposition === 'eject') await this.device.powerOff(this.slot);
  }

  async close(disposition: Disposition): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectPending(this.#closedError());
    this.onClose(this);
    if (this.#removed || this.device.gone !== null) return;
    if (disposition === 'unpower' || disposition === 'eject') await this.device.powerOff(this.slot).catch(() => undefined);
    if (disposition === 'reset') await this.device.powerOn(this.slot).catch(() => undefined);
  }

  /**
   * PC_to_RDR_Secure with a PIN verification structure: the reader asks
   * for the PIN on its keypad, puts it into `structure.apdu` and sends it;
   * the PIN never passes through the host. Resolves with the card's
   * response APDU (the SW says whether the PIN was right).
   */
  verifyPin(structure: PinVerification, signal?: AbortSignal): Promise<Uint8Array> {
    return this.#call('verifyPin', async () => {
      if ((this.device.descriptor.pinSupport & 0x01) === 0) throw new DriverError('not-supported', `${this.reader} has no PIN pad (bPINSupport bit 0 clear)`);
      if (this.#powered.link instanceof T1Link) {
        throw new DriverError('not-supported', 'PIN pad verification at T=1 TPDU level needs the reader to share the T=1 sequence numbers: not implemented');
      }
      const seconds = structure.timeOut === 0 ? 30 : structure.timeOut;
      const r = (await this.device.send({ type: 'secure', slot: this.slot, bwi: 0, levelParameter: 0, pin: structure }, 'PIN entry on the keypad', signal, (seconds + 5) * 1000)) as DataBlockResponse;
      return r.data;
    });
  }

  #closedError(): DriverError {
    return new DriverError('closed', `the port on ${this.reader} is closed`);
  }

  /** One call at a time; `close()`, removal or unplugging reject it at once. */
  #call<T>(what: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.device.gone !== null) return Promise.reject(this.device.gone);
    if (this.#removed) return Promise.reject(new DriverError('card-removed', `the card was removed from ${this.reader}`));
    if (this.#busy) throw new TypeError(`${what} while another call is pending on ${this.reader}: the session layer queues calls`);
    this.#busy = true;
    return new Promise<T>((resolve, reject) => {
      const stop = (error: DriverError) => reject(error);
      this.#pending.add(stop);
      const done = () => {
        this.#pending.delete(stop);
        this.#busy = false;
      };
      body().then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }

  #rejectPending(error: DriverError): void {
    for (const stop of [...this.#pending]) stop(error);
    this.#pending.clear();
  }
}

/** Options of {@link verifyPinOnPad}: the PIN verification structure of CCID table 6.1-11, with defaults for an ASCII PIN. */
export interface PinPadOptions {
  /** The VERIFY APDU with placeholder PIN bytes (for example `00 20 00 01 08 FF×8`). */
  readonly apdu: Uint8Array;
  readonly minDigits: number;
  readonly maxDigits: number;
  /** bTimeOut in seconds, 0 = the reader's default. */
  readonly timeOutSeconds?: number;
  /** bmFormatString; default 82h: byte unit, offset 0, left justified, ASCII. */
  readonly formatString?: number;
  /** bmPINBlockString; default: no length field, block = the APDU's data length. */
  readonly pinBlockString?: number;
  /** wLangId; default 040Ch (French). */
  readonly langId?: number;
  readonly signal?: AbortSignal;
}

/**
 * Verify a PIN typed on the reader's keypad (CCID §6.1.11, PIN
 * verification): `port` must come from the CCID transport. Resolves with
 * the card's response APDU; `not-supported` without a PIN pad.
 */
export function verifyPinOnPad(port: ReaderPort, options: PinPadOptions): Promise<Uint8Array> {
  if (!(port instanceof CcidPort)) throw new TypeError('verifyPinOnPad needs a port of the CCID transport');
  if (options.apdu.length < 5) throw new RangeError('the VERIFY template needs a header and Lc');
  const structure: PinVerification = {
    operation: 'verify',
    timeOut: options.timeOutSeconds ?? 0,
    formatString: options.formatString ?? 0x82,
    pinBlockString: options.pinBlockString ?? Math.min(options.apdu[4]!, 0x0f),
    pinLengthFormat: 0,
    pinMaxExtraDigit: { min: options.minDigits, max: options.maxDigits },
    entryValidationCondition: 0x02,
    numberMessage: 0x01,
    langId: options.langId ?? 0x040c,
    msgIndex: 0,
    teoPrologue: new Uint8Array(3),
    apdu: options.apdu,
  };
  return port.verifyPin(structure, options.signal);
}
