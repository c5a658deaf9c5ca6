/**
 * One line of an APDU trace (JSON lines): the shape, and how a command and
 * a response are decoded for people with protocol's APDU codecs. Bodies of
 * secret-bearing commands never enter an entry ({@link redactedHex}).
 * @module
 */
import { describeSw, instructionName, parseCommandApdu, toHex, type SwDescription } from '../../protocol/index.js';
import { carriesSecret, redactedBytes, redactedHex } from './redact.js';

/** A command APDU decoded (ISO/IEC 7816-4 §5.1); bytes as upper-case hex. */
export interface DecodedCommand {
  readonly cla: string;
  readonly ins: string;
  readonly p1: string;
  readonly p2: string;
  /** The instruction's name when ISO/IEC 7816-4 knows it. */
  readonly name?: string;
  readonly nc: number;
  /** The data field in hex, or `<redacted N bytes>`. */
  readonly data: string;
  readonly ne: number;
  readonly extended: boolean;
}

/** Card to reader, reader to card, or something that happened to the card. */
export type TraceEntry =
  | {
      readonly time: number;
      readonly direction: 'command';
      /** The whole APDU, body redacted when it carries a secret. */
      readonly hex: string;
      /** Absent when the bytes are not a well-formed APDU; `invalid` says why. */
      readonly command?: DecodedCommand;
      readonly invalid?: string;
    }
  | {
      readonly time: number;
      readonly direction: 'response';
      readonly hex: string;
      /** SW1 SW2 (ISO/IEC 7816-4 §5.6), absent for a response shorter than 2 bytes. */
      readonly sw?: string;
      readonly status?: string;
      readonly kind?: SwDescription['kind'];
      /** Milliseconds since the command, on the trace's clock. */
      readonly ms: number;
    }
  | {
      readonly time: number;
      readonly direction: 'event';
      readonly event: 'power-on' | 'reset' | 'power-off' | 'inserted' | 'removed';
      /** The ATR of a power-on or reset. */
      readonly atr?: string;
    }
  | {
      readonly time: number;
      readonly direction: 'error';
      /** The call that failed. */
      readonly call: 'transmit' | 'power-on' | 'reset' | 'power-off';
      /** The error's name and code only: a message is free text and could carry anything. */
      readonly error: string;
      readonly code?: string;
    };

/** The trace entry of a command APDU. */
export function commandEntry(time: number, command: Uint8Array): TraceEntry {
  const parsed = parseCommandApdu(command);
  const hex = redactedHex(command);
  if (!parsed.ok) return { time, direction: 'command', hex, invalid: parsed.error.reason };
  const { cla, ins, p1, p2, data, ne, extended } = parsed.value;
  const name = instructionName(ins, p1, p2);
  const byte = (b: number): string => toHex(Uint8Array.of(b));
  return {
    time,
    direction: 'command',
    hex,
    command: {
      cla: byte(cla),
      ins: byte(ins),
      p1: byte(p1),
      p2: byte(p2),
      ...(name === undefined ? {} : { name }),
      nc: data.length,
      data: carriesSecret(command) && data.length > 0 ? redactedBytes(data.length) : toHex(data),
      ne,
      extended,
    },
  };
}

/** The trace entry of a response APDU, `ms` after its command. */
export function responseEntry(time: number, response: Uint8Array, ms: number): TraceEntry {
  if (response.length < 2) return { time, direction: 'response', hex: toHex(response), ms };
  const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
  const { meaning, kind } = describeSw(sw);
  return { time, direction: 'response', hex: toHex(response), sw: toHex(response.subarray(response.length - 2)), status: meaning, kind, ms };
}

/** One JSON line (no newline) for a trace file. */
export function formatTraceLine(entry: TraceEntry): string {
  return JSON.stringify(entry);
}
