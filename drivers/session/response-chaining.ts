/**
 * GET RESPONSE on 61XX and the resend with the right Le on 6CXX
 * (ISO/IEC 7816-4 §5.1.3, §5.6), as a decorator over any
 * {@link ReaderPort} (STYLE.md "Drivers", after apdu4j's GetResponseWrapper
 * idea): the pure plan of `protocol/` (`exchangePlan` / `nextStep`) says
 * what to send, this module only moves the bytes.
 * @module
 */
import {
  encodeCommandApdu,
  encodeResponseApdu,
  exchangePlan,
  nextStep,
  parseCommandApdu,
  type ExchangeOptions,
  type ResponseApdu,
} from '../../protocol/index.js';
import { DriverError } from '../core/errors.js';
import type { ReaderPort, TransmitOptions } from '../core/transport.js';

/**
 * The card's answer as a response APDU, or a `protocol-error` when it is
 * shorter than SW1 SW2 (ISO/IEC 7816-4 §5.1: every response ends with them).
 */
export function responseOf(reader: string, bytes: Uint8Array): ResponseApdu {
  const n = bytes.length;
  if (n < 2) throw new DriverError('protocol-error', `the card in ${reader} answered ${n} byte(s), fewer than the two status bytes SW1 SW2`);
  // A view, not a copy: the bytes are the transport's answer to this call alone.
  return { data: bytes.subarray(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

/**
 * `port` with GET RESPONSE / 6CXX chaining done on the host: `transmit`
 * returns the whole response (all data, the last SW) and the result says
 * `chainsResponses: true`. A port that already chains is returned as it
 * is. Bytes that do not parse as a command APDU go out unchanged, once.
 * A card that keeps answering 61XX past `options.maxRounds` (default
 * 256) ends with a `protocol-error`.
 */
export function chainResponses(port: ReaderPort, options: ExchangeOptions = {}): ReaderPort {
  if (port.chainsResponses) return port;
  const transmit = async (command: Uint8Array, transmitOptions?: TransmitOptions): Promise<Uint8Array> => {
    const first = await port.transmit(command, transmitOptions);
    const s1 = first.length >= 2 ? first[first.length - 2] : undefined;
    // Most answers end the exchange: no plan is built for them.
    if (s1 !== 0x61 && s1 !== 0x6c) return first;
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) return first;
    let step = exchangePlan(parsed.value, options);
    let next = nextStep(step.state, responseOf(port.reader, first));
    for (;;) {
      if (next.kind === 'done') return encodeResponseApdu(next.response);
      if (next.kind === 'error') throw new DriverError('protocol-error', `the card in ${port.reader} kept asking for GET RESPONSE: ${next.error.message}`);
      step = next;
      const answer = await port.transmit(encodeCommandApdu(next.command), transmitOptions);
      next = nextStep(step.state, responseOf(port.reader, answer));
    }
  };
  return {
    get reader() {
      return port.reader;
    },
    get atr() {
      return port.atr;
    },
    get protocol() {
      return port.protocol;
    },
    chainsResponses: true,
    transmit,
    reset: (kind) => port.reset(kind),
    beginTransaction: () => port.beginTransaction(),
    endTransaction: (disposition) => port.endTransaction(disposition),
    close: (disposition) => port.close(disposition),
  };
}
