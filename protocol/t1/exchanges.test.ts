// Replays the block-level exchanges of test-vectors/protocol/t1.json against
// both state machines: each must put exactly the recorded blocks on the line.
import test from 'ava';
import { hex, toHex } from '../bytes.js';
import { loadVectors } from '../test-support.js';
import { initialT1Card, t1CardStep, type T1CardEvent, type T1CardOptions, type T1CardState } from './card.js';
import type { T1Edc } from './edc.js';
import { initialT1Reader, t1ReaderStep, type T1ReaderEvent, type T1ReaderOptions, type T1ReaderOutput } from './reader.js';

type Step = ({ reader: string } | { card: string }) & { arrives?: string | null };
interface Exchange {
  name: string;
  edc: T1Edc;
  reader?: T1ReaderOptions;
  card?: T1CardOptions;
  start: { send: string } | { negotiateIfsd: number };
  answer?: { response: string; wtx?: number; ifsc?: number };
  line: Step[];
  commands: string[];
  expect: { deliver: string } | { error: string } | { ifsd: number };
}
const { exchanges } = loadVectors<{ exchanges: Exchange[] }>('t1');

const norm = (h: string) => toHex(hex(h), ' ');
const arrived = (s: Step): string | null => (s.arrives === undefined ? ('reader' in s ? s.reader : s.card) : s.arrives);
const sent = (outs: readonly { type: string; bytes?: Uint8Array }[]): string[] =>
  outs.flatMap((o) => (o.type === 'transmit' && o.bytes !== undefined ? [toHex(o.bytes, ' ')] : []));

function outcome(outs: readonly T1ReaderOutput[]): string[] {
  return outs.flatMap((o) =>
    o.type === 'deliver' ? [`deliver ${toHex(o.apdu, ' ')}`] : o.type === 'error' ? [`error ${o.reason}`] : o.type === 'ifsd' ? [`ifsd ${o.ifsd}`] : [],
  );
}
const expected = (e: Exchange['expect']) => ('deliver' in e ? `deliver ${norm(e.deliver)}` : 'error' in e ? `error ${e.error}` : `ifsd ${e.ifsd}`);

test('t1 exchanges: the reader puts the recorded blocks on the line', (t) => {
  t.true(exchanges.length >= 15);
  for (const row of exchanges) {
    let reader = initialT1Reader({ edc: row.edc, ...row.reader });
    const first: T1ReaderEvent = 'send' in row.start ? { type: 'send', apdu: hex(row.start.send) } : { type: 'negotiate-ifsd', ifsd: row.start.negotiateIfsd };
    let r = t1ReaderStep(reader, first);
    reader = r.state;
    let pending = sent(r.outputs);
    const ends = outcome(r.outputs);
    for (const [i, step] of row.line.entries()) {
      if ('reader' in step) {
        t.deepEqual(pending, [norm(step.reader)], `${row.name}: reader block ${i}`);
        pending = [];
        // A reader block the card does not answer means a BWT timeout next
        // (an idle reader ignores it).
        const next = row.line[i + 1];
        if (next !== undefined && 'card' in next) continue;
        r = t1ReaderStep(reader, { type: 'timeout' });
      } else {
        const got = arrived(step);
        r = t1ReaderStep(reader, got === null ? { type: 'timeout' } : { type: 'receive', bytes: hex(got) });
      }
      reader = r.state;
      pending = sent(r.outputs);
      ends.push(...outcome(r.outputs));
    }
    t.deepEqual(pending, [], `${row.name}: nothing more to send`);
    t.deepEqual(ends, [expected(row.expect)], `${row.name}: outcome`);
  }
});

test('t1 exchanges: the card answers with the recorded blocks', (t) => {
  for (const row of exchanges) {
    let card: T1CardState = initialT1Card({ edc: row.edc, ...row.card });
    const commands: string[] = [];
    const feed = (event: T1CardEvent): string[] => {
      const r = t1CardStep(card, event);
      card = r.state;
      const out = sent(r.outputs);
      for (const o of r.outputs) {
        if (o.type !== 'command') continue;
        commands.push(toHex(o.apdu, ' '));
        const a = row.answer;
        if (a === undefined) throw new TypeError(`${row.name}: a command without an answer`);
        if (a.wtx !== undefined) out.push(...feed({ type: 'request-wtx', multiplier: a.wtx }));
        if (a.ifsc !== undefined) out.push(...feed({ type: 'request-ifsc', ifsc: a.ifsc }));
        out.push(...feed({ type: 'respond', apdu: hex(a.response) }));
      }
      return out;
    };
    for (const [i, step] of row.line.entries()) {
      if (!('reader' in step)) continue;
      const got = arrived(step);
      const out = got === null ? [] : feed({ type: 'receive', bytes: hex(got) });
      const next = row.line[i + 1];
      const want = next !== undefined && 'card' in next ? [norm(next.card)] : [];
      t.deepEqual(out, want, `${row.name}: card answer to reader block ${i}`);
    }
    t.deepEqual(commands, row.commands.map(norm), `${row.name}: commands the card executed`);
  }
});
