/**
 * `bifente apdu <hex>`: explain a command or response APDU.
 * @module
 */
import {
  caseOf,
  decodeCla,
  describeSw,
  fromHex,
  instructionName,
  parseCommandApdu,
  parseResponseApdu,
  type ClaInfo,
  type CommandApdu,
  type ResponseApdu,
} from '../../protocol/index.js';
import { joinedPositionals, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { byteHex, hexAndText, invalidLine, toJson } from '../format.js';

function claText(info: ClaInfo): string {
  if (info.kind !== 'interindustry') return info.kind;
  const sm = info.secureMessaging === 'none' ? 'no secure messaging' : `secure messaging (${info.secureMessaging})`;
  return `interindustry, channel ${info.channel}, ${sm}${info.chaining ? ', chained: more commands follow' : ''}`;
}

/** The explanation of a command APDU, one field a line. */
export function explainCommand(apdu: CommandApdu): string {
  const lines = [
    `Command APDU, case ${caseOf(apdu)}${apdu.extended ? ' (extended lengths)' : ''}`,
    `  CLA ${byteHex(apdu.cla)}  ${claText(decodeCla(apdu.cla))}`,
    `  INS ${byteHex(apdu.ins)}  ${instructionName(apdu.ins, apdu.p1, apdu.p2) ?? 'not an ISO/IEC 7816-4 instruction'}`,
    `  P1  ${byteHex(apdu.p1)}  P2 ${byteHex(apdu.p2)}`,
  ];
  if (apdu.data.length > 0) lines.push(`  Nc  ${apdu.data.length}  data: ${hexAndText(apdu.data)}`);
  lines.push(`  Ne  ${apdu.ne === 0 ? '0 (no Le field: no data expected)' : apdu.ne}`);
  return `${lines.join('\n')}\n`;
}

/** The explanation of a response APDU. */
export function explainResponse(response: ResponseApdu): string {
  const d = describeSw(response.sw);
  const sw = response.sw.toString(16).toUpperCase().padStart(4, '0');
  const lines = ['Response APDU'];
  if (response.data.length > 0) lines.push(`  data (${response.data.length} bytes): ${hexAndText(response.data)}`);
  lines.push(`  SW  ${sw}  ${d.kind}: ${d.meaning}`);
  return `${lines.join('\n')}\n`;
}

function commandJson(apdu: CommandApdu): object {
  return {
    type: 'command',
    case: caseOf(apdu),
    cla: byteHex(apdu.cla),
    ins: byteHex(apdu.ins),
    p1: byteHex(apdu.p1),
    p2: byteHex(apdu.p2),
    name: instructionName(apdu.ins, apdu.p1, apdu.p2) ?? null,
    claInfo: decodeCla(apdu.cla),
    nc: apdu.data.length,
    data: apdu.data,
    ne: apdu.ne,
    extended: apdu.extended,
  };
}

function responseJson(response: ResponseApdu): object {
  const { sw, ...meaning } = describeSw(response.sw);
  return { type: 'response', data: response.data, sw: sw.toString(16).toUpperCase().padStart(4, '0'), ...meaning };
}

export const apduCommand: Command = {
  name: 'apdu',
  summary: 'explain a command or response APDU (ISO/IEC 7816-4)',
  usage: [
    'Usage: bifente apdu <hex> [--command | --response] [--json]',
    '',
    'Without --command or --response, the bytes are read as a command APDU when',
    'they are one, else as a response APDU (data then SW1 SW2).',
  ].join('\n'),
  run(args: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs(args, {
      command: { type: 'boolean', default: false },
      response: { type: 'boolean', default: false },
    });
    if (values.command && values.response) throw new UsageError('--command and --response exclude each other');
    const bytes = fromHex(joinedPositionals(positionals, 'APDU hex'));
    if (!bytes.ok) {
      io.err(invalidLine('apdu', bytes.error));
      return EXIT.invalid;
    }
    if (!values.response) {
      const cmd = parseCommandApdu(bytes.value);
      if (cmd.ok) {
        io.out(values.json ? toJson(commandJson(cmd.value)) : explainCommand(cmd.value));
        return EXIT.ok;
      }
      if (values.command) {
        io.err(invalidLine('apdu', cmd.error));
        return EXIT.invalid;
      }
    }
    const resp = parseResponseApdu(bytes.value);
    if (!resp.ok) {
      io.err(invalidLine('apdu', resp.error));
      return EXIT.invalid;
    }
    io.out(values.json ? toJson(responseJson(resp.value)) : explainResponse(resp.value));
    return EXIT.ok;
  },
};
