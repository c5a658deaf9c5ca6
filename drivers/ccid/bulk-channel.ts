/**
 * One CCID device's bulk pipes: a command out, its answer in (USB CCID
 * Rev 1.1 §6.1, §6.2). Commands are serialised (one outstanding message
 * per device, like libccid), bSeq is checked, time extension replies
 * (bmCommandStatus 2, §6.2.6) extend the wait, failed commands become
 * DriverErrors.
 * @module
 */
import {
  CCID_HEADER_LENGTH,
  CCID_MAX_DATA_LENGTH,
  describeSlotError,
  encodeCcidCommand,
  parseCcidResponse,
  parseCcidResponsePrefix,
  RDR_TO_PC,
  type CcidCommand,
  type CcidResponse,
  type CcidResponseType,
} from '../../protocol/index.js';
import { DriverError, type DriverErrorCode } from '../core/errors.js';
import { fromUsbError, type UsbDeviceLike } from './usb-api.js';

/** Distributes `Omit` over a union, so that each command keeps its own fields. */
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** A bulk-out command before the channel numbers it. */
export type UnnumberedCommand = WithoutSeq<CcidCommand>;

/** Which answer each command gets (CCID table 6.1-1). */
const ANSWER: Readonly<Record<CcidCommand['type'], CcidResponseType>> = {
  'icc-power-on': 'data-block',
  'xfr-block': 'data-block',
  secure: 'data-block',
  'icc-power-off': 'slot-status',
  'get-slot-status': 'slot-status',
  'icc-clock': 'slot-status',
  't0-apdu': 'slot-status',
  mechanical: 'slot-status',
  abort: 'slot-status',
  'get-parameters': 'parameters',
  'reset-parameters': 'parameters',
  'set-parameters': 'parameters',
  escape: 'escape',
  'set-data-rate-and-clock-frequency': 'data-rate-and-clock-frequency',
};

/** Options of one exchange. */
export interface ExchangeOptions {
  /** How long to wait for the answer (each time extension restarts the wait, times bError). */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Options of a channel. */
export interface BulkChannelOptions {
  readonly bulkIn: number;
  readonly bulkOut: number;
  /** dwMaxCCIDMessageLength: the largest message either way. */
  readonly maxMessageLength: number;
  /** Called on each time extension reply with its bError (the BWT multiplier). */
  readonly onTimeExtension?: (slot: number, multiplier: number) => void;
}

/** A failed command as a DriverError with plain words (CCID table 6.2-2). */
export function slotError(response: CcidResponse, what: string): DriverError {
  const e = describeSlotError(response.error);
  const absent = response.iccStatus === 'absent';
  let code: DriverErrorCode;
  let words: string;
  if (e.name === 'ICC_MUTE' && absent) {
    code = what === 'power on' ? 'no-card' : 'card-removed';
    words = what === 'power on' ? 'no card in the slot' : 'the card was removed';
  } else if (e.name === 'ICC_MUTE' || e.name === 'BAD_ATR_TS' || e.name === 'BAD_ATR_TCK' || e.name === 'XFR_PARITY_ERROR' || e.name === 'HW_ERROR') {
    code = 'card-unresponsive';
    words = `the card did not answer properly (${e.meaning})`;
  } else if (e.name === 'PIN_CANCELLED') {
    code = 'canceled';
    words = 'the PIN entry was cancelled on the reader\'s keypad';
  } else if (e.name === 'PIN_TIMEOUT') {
    code = 'timeout';
    words = 'nobody typed the PIN on the reader\'s keypad in time';
  } else if (e.kind === 'command-not-supported') {
    code = 'not-supported';
    words = 'the reader does not support this command';
  } else if (e.name === 'CMD_SLOT_BUSY') {
    code = 'sharing-violation';
    words = 'another command is running on this slot';
  } else {
    code = 'transport-error';
    words = e.meaning;
  }
  return new DriverError(code, `${what} on slot ${response.slot}: ${words} (bError ${e.name} ${response.error.toString(16).padStart(2, '0')}h)`);
}

function abortError(what: string, signal: AbortSignal): DriverError {
  return new DriverError('canceled', `${what}: canceled by the caller`, { cause: signal.reason });
}

/** The bulk pipes of one CCID interface. */
export class BulkChannel {
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** bSeq of commands whose caller stopped waiting: their late answers are dropped. */
  readonly #abandoned = new Set<number>();
  #closed: DriverError | null = null;

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly options: BulkChannelOptions,
  ) {}

  /** Reject every later exchange with `reason` (the queued ones included). */
  close(reason: DriverError): void {
    this.#closed ??= reason;
  }

  /**
   * Send `command` with the next bSeq and wait for its answer. Resolves
   * with a successful answer of the expected type; rejects with a
   * DriverError otherwise (`protocol-error` for a wrong bSeq, slot, type
   * or length, the slot error's code for a failed command, `timeout`,
   * `canceled`, `reader-gone`).
   */
  exchange(command: UnnumberedCommand, what: string, options: ExchangeOptions): Promise<CcidResponse> {
    const run = this.#queue.then(() => this.#exchangeNow(command, what, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #exchangeNow(command: UnnumberedCommand, what: string, options: ExchangeOptions): Promise<CcidResponse> {
    if (this.#closed !== null) throw this.#closed;
    if (options.signal?.aborted === true) throw abortError(what, options.signal);
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    this.#abandoned.delete(seq);
    const bytes = encodeCcidCommand({ ...command, seq } as CcidCommand);
    if (bytes.length > this.options.maxMessageLength) {
      throw new DriverError('not-supported', `${what}: a ${bytes.length}-byte message exceeds the reader's dwMaxCCIDMessageLength ${this.options.maxMessageLength}`);
    }
    try {
      const written = await this.device.transferOut(this.options.bulkOut, bytes, options.timeoutMs);
      if (written.status !== 'ok' || written.bytesWritten !== bytes.length) {
        throw new DriverError('protocol-error', `${what}: the reader took ${written.bytesWritten} of ${bytes.length} bytes (${written.status})`);
      }
    } catch (error) {
      throw fromUsbError(error, what);
    }
    const answer = this.#readAnswer(command.slot, seq, ANSWER[command.type], what, options.timeoutMs);
    const signal = options.signal;
    if (signal === undefined) return answer;
    // The caller may stop waiting; the pipe still has to take the answer, which is then dropped.
    return new Promise<CcidResponse>((resolve, reject) => {
      const onAbort = () => {
        this.#abandoned.add(seq);
        reject(abortError(what, signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #readAnswer(slot: number, seq: number, expected: CcidResponseType, what: string, timeoutMs: number): Promise<CcidResponse> {
    let wait = timeoutMs;
    for (;;) {
      const response = await this.#readMessage(what, wait);
      if (response.seq !== seq && this.#abandoned.delete(response.seq)) continue;
      if (response.seq !== seq || response.slot !== slot) {
        throw new DriverError('protocol-error', `${what}: the reader answered bSeq ${response.seq} slot ${response.slot}, expected bSeq ${seq} slot ${slot}`);
      }
      if (response.commandStatus === 'time-extension') {
        this.options.onTimeExtension?.(slot, response.error);
        wait = timeoutMs * Math.max(1, response.error);
        continue;
      }
      if (response.commandStatus === 'failed') throw slotError(response, what);
      if (response.type !== expected) {
        throw new DriverError('protocol-error', `${what}: the reader answered ${response.type} (${RDR_TO_PC[response.type].toString(16)}h), expected ${expected}`);
      }
      return response;
    }
  }

  /** One bulk-in message, reassembled from several transfers when it is longer than one transfer. */
  async #readMessage(what: string, timeoutMs: number): Promise<CcidResponse> {
    let bytes = new Uint8Array(0);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#closed !== null) throw this.#closed;
      const left = Math.max(1, deadline - Date.now());
      let chunk: Uint8Array;
      try {
        const result = await this.device.transferIn(this.options.bulkIn, this.options.maxMessageLength, left);
        if (result.status !== 'ok' || result.data === undefined) throw new DriverError('protocol-error', `${what}: the reader stalled its bulk-in pipe`);
        chunk = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
      } catch (error) {
        throw fromUsbError(error, what);
      }
      const joined = new Uint8Array(bytes.length + chunk.length);
      joined.set(bytes);
      joined.set(chunk, bytes.length);
      bytes = joined;
      const prefix = parseCcidResponsePrefix(bytes);
      // A transfer shorter than asked for ends the message (USB 2.0 §5.8.3: a short packet); only a full one may continue.
      const full = chunk.length >= this.options.maxMessageLength;
      if (!prefix.ok && prefix.error.reason === 'truncated' && full && bytes.length < CCID_HEADER_LENGTH + CCID_MAX_DATA_LENGTH) continue;
      const whole = parseCcidResponse(bytes);
      if (!whole.ok) throw new DriverError('protocol-error', `${what}: the reader's answer is not a CCID message (${whole.error.reason}: ${whole.error.message})`);
      return whole.value;
    }
  }
}
