/**
 * `bifente demo`: decode a card session step by step with the codecs of
 * `protocol/` (what `npm start` runs until the home-visit day exists).
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  atrToJson,
  encodeCommandApdu,
  equalBytes,
  exchangePlan,
  hex,
  instructionName,
  caseOf,
  describeSw,
  nextStep,
  nirReport,
  parseAtr,
  parseCommandApdu,
  parseResponseApdu,
  parseTlv,
  toHex,
  type ExchangeState,
  type ResponseApdu,
} from '../../protocol/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, type Command, type Io } from '../command.js';
import { explainTlv } from './tlv.js';

/** One step of a session file (`test-vectors/sessions/schema/session.schema.json`). */
interface SessionStep {
  readonly slot: number;
  readonly kind: 'atr' | 'command' | 'response' | 'nir';
  readonly hex?: string;
  readonly text?: string;
  readonly note?: string;
}

interface Session {
  readonly description: string;
  readonly steps: readonly SessionStep[];
}

const SAMPLE = fileURLToPath(new URL('../../test-vectors/sessions/sample-session.json', import.meta.url));
const SLOT_NAMES = ['CPS', 'Vitale'];
/** Width of the `[slot n name]` column. */
const WHO = 17;
const PAD = ' '.repeat(WHO);

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

/**
 * Decode `session` step by step. Follow-up commands (GET RESPONSE after
 * 61xx, resend after 6Cxx) are checked against the APDU exchange plan.
 * Returns the text and whether every step decoded as expected.
 */
export function decodeSession(session: Session): { text: string; ok: boolean } {
  const lines: string[] = [];
  const plans = new Map<number, ExchangeState>();
  let ok = true;
  const problem = (what: string): void => {
    ok = false;
    lines.push(`${PAD}!! ${what}`);
  };
  for (const step of session.steps) {
    const who = `[slot ${step.slot} ${SLOT_NAMES[step.slot] ?? ''}]`.padEnd(WHO);
    const bytes = step.hex === undefined ? new Uint8Array(0) : hex(step.hex);
    if (step.note !== undefined) lines.push(`${who}# ${step.note}`);
    if (step.kind === 'atr') {
      const atr = parseAtr(bytes);
      lines.push(`${who}ATR ${toHex(bytes, ' ')}`);
      if (!atr.ok) problem(atr.error.message);
      else {
        const j = atrToJson(atr.value);
        lines.push(`${PAD}  ${j.protocols.join(' + ')}, ${j.convention} convention, TCK ${j.tck}, Fi=${j.fi} Di=${j.di}, historical ${j.historical}`);
      }
    } else if (step.kind === 'command') {
      const cmd = parseCommandApdu(bytes);
      lines.push(`${who}>> ${toHex(bytes, ' ')}`);
      if (!cmd.ok) {
        problem(cmd.error.message);
        continue;
      }
      const c = cmd.value;
      lines.push(`${PAD}  ${instructionName(c.ins, c.p1, c.p2) ?? 'unknown instruction'}, case ${caseOf(c)}, P1 ${toHex(new Uint8Array([c.p1]))} P2 ${toHex(new Uint8Array([c.p2]))}`);
      const pending = plans.get(step.slot);
      if (pending !== undefined && !equalBytes(encodeCommandApdu(pending.sent), bytes)) {
        problem(`the exchange plan expected ${toHex(encodeCommandApdu(pending.sent), ' ')}`);
      }
      if (pending === undefined) plans.set(step.slot, exchangePlan(c).state);
    } else if (step.kind === 'response') {
      const resp = parseResponseApdu(bytes);
      lines.push(`${who}<< ${toHex(bytes, ' ')}`);
      const state = plans.get(step.slot);
      if (!resp.ok || state === undefined) {
        problem(resp.ok ? 'a response without a command' : resp.error.message);
        continue;
      }
      const next = nextStep(state, resp.value);
      if (next.kind === 'send') {
        const d = describeSw(resp.value.sw);
        lines.push(`${PAD}  ${d.meaning}: next, ${toHex(encodeCommandApdu(next.command), ' ')}`);
        plans.set(step.slot, next.state);
      } else if (next.kind === 'done') {
        plans.delete(step.slot);
        lines.push(...describeResponse(next.response));
      } else problem(next.error.message);
    } else {
      const report = nirReport(step.text ?? '');
      lines.push(`${who}NIR ${step.text ?? ''}`);
      if (!report.valid) problem(`${report.reason}: ${report.message}`);
      else lines.push(indent(report.lines.join('\n'), `${PAD}  `));
    }
  }
  return { text: `${lines.join('\n')}\n`, ok };
}

function describeResponse(response: ResponseApdu): string[] {
    const d = describeSw(response.sw);
  const out = [`${PAD}  SW ${response.sw.toString(16).toUpperCase()} (${d.kind}): ${d.meaning}`];
  if (response.data.length > 0) {
    const tlv = parseTlv(response.data);
    if (tlv.ok) out.push(indent(explainTlv(tlv.value), `${PAD}  `));
    else out.push(`${PAD}  data ${toHex(response.data, ' ')}`);
  }
  return out;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'decode a sample bi-fente session: ATRs, the Vitale read sequence, a NIR (npm start)',
  usage: [
    'Usage: bifente demo [--session <file.json>]',
    '',
    'Decodes test-vectors/sessions/sample-session.json, or the given session file,',
    'step by step with the codecs of protocol/.',
  ].join('\n'),
  run(args: readonly string[], io: Io): number {
    const { values } = parseCommandArgs(args, { session: { type: 'string', default: SAMPLE } });
    const session = JSON.parse(readFileSync(values.session, 'utf8')) as Session;
    io.out(`${session.description}\n\n`);
    const { text, ok } = decodeSession(session);
    io.out(text);
    if (!ok) io.err('bifente demo: some steps did not decode as expected (marked !!)\n');
    return ok ? EXIT.ok : EXIT.invalid;
  },
};
