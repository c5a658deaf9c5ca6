// Differential test against pcsc-tools' ATR_analysis, the reference people
// use to read ATRs: for every ATR of the vector file and a sample of
// smartcard_list.txt, our decoding and ATR_analysis's agree on protocols,
// TCK, historical bytes, Fi/Di, N, IFSC, BWI/CWI and the specific mode.
// Runs where pcsc-tools is installed (.ci/run installs it).
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { hex } from '../bytes.js';
import { loadVectors } from '../test-support.js';
import { atrToJson, type AtrJson } from './atr-json.js';
import { parseAtr } from './atr.js';

const TOOL = '/usr/bin/ATR_analysis';
const LIST = '/usr/share/pcsc/smartcard_list.txt';
const run = promisify(execFile);
/** Every n-th well-formed ATR of the list joins the vectors. */
const LIST_STRIDE = 40;

/** What ATR_analysis says, in our JSON's terms; undefined where it says nothing. */
interface Reference {
  protocols: string[];
  tck: AtrJson['tck'];
  historical: string;
  fi?: number | null;
  di?: number | null;
  n?: number;
  ifsc?: number;
  bwi?: number;
  cwi?: number;
  specificMode: string | null;
}

function readReference(text: string): Reference {
  const out = text.replace(/\x1b\[[0-9;]*m/g, '');
  const protocols: string[] = [];
  for (const m of out.matchAll(/Protocol T = (\d+)/g)) {
    const p = `T=${m[1]}`;
    if (p !== 'T=15' && !protocols.includes(p)) protocols.push(p);
  }
  // "TCK = 0E (correct checksum)" or "TCK = 00 WRONG CHECKSUM, expected 0F".
  const tck = /TCK = .. (\(correct checksum\)|WRONG CHECKSUM)/.exec(out);
  const ref: Reference = {
    protocols: protocols.length === 0 ? ['T=0'] : protocols,
    tck: tck === null ? 'absent' : tck[1] === '(correct checksum)' ? 'valid' : 'invalid',
    historical: /Historical bytes: (.*)/.exec(out)?.[1]?.trim() ?? '',
    specificMode: /Protocol to be used in spec mode: (T=\d+)/.exec(out)?.[1] ?? null,
  };
  const fiDi = /TA\(1\) = .. --> Fi=(\w+), Di=(\w+)/.exec(out);
  if (fiDi !== null) {
    ref.fi = fiDi[1] === 'RFU' ? null : Number(fiDi[1]);
    ref.di = fiDi[2] === 'RFU' ? null : Number(fiDi[2]);
  }
  const n = /Extra guard time: (\d+)/.exec(out);
  if (n !== null) ref.n = Number(n[1]);
  const ifsc = /IFSC: (\d+)/.exec(out);
  if (ifsc !== null) ref.ifsc = Number(ifsc[1]);
  const wi = /Block Waiting Integer: (\d+) - Character Waiting Integer: (\d+)/.exec(out);
  if (wi !== null) {
    ref.bwi = Number(wi[1]);
    ref.cwi = Number(wi[2]);
  }
  return ref;
}

function ours(json: AtrJson, ref: Reference): Reference {
  const mine: Reference = {
    protocols: [...json.protocols],
    tck: json.tck,
    historical: json.historical,
    specificMode: json.specificMode?.protocol ?? null,
  };
  if ('fi' in ref) mine.fi = json.fi;
  if ('di' in ref) mine.di = json.di;
  if (ref.n !== undefined) mine.n = json.n;
  if (ref.ifsc !== undefined && json.ifsc !== null) mine.ifsc = json.ifsc;
  if (ref.bwi !== undefined && json.bwi !== null) mine.bwi = json.bwi;
  if (ref.cwi !== undefined && json.cwi !== null) mine.cwi = json.cwi;
  return mine;
}

function sampleOfList(): string[] {
  if (!existsSync(LIST)) return [];
  const atrs = readFileSync(LIST, 'utf8')
    .split('\n')
    .filter((l) => /^[0-9A-F]{2}( [0-9A-F]{2})*$/.test(l.trim()) && !l.startsWith('\t'))
    .map((l) => l.trim())
    .filter((a) => parseAtr(hex(a)).ok);
  return atrs.filter((_, i) => i % LIST_STRIDE === 0);
}

const available = existsSync(TOOL);
const declare = available ? test : test.skip;

declare(`our ATR decoding agrees with pcsc-tools' ATR_analysis${available ? '' : ' (skipped: install pcsc-tools)'}`, async (t) => {
  const vectors = loadVectors<{ atrs: { atr: string }[] }>('atr').atrs.map((r) => r.atr);
  const atrs = [...new Set([...vectors, ...sampleOfList()])];
  t.true(atrs.length >= 100, `${atrs.length} ATRs compared`);
  const disagreements: string[] = [];
  // Two at a time: the machine has two cores and ATR_analysis is a Perl script.
  for (let i = 0; i < atrs.length; i += 2) {
    await Promise.all(
      atrs.slice(i, i + 2).map(async (atr) => {
        const parsed = parseAtr(hex(atr));
        if (!parsed.ok) {
          disagreements.push(`${atr}: we refuse it (${parsed.error.reason})`);
          return;
        }
        const { stdout } = await run(TOOL, [atr], { timeout: 20_000 });
        const ref = readReference(stdout);
        const mine = ours(atrToJson(parsed.value), ref);
        if (JSON.stringify(mine) !== JSON.stringify(ref)) {
          disagreements.push(`${atr}: ours ${JSON.stringify(mine)} vs ATR_analysis ${JSON.stringify(ref)}`);
        }
      }),
    );
  }
  t.deepEqual(disagreements, []);
});
