// Every well-formed ATR of pcsc-tools' smartcard_list.txt parses and
// re-encodes byte for byte; the ones refused are genuinely malformed.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { hex, toHex } from '../bytes.js';
import { encodeAtr, parseAtr } from './atr.js';
import { interpretAtr } from './parameters.js';

const LIST = '/usr/share/pcsc/smartcard_list.txt';
const present = existsSync(LIST);
const HEX_ATR = /^[0-9A-F]{2}( [0-9A-F]{2})*$/;

/**
 * Why an ATR of the list may be refused: T0 announces more historical bytes
 * than follow (`truncated`), or bytes follow the end the structure gives,
 * such as a TCK on a T=0-only ATR (`trailing-bytes`).
 */
const EXPECTED_REJECTIONS = new Set(['truncated', 'trailing-bytes']);

/** The ATR length its T0 and TDi bytes declare, counted apart from parseAtr (ISO/IEC 7816-3 §8.2). */
function declaredLength(bytes: Uint8Array): { withoutTck: number; tck: boolean } {
  const t0 = bytes[1] ?? 0;
  let y = t0 >> 4;
  let at = 2;
  let tck = false;
  for (;;) {
    at += (y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1);
    const td = bytes[at];
    if ((y & 8) === 0 || td === undefined) break;
    tck ||= (td & 0x0f) !== 0;
    y = td >> 4;
    at++;
  }
  return { withoutTck: at + (t0 & 0x0f), tck };
}

interface Census {
  total: number;
  patterns: number;
  parsed: number;
  rejected: Map<string, string[]>;
  tckInvalid: number;
  tckMissing: number;
  mismatched: string[];
}

function census(text: string): Census {
  const c: Census = { total: 0, patterns: 0, parsed: 0, rejected: new Map(), tckInvalid: 0, tckMissing: 0, mismatched: [] };
  for (const line of text.split('\n')) {
    // ATR lines start in column 0; descriptions start with a tab; # comments.
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('\t')) continue;
    c.total++;
    const atr = line.trim();
    if (!HEX_ATR.test(atr)) {
      c.patterns++; // ".." wildcards, [..] classes and other regular expressions
      continue;
    }
    const r = parseAtr(hex(atr));
    if (!r.ok) {
      const list = c.rejected.get(r.error.reason) ?? [];
      list.push(atr);
      c.rejected.set(r.error.reason, list);
      continue;
    }
    c.parsed++;
    if (toHex(encodeAtr(r.value), ' ') !== atr) c.mismatched.push(atr);
    const p = interpretAtr(r.value);
    if (p.tck === 'invalid') c.tckInvalid++;
    if (p.tck === 'absent' && p.tckRequired) c.tckMissing++;
  }
  return c;
}

if (present) {
  const c = census(readFileSync(LIST, 'utf8'));

  test('smartcard_list.txt: every well-formed ATR parses and round-trips byte for byte', (t) => {
    const rejected = [...c.rejected.values()].reduce((n, l) => n + l.length, 0);
    t.log(`total ${c.total}, patterns skipped ${c.patterns}, parsed ${c.parsed}, rejected ${rejected} ` +
      `(${[...c.rejected].map(([k, v]) => `${k} ${v.length}`).join(', ')}), TCK invalid ${c.tckInvalid}, TCK missing ${c.tckMissing}`);
    t.true(c.total > 3000, 'the list was read');
    t.is(c.patterns + c.parsed + rejected, c.total);
    t.deepEqual(c.mismatched, []);
    // Rejections are a small minority (54 of 3,803 in pcsc-tools 1.6.2's list).
    t.true(rejected * 20 < c.parsed);
  });

  test('smartcard_list.txt: each refused ATR is genuinely malformed', (t) => {
    for (const [reason, atrs] of c.rejected) {
      t.true(EXPECTED_REJECTIONS.has(reason), `unexpected reason ${reason}: ${atrs.slice(0, 3).join(' / ')}`);
      for (const atr of atrs) {
        // Checked apart from the parser: the length T0 and the TDi declare.
        const bytes = hex(atr);
        const { withoutTck, tck } = declaredLength(bytes);
        if (reason === 'truncated') t.true(bytes.length < withoutTck, `${atr} is short`);
        else t.true(bytes.length > withoutTck + (tck ? 1 : 0), `${atr} is long`);
      }
    }
  });
} else {
  test.skip(`smartcard_list.txt: ${LIST} is absent (install pcsc-tools to run this test)`, () => {});
}
