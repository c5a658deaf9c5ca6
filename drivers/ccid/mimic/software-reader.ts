/**
 * A software CCID reader (USB CCID Rev 1.1) behind the usb mimic: the
 * descriptors of a Smart Card class device, the bulk messages of §6.1 /
 * §6.2 answered from cards the test puts in its slots, NotifySlotChange
 * on the interrupt pipe (§6.3.1), a PIN pad (Secure, §6.1.11), time
 * extension replies while a card is slow (§6.2.6), T=1 at TPDU level
 * through protocol's T=1 card machine, and hostile replies on demand.
 * Test support: it imports no emulator code (cards are given by the test).
 * @module
 */
import {
  CCID_MAX_DATA_LENGTH,
  encodeCcidClassDescriptor,
  encodeCcidInterrupt,
  encodeCcidResponse,
  initialT1Card,
  interpretAtr,
  parseAtr,
  parseCcidCommand,
  t1CardStep,
  type CcidClassDescriptor,
  type CcidCommand,
  type CcidResponse,
  type IccStatus,
  type PinVerification,
  type ProtocolParameters,
  type T1CardOutput,
  type T1CardState,
} from '../../../protocol/index.js';
import type { UsbFunction } from './usb-mimic.js';

/** A card as the reader drives it: the emulator's `VirtualCard` / `FaultyCard` fit. */
export interface SlotCard {
  powerOn(): Promise<Uint8Array>;
  powerOff(): Promise<void>;
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** A slow card's requests for more time (the emulator's `withFaults` delay action). */
  onWaitExtension?(listener: (request: unknown) => void): () => void;
}

/** The reader's shape. */
export interface SoftwareReaderOptions {
  readonly productName?: string;
  readonly serialNumber?: string;
  readonly level: 'tpdu' | 'short-apdu' | 'extended-apdu';
  /** Number of slots (bMaxSlotIndex + 1); default 2. */
  readonly slots?: number;
  readonly pinPad?: boolean;
  /** How long the reader waits for a card before ICC_MUTE (its BWT); default 2000 ms. */
  readonly muteAfterMs?: number;
}

/** A reply the reader garbles on purpose (tests of the host's checks). */
export type HostileReply = 'wrong-seq' | 'wrong-length' | 'garbage' | 'silence' | 'wrong-slot';

const EP_BULK_OUT = 0x01;
const EP_BULK_IN = 0x02;
const EP_INTERRUPT_IN = 0x03;
const ICC_MUTE = 0xfe;
const CMD_NOT_SUPPORTED = 0x00;
const PIN_CANCELLED = 0xef;
const T0_DEFAULT: ProtocolParameters = { protocol: 'T=0', fi: 1, di: 1, inverseConvention: false, guardTime: 0, clockStop: 'not-allowed', wi: 10 };

interface SlotState {
  card: SlotCard | null;
  atr: Uint8Array | null;
  /** The ATR the reader reports instead of the card's (a T=1 ATR in front of a T=0 card, for TPDU tests). */
  atrOverride: Uint8Array | null;
  powered: boolean;
  parameters: ProtocolParameters;
  t1: T1CardState | null;
  /** The card's answer in progress (T=1: across several XfrBlocks). */
  pending: Promise<CardEvent> | null;
  extensions: number;
  generation: number;
  wake: (() => void) | null;
  /** Extended APDU level: the command being chained, the response being chained. */
  chainIn: Uint8Array[];
  chainOut: Uint8Array | null;
}

type CardEvent = { readonly kind: 'answer'; readonly apdu: Uint8Array } | { readonly kind: 'extension' } | { readonly kind: 'gone' } | { readonly kind: 'mute' };

/** The class descriptor the reader announces. */
export function softwareReaderDescriptor(options: SoftwareReaderOptions): CcidClassDescriptor {
  const levelBits = { tpdu: 0x10000, 'short-apdu': 0x20000, 'extended-apdu': 0x40000 }[options.level];
  return {
    version: 0x0110, maxSlotIndex: (options.slots ?? 2) - 1, voltageSupport: 0x07, protocols: 0x03,
    defaultClock: 4000, maximumClock: 4000, numClockSupported: 0, dataRate: 10752, maxDataRate: 344064, numDataRatesSupported: 0,
    maxIfsd: 254, synchProtocols: 0, mechanical: 0, features: 0xba | levelBits,
    maxCcidMessageLength: options.level === 'extended-apdu' ? 10 + CCID_MAX_DATA_LENGTH : 271,
    classGetResponse: 0xff, classEnvelope: 0xff, lcdLayout: 0, pinSupport: options.pinPad === true ? 0x01 : 0x00, maxCcidBusySlots: 1,
  };
}

/** Configuration, interface (class 0Bh), CCID class descriptor, three endpoints (CCID §4, §5). */
function configurationDescriptor(descriptor: CcidClassDescriptor): Uint8Array {
  const endpoint = (address: number, attributes: number, size: number, interval: number) => [7, 0x05, address, attributes, size & 0xff, size >> 8, interval];
  const body = [
    ...[9, 0x04, 0, 0, 3, 0x0b, 0, 0, 0],
    ...encodeCcidClassDescriptor(descriptor),
    ...endpoint(EP_BULK_OUT, 0x02, 64, 0),
    ...endpoint(0x80 | EP_BULK_IN, 0x02, 64, 0),
    ...endpoint(0x80 | EP_INTERRUPT_IN, 0x03, 8, 16),
  ];
  const total = 9 + body.length;
  return Uint8Array.from([9, 0x02, total & 0xff, total >> 8, 1, 1, 0, 0x80, 50, ...body]);
}

/** A software CCID reader: plug `reader.usbFunction` into the mimic. */
export class SoftwareCcidReader {
  readonly descriptor: CcidClassDescriptor;
  readonly usbFunction: UsbFunction;
  /** The digits the pad's user types next (null: the user presses Cancel). Never logged. */
  pinPadDigits: string | null = null;
  /** Hostile replies to use, one per reply, in order. */
  readonly hostile: HostileReply[] = [];
  /** Every command the reader received, decoded (tests assert on the traffic). */
  readonly received: CcidCommand[] = [];
  readonly #slots: SlotState[];
  readonly #options: SoftwareReaderOptions;
  #send: (endpoint: number, data: Uint8Array) => void = () => undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: SoftwareReaderOptions) {
    this.#options = options;
    this.descriptor = softwareReaderDescriptor(options);
    this.#slots = Array.from({ length: this.descriptor.maxSlotIndex + 1 }, () => ({
      card: null, atr: null, atrOverride: null, powered: false, parameters: T0_DEFAULT, t1: null,
      pending: null, extensions: 0, generation: 0, wake: null, chainIn: [], chainOut: null,
    }));
    this.usbFunction = {
      identity: { vendorId: 0x1d6b, productId: 0xcc1d, manufacturerName: 'bifente', productName: options.productName ?? 'bifente software CCID', serialNumber: options.serialNumber ?? 'SW0001' },
      configurationDescriptor: configurationDescriptor(this.descriptor),
      received: (endpoint, data) => {
        if (endpoint !== EP_BULK_OUT) return;
        this.#queue = this.#queue.then(() => this.#handle(data));
      },
      attach: (send) => {
        this.#send = send;
      },
    };
  }

  /** Put `card` in `slot` (NotifySlotChange); `atr` replaces the card's ATR on the wire. */
  insert(slot: number, card: SlotCard, atr?: Uint8Array): void {
    const s = this.#slot(slot);
    Object.assign(s, { card, atr: null, atrOverride: atr ?? null, powered: false, t1: null, pending: null });
    s.generation++;
    card.onWaitExtension?.(() => {
      s.extensions++;
      s.wake?.();
    });
    this.#notify(slot);
  }

  /** Pull the card out of `slot` (NotifySlotChange); an exchange in progress ends with ICC_MUTE, card absent. */
  remove(slot: number): void {
    const s = this.#slot(slot);
    Object.assign(s, { card: null, atr: null, powered: false, t1: null, pending: null });
    s.generation++;
    s.wake?.();
    this.#notify(slot);
  }

  #slot(slot: number): SlotState {
    const s = this.#slots[slot];
    if (s === undefined) throw new RangeError(`the reader has no slot ${slot}`);
    return s;
  }

  #notify(changed: number): void {
    const count = Math.ceil(this.#slots.length / 4) * 4;
    const slots = Array.from({ length: count }, (_, i) => ({ present: (this.#slots[i]?.card ?? null) !== null, changed: i === changed }));
    this.#send(EP_INTERRUPT_IN, encodeCcidInterrupt({ type: 'notify-slot-change', slots }));
  }

  #icc(s: SlotState): IccStatus {
    return s.card === null ? 'absent' : s.powered ? 'present-active' : 'present-inactive';
  }

  #reply(r: CcidResponse): void {
    const hostile = this.hostile.shift();
    let bytes = encodeCcidResponse(r);
    switch (hostile) {
      case 'silence':
        return;
      case 'wrong-seq':
        bytes[6] = (bytes[6]! + 1) & 0xff;
        break;
      case 'wrong-slot':
        bytes[5] = (bytes[5]! + 1) & 0xff;
        break;
      case 'wrong-length':
        bytes[1] = (bytes[1]! + 3) & 0xff;
        break;
      case 'garbage':
        bytes = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x00, 0x13);
        break;
      case undefined:
        break;
    }
    this.#send(EP_BULK_IN, bytes);
  }

  #failed(c: CcidCommand, s: SlotState | undefined, error: number): void {
    this.#reply({ type: 'slot-status', slot: c.slot, seq: c.seq, iccStatus: s === undefined ? 'absent' : this.#icc(s), commandStatus: 'failed', error, clockStatus: 'running' });
  }

  #dataBlock(c: CcidCommand, s: SlotState, data: Uint8Array, chainParameter = 0): void {
    this.#reply({ type: 'data-block', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'ok', error: 0, chainParameter, data });
  }

  #dataFailed(c: CcidCommand, s: SlotState, error: number): void {
    this.#reply({ type: 'data-block', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'failed', error, chainParameter: 0, data: new Uint8Array(0) });
  }

  async #handle(bytes: Uint8Array): Promise<void> {
    const parsed = parseCcidCommand(bytes);
    if (!parsed.ok) {
      this.#reply({ type: 'slot-status', slot: bytes[5] ?? 0, seq: bytes[6] ?? 0, iccStatus: 'absent', commandStatus: 'failed', error: Math.min(parsed.error.offset, 0x7f), clockStatus: 'running' });
      return;
    }
    const c = parsed.value;
    this.received.push(c);
    const s = this.#slots[c.slot];
    if (s === undefined) return this.#failed(c, s, 0x05);
    switch (c.type) {
      case 'get-slot-status':
        return this.#reply({ type: 'slot-status', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'ok', error: 0, clockStatus: 'running' });
      case 'icc-power-on': {
        if (s.card === null) return this.#dataFailed(c, s, ICC_MUTE);
        const atr = await s.card.powerOn();
        s.atr = s.atrOverride ?? atr;
        s.powered = true;
        s.t1 = null;
        s.parameters = T0_DEFAULT;
        return this.#dataBlock(c, s, s.atr);
      }
      case 'icc-power-off':
        if (s.card !== null) await s.card.powerOff();
        s.powered = false;
        return this.#reply({ type: 'slot-status', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'ok', error: 0, clockStatus: 'running' });
      case 'set-parameters':
        s.parameters = c.parameters;
        s.t1 = c.parameters.protocol === 'T=1' ? initialT1Card({ ifsc: c.parameters.ifsc, edc: c.parameters.checksum }) : null;
        return this.#reply({ type: 'parameters', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'ok', error: 0, parameters: s.parameters });
      case 'get-parameters':
        return this.#reply({ type: 'parameters', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'ok', error: 0, parameters: s.parameters });
      case 'xfr-block':
        if (s.card === null || !s.powered) return this.#dataFailed(c, s, ICC_MUTE);
        return this.#options.level === 'tpdu' && s.t1 !== null ? this.#t1Block(c, s, c.data) : this.#apdu(c, s, c.data, c.levelParameter);
      case 'secure':
        if (this.#options.pinPad !== true || c.pin.operation !== 'verify') return this.#failed(c, s, CMD_NOT_SUPPORTED);
        if (s.card === null || !s.powered) return this.#dataFailed(c, s, ICC_MUTE);
        return this.#verify(c, s, c.pin);
      default:
        return this.#failed(c, s, CMD_NOT_SUPPORTED);
    }
  }

  /** Start the card on `apdu`; time extension requests and removal wake the waiter. */
  #start(s: SlotState, apdu: Uint8Array): void {
    const card = s.card!;
    const generation = s.generation;
    s.extensions = 0;
    const answer = card.transmit(apdu).then(
      (r): CardEvent => ({ kind: 'answer', apdu: r }),
      (): CardEvent => ({ kind: 'gone' }),
    );
    s.pending = answer.then((e) => (s.generation === generation ? e : { kind: 'gone' }));
  }

  /** Wait for the card's next event: its answer, a time extension request, removal, or silence (ICC_MUTE). */
  async #next(s: SlotState): Promise<CardEvent> {
    const generation = s.generation;
    const pending = s.pending!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const woken = new Promise<CardEvent>((resolve) => {
      s.wake = () => resolve(s.generation !== generation ? { kind: 'gone' } : { kind: 'extension' });
      timer = setTimeout(() => resolve({ kind: 'mute' }), this.#options.muteAfterMs ?? 2000);
    });
    if (s.extensions > 0) {
      s.extensions--;
      clearTimeout(timer);
      return { kind: 'extension' };
    }
    const e = await Promise.race([pending, woken]);
    clearTimeout(timer);
    s.wake = null;
    if (e.kind === 'extension') s.extensions = Math.max(0, s.extensions - 1);
    if (e.kind === 'answer' || e.kind === 'gone') s.pending = null;
    return s.generation !== generation ? { kind: 'gone' } : e;
  }

  /** APDU level (and T=0 at TPDU level, where the TPDU is handed to the card as it is). */
  async #apdu(c: CcidCommand & { type: 'xfr-block' }, s: SlotState, data: Uint8Array, level: number): Promise<void> {
    const maxData = this.descriptor.maxCcidMessageLength - 10;
    if (level === 0x10) {
      const rest = s.chainOut ?? new Uint8Array(0);
      s.chainOut = rest.length > maxData ? rest.slice(maxData) : null;
      return this.#dataBlock(c, s, rest.slice(0, maxData), s.chainOut === null ? 0x02 : 0x03);
    }
    if (level === 0x01 || level === 0x03) {
      if (level === 0x01) s.chainIn = [];
      s.chainIn.push(data);
      return this.#dataBlock(c, s, new Uint8Array(0), 0x10);
    }
    let apdu = data;
    if (level === 0x02) {
      apdu = Uint8Array.from(s.chainIn.flatMap((part) => [...part]).concat([...data]));
      s.chainIn = [];
    }
    this.#start(s, apdu);
    for (;;) {
      const e = await this.#next(s);
      if (e.kind === 'extension') {
        this.#reply({ type: 'data-block', slot: c.slot, seq: c.seq, iccStatus: this.#icc(s), commandStatus: 'time-extension', error: 1, chainParameter: 0, data: new Uint8Array(0) });
        continue;
      }
      if (e.kind === 'gone' || e.kind === 'mute') return this.#dataFailed(c, s, ICC_MUTE);
      if (e.apdu.length > maxData) {
        s.chainOut = e.apdu.slice(maxData);
        return this.#dataBlock(c, s, e.apdu.slice(0, maxData), 0x01);
      }
      return this.#dataBlock(c, s, e.apdu);
    }
  }

  /** T=1 at TPDU level: the block goes to protocol's card machine, the card's next block comes back. */
  async #t1Block(c: CcidCommand & { type: 'xfr-block' }, s: SlotState, block: Uint8Array): Promise<void> {
    let outputs = this.#t1(s, { type: 'receive', bytes: block });
    for (;;) {
      const transmit = this.#act(s, outputs);
      if (transmit !== null) return this.#dataBlock(c, s, transmit);
      if (s.pending === null) return this.#dataFailed(c, s, ICC_MUTE);
      const e = await this.#next(s);
      if (e.kind === 'gone' || e.kind === 'mute') return this.#dataFailed(c, s, ICC_MUTE);
      outputs = e.kind === 'answer' ? this.#t1(s, { type: 'respond', apdu: e.apdu }) : this.#t1(s, { type: 'request-wtx', multiplier: 1 });
    }
  }

  #t1(s: SlotState, event: Parameters<typeof t1CardStep>[1]): readonly T1CardOutput[] {
    const step = t1CardStep(s.t1!, event);
    s.t1 = step.state;
    return step.outputs;
  }

  /** Run the card machine's outputs: start a command, forget one; return the block to send, if any. */
  #act(s: SlotState, outputs: readonly T1CardOutput[]): Uint8Array | null {
    let transmit: Uint8Array | null = null;
    for (const out of outputs) {
      if (out.type === 'command') this.#start(s, out.apdu);
      else if (out.type === 'resynchronized') s.pending = null;
      else transmit = out.bytes;
    }
    return transmit;
  }

  /**
   * PIN verification on the pad (CCID §6.1.11): the typed digits go into
   * abPINApdu at the bmFormatString position, ASCII or BCD, left
   * justified, byte unit (what this pad supports), and the APDU goes to
   * the card. No digits (the user cancelled): PIN_CANCELLED.
   */
  async #verify(c: CcidCommand & { type: 'secure' }, s: SlotState, pin: PinVerification): Promise<void> {
    const digits = this.pinPadDigits;
    if (digits === null || digits.length < pin.pinMaxExtraDigit.min || digits.length > pin.pinMaxExtraDigit.max) return this.#dataFailed(c, s, PIN_CANCELLED);
    const apdu = pin.apdu.slice();
    const offset = 5 + ((pin.formatString >> 3) & 0x0f);
    const coding = pin.formatString & 0x03;
    if (coding === 0x02) apdu.set(new TextEncoder().encode(digits), offset);
    else for (let i = 0; i < digits.length; i++) apdu[offset + (i >> 1)] = (i % 2 === 0 ? (Number(digits[i]) << 4) | 0x0f : (apdu[offset + (i >> 1)]! & 0xf0) | Number(digits[i]));
    this.#start(s, apdu);
    const e = await this.#next(s);
    if (e.kind !== 'answer') return this.#dataFailed(c, s, ICC_MUTE);
    return this.#dataBlock(c, s, e.apdu);
  }
}

/**
 * A T=1 ATR for a card the reader presents at TPDU level (ISO/IEC 7816-3
 * §8.2): TD1 = 81h, TD2 = 31h, TA3 = IFSC, TB3 = BWI 4 / CWI 5, TCK.
 */
export function t1Atr(ifsc = 0xfe): Uint8Array {
  const body = [0x80, 0x81, 0x31, ifsc, 0x45];
  const tck = body.reduce((x, b) => x ^ b, 0);
  const atr = Uint8Array.from([0x3b, ...body, tck]);
  const parsed = parseAtr(atr);
  if (!parsed.ok || interpretAtr(parsed.value).t1 === null) throw new Error('t1Atr built a bad ATR');
  return atr;
}
