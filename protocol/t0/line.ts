/**
 * Test-only: a simulated line joining a reader machine and a card machine,
 * with the card's command handler as a plain function. Not exported by the
 * folder's index.
 * @module
 */
import type { CommandApdu, ResponseApdu } from '../apdu/index.js';
import { toHex } from '../bytes.js';
import { startT0Card, stepT0Card, type T0CardOptions, type T0CardOutput } from './t0-card.js';
import { startT0Reader, stepT0Reader, type T0ReaderOutput } from './t0-reader.js';

/** What happened on the line. */
export interface LineRun {
  /** The reader's terminal output (done or error), if any. */
  readonly end: T0ReaderOutput | undefined;
  /** Commands the card machine assembled. */
  readonly seen: CommandApdu[];
  /** Card-side error outputs. */
  readonly cardErrors: T0CardOutput[];
  /** Line chunks in order, `R:` from the reader, `C:` from the card. */
  readonly transcript: string[];
}

/** Run `command` from a reader machine to a card machine answering with `handler`. */
export function runLine(command: CommandApdu, handler: (c: CommandApdu) => ResponseApdu, card: T0CardOptions = {}, busy = 0): LineRun {
  const started = startT0Reader(command);
  if (!started.ok) return { end: { type: 'error', error: started.error }, seen: [], cardErrors: [], transcript: [] };
  let reader = started.value.state;
  let cardState = startT0Card(card);
  const seen: CommandApdu[] = [];
  const cardErrors: T0CardOutput[] = [];
  const transcript: string[] = [];
  let end: T0ReaderOutput | undefined;
  const toCard: Uint8Array[] = [];
  const fromReader = (outs: readonly T0ReaderOutput[]) => {
    for (const o of outs) {
      if (o.type === 'send') {
        transcript.push(`R:${toHex(o.bytes, ' ')}`);
        toCard.push(o.bytes);
      } else end = o;
    }
  };
  fromReader(started.value.outputs);
  for (let guard = 0; toCard.length > 0 && guard < 10_000; guard++) {
    let outs = stepT0Card(cardState, { type: 'received', bytes: toCard.shift()! });
    const cardOutputs: T0CardOutput[] = [];
    for (;;) {
      cardState = outs.state;
      cardOutputs.push(...outs.outputs.filter((o) => o.type !== 'apdu'));
      const apdu = outs.outputs.find((o) => o.type === 'apdu');
      if (apdu === undefined) break;
      seen.push(apdu.command);
      for (let i = 0; i < busy; i++) {
        const b = stepT0Card(cardState, { type: 'busy' });
        cardState = b.state;
        cardOutputs.push(...b.outputs);
      }
      outs = stepT0Card(cardState, { type: 'response', response: handler(apdu.command) });
    }
    for (const o of cardOutputs) {
      if (o.type !== 'send') {
        cardErrors.push(o);
        continue;
      }
      transcript.push(`C:${toHex(o.bytes, ' ')}`);
      const r = stepT0Reader(reader, { type: 'received', bytes: o.bytes });
      reader = r.state;
      fromReader(r.outputs);
    }
  }
  return { end, seen, cardErrors, transcript };
}
