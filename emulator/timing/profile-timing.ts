/**
 * How long a real card takes to answer: the bytes on the line at the
 * chosen rate (ISO/IEC 7816-3 §7 character frame, §10 T=0, §11 T=1) plus
 * a per-command processing time from the profile's data (DOMAIN.md
 * "Physical limits": about 250 ms for a CPS signature, 30 ms for VERIFY).
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandApdu, toHex } from '../../protocol/index.js';

/** The transmission protocol the timing model frames bytes for. */
export type TimingProtocol = 'T=0' | 'T=1';

/**
 * A profile's timing data (JSON in the profile, this shape).
 * `perCommand` keys are upper-case hex: an INS (`"20"`) or INS P1 P2
 * (`"2A9E9A"`); the longer key wins. `default` applies to every other
 * command. Times in milliseconds.
 */
export interface ProfileTiming {
  /** Line rate in bits a second (1/etu), for example 9600 or 115200. */
  readonly baud: number;
  readonly protocol: TimingProtocol;
  readonly perCommand: Readonly<Record<string, number>>;
  readonly default: number;
}

/**
 * Elementary time units a character takes. ISO/IEC 7816-3 §7.2: a
 * character is 10 etu (start bit, 8 data bits, parity bit); the guard time
 * after it is at least 2 etu in T=0 (12 etu a character) and 1 etu with
 * the minimal character guard time of T=1 (11 etu a character).
 */
export const ETU_PER_BYTE: Readonly<Record<TimingProtocol, number>> = { 'T=0': 12, 'T=1': 11 };

/** ISO/IEC 7816-3 §8.1: the ATR always comes at the default rate, Fd = 372 / Dd = 1 at 3.57 MHz. */
export const ATR_BAUD = 9600;

/** T=1 block framing (§11.3): NAD, PCB, LEN before, one LRC byte after. */
const T1_BLOCK_OVERHEAD = 4;

/** Check a timing object given through the API; throws RangeError naming the field. */
export function checkProfileTiming(timing: ProfileTiming): ProfileTiming {
  if (!(Number.isFinite(timing.baud) && timing.baud > 0)) throw new RangeError('timing.baud must be a positive number');
  if (timing.protocol !== 'T=0' && timing.protocol !== 'T=1') throw new RangeError('timing.protocol must be "T=0" or "T=1"');
  if (!(timing.default >= 0)) throw new RangeError('timing.default must be a time >= 0 ms');
  for (const [key, ms] of Object.entries(timing.perCommand)) {
    if (!/^[0-9A-F]{2}([0-9A-F]{4})?$/.test(key)) throw new RangeError(`timing.perCommand key "${key}" must be INS or INS P1 P2 in upper-case hex`);
    if (!(ms >= 0)) throw new RangeError(`timing.perCommand["${key}"] must be a time >= 0 ms`);
  }
  return timing;
}

/** The profiles that ship timing data (`test-vectors/cards/timing/<name>.json`, OURS). */
export type TimedProfile = 'cps3' | 'vitale-1' | 'vitale-2';

/** Read and check a timing file (`$schema` and `description` are ignored); throws RangeError or SyntaxError naming the problem. */
export function loadTimingFile(path: string): ProfileTiming {
  const { baud, protocol, perCommand, default: fallback } = JSON.parse(readFileSync(path, 'utf8')) as ProfileTiming;
  return checkProfileTiming({ baud, protocol, perCommand: perCommand ?? {}, default: fallback });
}

/** The shipped timing of a profile: the pace of the real card. */
export function loadProfileTiming(profile: TimedProfile): ProfileTiming {
  return loadTimingFile(fileURLToPath(new URL(`../../test-vectors/cards/timing/${profile.replace('-', '')}.json`, import.meta.url)));
}

/** Milliseconds that `bytes` characters take on the line. */
export function lineMs(bytes: number, baud: number, protocol: TimingProtocol): number {
  return (bytes * ETU_PER_BYTE[protocol] * 1000) / baud;
}

/**
 * Characters exchanged on the line for one command and its response.
 * T=0 (§10): the header always has P3 (a case 1 APDU gets P3 = 00), a
 * procedure byte precedes any data, and a case 4 command whose answer has
 * data costs a 61XX and a GET RESPONSE header too. T=1 (§11): each APDU
 * travels in one I-block (IFS chaining is not modelled).
 */
export function lineBytes(command: Uint8Array, response: Uint8Array, protocol: TimingProtocol): number {
  if (protocol === 'T=1') return command.length + response.length + 2 * T1_BLOCK_OVERHEAD;
  const parsed = parseCommandApdu(command);
  const nc = parsed.ok ? parsed.value.data.length : Math.max(0, command.length - 5);
  const dataOut = response.length - 2;
  let n = Math.max(command.length, 5) + response.length;
  if (nc > 0 || dataOut > 0) n += 1;
  if (nc > 0 && dataOut > 0) n += 2 + 5 + 1;
  return n;
}

/** The processing time for `command`: INS P1 P2 entry, else INS entry, else `default`. */
export function processingMs(timing: ProfileTiming, command: Uint8Array): number {
  if (command.length < 4) return timing.default;
  const ins = toHex(command.subarray(1, 2));
  const insP1P2 = toHex(command.subarray(1, 4));
  return timing.perCommand[insP1P2] ?? timing.perCommand[ins] ?? timing.default;
}

/** The whole time a real card would take to receive `command`, process it and send `response`. */
export function exchangeMs(timing: ProfileTiming, command: Uint8Array, response: Uint8Array): number {
  return lineMs(lineBytes(command, response, timing.protocol), timing.baud, timing.protocol) + processingMs(timing, command);
}
