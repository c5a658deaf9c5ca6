/**
 * A simulated half-duplex line between the T=1 reader and card machines,
 * with scripted faults, for tests (not exported by the folder's index).
 *
 * Each transmission in either direction takes the next fault of the
 * script (a clean line once the script is spent). Faults model what the
 * EDC of ISO/IEC 7816-3 §11.3.4 is built to catch: a damaged block that
 * would still parse as valid gets one bit of its epilogue flipped, since
 * no block protocol can tell an undetected error from data.
 * @module
 */
import { concatBytes } from '../bytes.js';
import { parseT1Block } from './block.js';
import { initialT1Card, t1CardStep, type T1CardOptions, type T1CardOutput, type T1CardState } from './card.js';
import { initialT1Reader, t1ReaderStep, type T1ReaderError, type T1ReaderOptions, type T1ReaderOutput, type T1ReaderState } from './reader.js';

/** What happens to one transmission. */
export type LineFault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'append'; readonly bytes: Uint8Array }
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array };

/** How the simulated card's application answers a command. */
export interface CardAnswer {
  readonly response: Uint8Array;
  /** Ask for a waiting-time extension first. */
  readonly wtx?: number;
  /** Announce a new IFSC first. */
  readonly ifsc?: number;
}

/** The outcome of one exchange as the reader saw it. */
export type ExchangeOutcome = { readonly deliver: Uint8Array } | { readonly error: T1ReaderError } | { readonly ifsd: number };

/** One transmission: who sent what, and what arrived (null: lost). */
export interface LineEvent {
  readonly from: 'reader' | 'card';
  readonly sent: Uint8Array;
  readonly arrives: Uint8Array | null;
}

/** One exchange: its outcome, what the card's application was given, and traffic counts. */
export interface ExchangeReport {
  /** Null when the reader never ended the exchange (it cannot, on a line that ends). */
  readonly outcome: ExchangeOutcome | null;
  /** Every command APDU the card machine handed to its application. */
  readonly commands: readonly Uint8Array[];
  /** Every reader output, in order. */
  readonly readerOutputs: readonly T1ReaderOutput[];
  /** Every card output, in order. */
  readonly cardOutputs: readonly T1CardOutput[];
  /** Every transmission, in order. */
  readonly line: readonly LineEvent[];
}

/** A reader and a card joined by a faulty line. */
export class SimulatedLine {
  reader: T1ReaderState;
  card: T1CardState;
  private readonly faults: LineFault[];
  private readonly edc: 'lrc' | 'crc';

  constructor(
    readerOptions: T1ReaderOptions,
    cardOptions: T1CardOptions,
    private readonly answer: (command: Uint8Array) => CardAnswer,
    faults: readonly LineFault[] = [],
  ) {
    this.reader = initialT1Reader(readerOptions);
    this.card = initialT1Card(cardOptions);
    this.edc = this.reader.link.edc;
    this.faults = [...faults];
  }

  /** Drop the faults not yet used: a clean line from now on. */
  heal(): void {
    this.faults.length = 0;
  }

  /** Apply the next fault; null when the transmission is lost. */
  private carry(bytes: Uint8Array): Uint8Array | null {
    const fault = this.faults.shift() ?? { kind: 'pass' };
    let out: Uint8Array;
    switch (fault.kind) {
      case 'pass':
        return bytes;
      case 'drop':
        return null;
      case 'flip':
        out = bytes.slice();
        out[fault.at % out.length]! ^= 1 << (fault.bit & 7);
        break;
      case 'truncate':
        out = bytes.slice(0, fault.keep % bytes.length);
        break;
      case 'append':
        out = concatBytes(bytes, fault.bytes);
        break;
      case 'garbage':
        out = fault.bytes.slice();
        break;
    }
    if (out.length > 0 && parseT1Block(out, { edc: this.edc }).ok) out[out.length - 1]! ^= 1;
    return out;
  }

  /** The card's turn: its reply to `bytes`, if any. */
  private cardTurn(bytes: Uint8Array, report: { commands: Uint8Array[]; cardOutputs: T1CardOutput[] }): Uint8Array | null {
    const pending = [...this.runCard({ type: 'receive', bytes }, report)];
    let reply: Uint8Array | null = null;
    for (const o of pending) {
      if (o.type !== 'transmit') continue;
      if (reply !== null) throw new Error('the card sent two blocks in one turn');
      reply = o.bytes;
    }
    return reply;
  }

  private *runCard(event: Parameters<typeof t1CardStep>[1], report: { commands: Uint8Array[]; cardOutputs: T1CardOutput[] }): Generator<T1CardOutput> {
    const t = t1CardStep(this.card, event);
    this.card = t.state;
    for (const o of t.outputs) {
      report.cardOutputs.push(o);
      yield o;
      if (o.type !== 'command') continue;
      report.commands.push(o.apdu);
      const a = this.answer(o.apdu);
      if (a.wtx !== undefined) yield* this.runCard({ type: 'request-wtx', multiplier: a.wtx }, report);
      else if (a.ifsc !== undefined) yield* this.runCard({ type: 'request-ifsc', ifsc: a.ifsc }, report);
      yield* this.runCard({ type: 'respond', apdu: a.response }, report);
    }
  }

  /** True while the reader is in an exchange. */
  busy(): boolean {
    return this.reader.phase !== 'idle' && this.reader.phase !== 'dead';
  }

  /** Run one reader event to the end of its exchange (at most `maxTurns` transmissions). */
  run(event: Parameters<typeof t1ReaderStep>[1], maxTurns = 10_000): ExchangeReport {
    const report = { commands: [] as Uint8Array[], cardOutputs: [] as T1CardOutput[], readerOutputs: [] as T1ReaderOutput[], line: [] as LineEvent[] };
    let outcome: ExchangeOutcome | null = null;
    const readerTurn = (e: Parameters<typeof t1ReaderStep>[1]): Uint8Array | null => {
      const t = t1ReaderStep(this.reader, e);
      this.reader = t.state;
      let sent: Uint8Array | null = null;
      for (const o of t.outputs) {
        report.readerOutputs.push(o);
        if (o.type === 'transmit') {
          if (sent !== null) throw new Error('the reader sent two blocks in one turn');
          sent = o.bytes;
        } else if (o.type !== 'wtx') {
          if (outcome !== null) throw new Error('the exchange ended twice');
          outcome = o.type === 'deliver' ? { deliver: o.apdu } : o.type === 'error' ? { error: o.reason } : { ifsd: o.ifsd };
        }
      }
      return sent;
    };
    let toCard = readerTurn(event);
    while (toCard !== null) {
      if (report.line.length > maxTurns) throw new Error('the exchange does not end');
      const atCard = this.carry(toCard);
      report.line.push({ from: 'reader', sent: toCard, arrives: atCard });
      const reply = atCard === null ? null : this.cardTurn(atCard, report);
      const atReader = reply === null ? null : this.carry(reply);
      if (reply !== null) report.line.push({ from: 'card', sent: reply, arrives: atReader });
      if (!this.busy()) break;
      toCard = readerTurn(atReader === null ? { type: 'timeout' } : { type: 'receive', bytes: atReader });
      if (toCard === null && this.busy()) throw new Error('the reader waits without sending');
    }
    return { outcome, ...report };
  }
}
