/**
 * How an APDU crosses a CCID slot, by the exchange level of dwFeatures
 * (USB CCID Rev 1.1 §5.1, §6.1.4): at APDU level XfrBlock carries the
 * APDU (chained with wLevelParameter at extended APDU level); at TPDU
 * level the host runs the transmission protocol itself: protocol's T=1
 * reader machine (ISO/IEC 7816-3 §11) or the T=0 mapping of §12.2.
 * @module
 */
import {
  concatBytes,
  initialT1Reader,
  interpretAtr,
  parseCommandApdu,
  startT0Reader,
  t1ReaderStep,
  type Atr,
  type CcidResponse,
  type DataBlockResponse,
  type ExchangeLevel,
  type ProtocolParameters,
  type T1ReaderState,
} from '../../protocol/index.js';
import type { CardProtocol } from '../core/transport.js';
import { DriverError, isDriverError } from '../core/errors.js';
import { CCID_HEADER_LENGTH } from '../../protocol/index.js';
import type { UnnumberedCommand } from './bulk-channel.js';

/** Sends one command to the slot and resolves with the reader's successful answer. */
export type SlotBus = (command: UnnumberedCommand, what: string, signal?: AbortSignal) => Promise<CcidResponse>;

/** The APDU carrier of one powered card. */
export interface CardLink {
  transmit(apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
}

/** wLevelParameter values of extended APDU level (CCID §6.1.4). */
const LEVEL = { whole: 0x0000, begins: 0x0001, ends: 0x0002, continues: 0x0003, more: 0x0010 } as const;

async function xfr(bus: SlotBus, slot: number, data: Uint8Array, levelParameter: number, signal?: AbortSignal, bwi = 0): Promise<DataBlockResponse> {
  const r = await bus({ type: 'xfr-block', slot, bwi, levelParameter, data }, 'XfrBlock', signal);
  return r as DataBlockResponse;
}

/**
 * APDU level: the reader speaks to the card (T=0 GET RESPONSE included,
 * CCID §6.1.4). A command longer than one message is chained at extended
 * APDU level and refused (`not-supported`) at short APDU level; a chained
 * response is asked for with wLevelParameter 0010h.
 */
export function apduLink(bus: SlotBus, slot: number, level: 'short-apdu' | 'extended-apdu', maxData: number): CardLink {
  return {
    async transmit(apdu, signal) {
      let r: DataBlockResponse;
      if (apdu.length <= maxData) {
        r = await xfr(bus, slot, apdu, LEVEL.whole, signal);
      } else if (level === 'short-apdu') {
        throw new DriverError('not-supported', `a ${apdu.length}-byte APDU does not fit this short-APDU-level reader (${maxData} bytes a message)`);
      } else {
        r = await xfr(bus, slot, apdu.subarray(0, maxData), LEVEL.begins, signal);
        for (let at = maxData; at < apdu.length; at += maxData) {
          const last = at + maxData >= apdu.length;
          r = await xfr(bus, slot, apdu.subarray(at, at + maxData), last ? LEVEL.ends : LEVEL.continues, signal);
        }
      }
      const parts = [r.data];
      while (r.chainParameter === LEVEL.begins || r.chainParameter === LEVEL.continues) {
        r = await xfr(bus, slot, new Uint8Array(0), LEVEL.more, signal);
        parts.push(r.data);
      }
      if (r.chainParameter !== LEVEL.whole && r.chainParameter !== LEVEL.ends) {
        throw new DriverError('protocol-error', `the reader ended a response with bChainParameter ${r.chainParameter.toString(16)}h`);
      }
      return concatBytes(...parts);
    },
  };
}

/**
 * T=1 at TPDU level: protocol's reader machine builds the blocks, the
 * reader carries each one in an XfrBlock (bBWI = the card's WTX
 * multiplier) and answers with the card's block. ICC_MUTE with the card
 * present is the machine's BWT timeout (R-block, retries, RESYNCH).
 */
export class T1Link implements CardLink {
  #state: T1ReaderState;

  constructor(
    private readonly bus: SlotBus,
    private readonly slot: number,
    options: { readonly ifsc: number; readonly edc: 'lrc' | 'crc' },
  ) {
    this.#state = initialT1Reader({ ifsc: options.ifsc, edc: options.edc });
  }

  /** S(IFS request) with the reader's IFSD (ISO/IEC 7816-3 §11.4.2; CCID §5.1 dwMaxIFSD), done once after the ATR. */
  async negotiateIfsd(ifsd: number, signal?: AbortSignal): Promise<void> {
    await this.#run({ type: 'negotiate-ifsd', ifsd: Math.min(Math.max(ifsd, 1), 254) }, signal);
  }

  async transmit(apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const delivered = await this.#run({ type: 'send', apdu }, signal);
    if (delivered === null) throw new DriverError('protocol-error', 'the T=1 exchange ended without a response');
    return delivered;
  }

  async #run(first: Parameters<typeof t1ReaderStep>[1], signal?: AbortSignal): Promise<Uint8Array | null> {
    let step = t1ReaderStep(this.#state, first);
    for (;;) {
      this.#state = step.state;
      let block: Uint8Array | null = null;
      for (const out of step.outputs) {
        if (out.type === 'deliver') return out.apdu;
        if (out.type === 'ifsd') return null;
        if (out.type === 'error') {
          const code = out.reason === 'resynch-failed' || out.reason === 'dead' ? 'card-unresponsive' : 'protocol-error';
          throw new DriverError(code, `T=1 exchange failed: ${out.reason}`);
        }
        if (out.type === 'transmit') block = out.bytes;
      }
      if (block === null) throw new DriverError('protocol-error', 'the T=1 machine stopped without a block to send');
      const bwi = Math.min(this.#state.waitMultiplier > 1 ? this.#state.waitMultiplier : 0, 0xff);
      let answer: Uint8Array | null;
      try {
        answer = (await xfr(this.bus, this.slot, block, 0, signal, bwi)).data;
      } catch (error) {
        if (!isDriverError(error, 'card-unresponsive')) throw error;
        answer = null;
      }
      step = t1ReaderStep(this.#state, answer === null ? { type: 'timeout' } : { type: 'receive', bytes: answer });
    }
  }
}

/**
 * T=0 at TPDU level: the reader handles the procedure bytes, the host
 * maps the APDU to a TPDU (ISO/IEC 7816-3 §12.2: case 2 P3 = Le, cases 3
 * and 4 P3 = Lc, Le dropped). 61XX and 6CXX come back to the session
 * layer, which chains GET RESPONSE.
 */
export function t0Link(bus: SlotBus, slot: number): CardLink {
  return {
    async transmit(apdu, signal) {
      const parsed = parseCommandApdu(apdu);
      if (!parsed.ok) throw new RangeError(`not a command APDU: ${parsed.error.message}`);
      const start = startT0Reader(parsed.value);
      if (!start.ok) throw new DriverError('not-supported', `this APDU cannot be sent at T=0 TPDU level: ${start.error.message}`);
      const header = start.value.outputs.find((o) => o.type === 'send');
      if (header?.type !== 'send') throw new DriverError('protocol-error', 'the T=0 mapping gave no header');
      return (await xfr(bus, slot, concatBytes(header.bytes, parsed.value.data), LEVEL.whole, signal)).data;
    },
  };
}

/**
 * Pick the protocol: the card's first offered protocol (ISO/IEC 7816-3
 * §8.2.3: the first TD names the default) that the caller and the reader
 * (dwProtocols bit 0 T=0, bit 1 T=1) accept.
 */
export function chooseProtocol(atr: Atr, accepted: readonly CardProtocol[], readerProtocols: number): CardProtocol | null {
  for (const t of interpretAtr(atr).protocols) {
    const name: CardProtocol | null = t === 0 ? 'T=0' : t === 1 ? 'T=1' : null;
    if (name !== null && accepted.includes(name) && (readerProtocols & (1 << t)) !== 0) return name;
  }
  return null;
}

/** abProtocolDataStructure for SetParameters from the ATR (CCID §6.1.7; ISO/IEC 7816-3 §8.3, §10.2, §11.4). */
export function parametersFromAtr(atr: Atr, protocol: CardProtocol): ProtocolParameters {
  const p = interpretAtr(atr);
  const ta1 = atr.groups[0]?.ta ?? 0x11;
  const common = { fi: ta1 >> 4, di: ta1 & 0x0f, inverseConvention: atr.convention === 'inverse', guardTime: p.n, clockStop: 'not-allowed' as const };
  if (protocol === 'T=0') return { protocol: 'T=0', ...common, wi: p.t0?.wi ?? 10 };
  const t1 = p.t1;
  return {
    protocol: 'T=1',
    ...common,
    checksum: t1?.edc ?? 'lrc',
    bwi: t1?.bwi ?? 4,
    cwi: t1?.cwi ?? 13,
    ifsc: t1 !== null && t1.ifscValid ? t1.ifsc : 32,
    nad: 0,
  };
}

/** Which link a slot needs: the exchange level decides, the protocol matters at TPDU level only. */
export function linkKind(level: ExchangeLevel, protocol: CardProtocol): 'apdu' | 't1' | 't0' {
  if (level === 'short-apdu' || level === 'extended-apdu') return 'apdu';
  if (level === 'character') throw new DriverError('not-supported', 'character-level CCID readers are not supported (libccid does not support them either)');
  return protocol === 'T=1' ? 't1' : 't0';
}

/** The largest abData of one message. */
export function maxDataOf(maxMessageLength: number): number {
  return maxMessageLength - CCID_HEADER_LENGTH;
}
