/**
 * `bifente atr <hex>`: explain an Answer-to-Reset (ISO/IEC 7816-3 §8).
 * @module
 */
import { atrToJson, explainAtr, fromHex, fromInverseConvention, parseAtr } from '../../protocol/index.js';
import { joinedPositionals, parseCommandArgs } from '../args.js';
import { EXIT, type Command, type Io } from '../command.js';
import { invalidLine, toJson } from '../format.js';

/**
 * On the line, an inverse-convention TS reads 03 when sampled as direct
 * convention (7816-3 §8.1): such input is converted to logical bytes first.
 */
const RAW_INVERSE_TS = 0x03;

export const atrCommand: Command = {
  name: 'atr',
  summary: 'explain an Answer-to-Reset: protocols, Fi/Di, T=0/T=1 parameters, TCK, historical bytes',
  usage: [
    'Usage: bifente atr <hex> [--json]',
    '',
    'The ATR as logical bytes (TS = 3B direct or 3F inverse convention), or as',
    'sampled on the line for an inverse-convention card (first byte 03), which is',
    'converted first. Exit code 1 for a malformed ATR or a wrong TCK.',
  ].join('\n'),
  run(args: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs(args, {});
    const bytes = fromHex(joinedPositionals(positionals, 'ATR hex'));
    if (!bytes.ok) {
      io.err(invalidLine('atr', bytes.error));
      return EXIT.invalid;
    }
    const raw = bytes.value[0] === RAW_INVERSE_TS;
    const parsed = parseAtr(raw ? fromInverseConvention(bytes.value) : bytes.value);
    if (!parsed.ok) {
      io.err(invalidLine('atr', parsed.error));
      return EXIT.invalid;
    }
    const json = atrToJson(parsed.value);
    if (values.json) io.out(toJson({ ...json, rawInverse: raw }));
    else io.out(`${raw ? 'Converted from the inverse convention as sampled on the line.\n' : ''}${explainAtr(parsed.value)}`);
    if (json.tck === 'invalid') {
      io.err(`bifente atr: invalid: TCK is ${json.tckByte ?? '?'} but the checksum needs ${json.tckExpected ?? '?'}\n`);
      return EXIT.invalid;
    }
    return EXIT.ok;
  },
};
