/**
 * The card side of T=0 as a pure state machine: header and data bytes
 * in, procedure bytes, data and SW out (ISO/IEC 7816-3 §10.3, §12.2).
 *
 * The machine does not run commands. When a command is complete it emits
 * an `apdu` output; the caller (the card's INS table) answers later with a
 * `response` event, and may feed `busy` events meanwhile, each putting a
 * NULL byte 60 on the line to restart the reader's WWT.
 *
 * At T=0 a header does not say which way its data goes: P3 is Lc or Le
 * depending on the instruction. The caller gives the instructions whose P3
 * is Le as data (`outgoingIns`); for every other INS, P3 = 00 is case 1
 * and P3 > 0 is Lc. Le is never sent for case 4, so the card sees such a
 * command as case 3 (`ne` = 0) and returns its data through 61XX and GET
 * RESPONSE (ISO/IEC 7816-3 §12.2.5).
 * @module
 */
import { INS_GET_RESPONSE, type CommandApdu, type ResponseApdu } from '../apdu/index.js';
import type { ParseError } from '../result.js';
import { isSw1, isT0Ins, NULL_BYTE, t0Error, type T0Reason, type T0Transition } from './tpdu.js';

/**
 * ISO/IEC 7816-4 instructions whose T=0 P3 is Le: READ BINARY (B0, B1),
 * READ RECORD (B2, B3), GET RESPONSE (C0), GET DATA (CA), GET CHALLENGE
 * (84). Our default; a card model passes its own set.
 */
export const ISO_OUTGOING_INS: ReadonlySet<number> = new Set([0xb0, 0xb1, 0xb2, 0xb3, 0xc0, 0xca, 0x84]);

/** How the card behaves on the line. */
export interface T0CardOptions {
  /** Instructions whose P3 is Le (see the module notes); default {@link ISO_OUTGOING_INS}. */
  readonly outgoingIns?: ReadonlySet<number>;
  /** ACK with INS (all data at once) or INS ⊕ FF (one byte per ACK); default `all`. */
  readonly ack?: 'all' | 'byte';
}

/** A response kept for GET RESPONSE or for a reissued header. */
export interface T0HeldResponse {
  readonly data: Uint8Array;
  readonly sw: number;
  /** CLA INS P1 P2 of a header that may be reissued with the right P3 (after 6CXX). */
  readonly reissue: Uint8Array | undefined;
}

/** The card machine's state; treat it as opaque and immutable. */
export interface T0CardState {
  readonly phase: 'header' | 'data' | 'processing';
  readonly outgoingIns: ReadonlySet<number>;
  readonly ack: 'all' | 'byte';
  /** The header being received or being served. */
  readonly header: Uint8Array;
  readonly headerCount: number;
  /** Command data being received (phase `data`). */
  readonly data: Uint8Array;
  readonly dataCount: number;
  /** For a command being processed: the Le it came with (0: none, the data goes back through 61XX). */
  readonly requested: number;
  readonly held: T0HeldResponse | undefined;
}

/** Events the caller feeds the card machine. */
export type T0CardEvent =
  | { readonly type: 'received'; readonly bytes: Uint8Array }
  | { readonly type: 'response'; readonly response: ResponseApdu }
  | { readonly type: 'busy' };

/** What the card machine asks of the caller: bytes to send, a command to run, or an error. */
export type T0CardOutput =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'apdu'; readonly command: CommandApdu }
  | { readonly type: 'error'; readonly error: ParseError<T0Reason> };

/** A card-side transition. */
export type T0CardTransition = T0Transition<T0CardState, T0CardOutput>;

const EMPTY = new Uint8Array(0);
const MAX_RESPONSE = 65536;

/**
 * A card waiting for its first header.
 * @example startT0Card({ ack: 'byte' }).phase // 'header'
 */
export function startT0Card(options: T0CardOptions = {}): T0CardState {
  return {
    phase: 'header',
    outgoingIns: options.outgoingIns ?? ISO_OUTGOING_INS,
    ack: options.ack ?? 'all',
    header: new Uint8Array(5),
    headerCount: 0,
    data: EMPTY,
    dataCount: 0,
    requested: 0,
    held: undefined,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Feed one event (ISO/IEC 7816-3 §10.3.3 for the procedure bytes, §12.2
 * for the mapping of the response). A held response is served to GET
 * RESPONSE or to the header it asked to reissue; any other header drops it.
 * @example stepT0Card(card, { type: 'received', bytes: hex('00 A4 00 00 02') }) // outputs [send A4]
 */
export function stepT0Card(state: T0CardState, event: T0CardEvent): T0CardTransition {
  const s: Mutable<T0CardState> = { ...state, header: state.header.slice(), data: state.data.slice() };
  const outputs: T0CardOutput[] = [];
  if (event.type === 'busy' || event.type === 'response') {
    if (s.phase !== 'processing') {
      outputs.push({ type: 'error', error: t0Error('unexpected-event', `${event.type} while no command is being processed`) });
      return { state, outputs };
    }
    if (event.type === 'busy') outputs.push({ type: 'send', bytes: Uint8Array.of(NULL_BYTE) });
    else respond(s, event.response, outputs);
    return { state: s, outputs };
  }
  const { bytes } = event;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (s.phase === 'processing') {
      outputs.push({ type: 'error', error: t0Error('unexpected-byte', 'a byte while the card has the turn', i) });
      return { state: s, outputs };
    }
    if (s.phase === 'data') {
      s.data[s.dataCount++] = b;
      const ins = s.header[1]!;
      if (s.dataCount === s.data.length) {
        s.phase = 'processing';
        s.requested = 0;
        outputs.push({ type: 'apdu', command: command(s.header, s.data, 0) });
      } else if (s.ack === 'byte') {
        outputs.push({ type: 'send', bytes: Uint8Array.of(ins ^ 0xff) });
      }
      continue;
    }
    s.header[s.headerCount++] = b;
    if (s.headerCount === 5) {
      s.headerCount = 0;
      onHeader(s, outputs);
    }
  }
  return { state: s, outputs };
}

function onHeader(s: Mutable<T0CardState>, outputs: T0CardOutput[]): void {
  const h = s.header;
  const [, ins, p1, p2, p3] = h as unknown as [number, number, number, number, number];
  const held = s.held;
  s.held = undefined;
  if (held !== undefined) {
    const r = held.reissue;
    const isGetResponse = ins === INS_GET_RESPONSE && p1 === 0 && p2 === 0;
    const isReissue = r !== undefined && r[0] === h[0] && r[1] === ins && r[2] === p1 && r[3] === p2;
    if (isGetResponse || isReissue) {
      serve(s, held, p3 || 256, outputs);
      return;
    }
  }
  if (!isT0Ins(ins)) {
    outputs.push({ type: 'send', bytes: Uint8Array.of(0x6d, 0x00) });
    return;
  }
  if (s.outgoingIns.has(ins) || p3 === 0) {
    s.phase = 'processing';
    s.requested = s.outgoingIns.has(ins) ? p3 || 256 : 0;
    outputs.push({ type: 'apdu', command: command(h, EMPTY, s.requested) });
    return;
  }
  s.phase = 'data';
  s.data = new Uint8Array(p3);
  s.dataCount = 0;
  outputs.push({ type: 'send', bytes: Uint8Array.of(s.ack === 'all' ? ins : ins ^ 0xff) });
}

function command(h: Uint8Array, data: Uint8Array, ne: number): CommandApdu {
  return { cla: h[0]!, ins: h[1]!, p1: h[2]!, p2: h[3]!, data, ne, extended: false };
}

function respond(s: Mutable<T0CardState>, response: ResponseApdu, outputs: T0CardOutput[]): void {
  const { data, sw } = response;
  const s1 = sw >> 8;
  s.phase = 'header';
  s.data = EMPTY;
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff || !isSw1(s1) || s1 === 0x61 || s1 === 0x6c) {
    outputs.push({ type: 'error', error: t0Error('bad-sw', `SW ${sw.toString(16)} cannot be sent at T=0`) });
    return;
  }
  if (data.length > MAX_RESPONSE) {
    outputs.push({ type: 'error', error: t0Error('too-large', `${data.length} response bytes exceed ${MAX_RESPONSE}`) });
    return;
  }
  const held: T0HeldResponse = { data, sw, reissue: undefined };
  if (s.requested > 0) serve(s, held, s.requested, outputs);
  else if (data.length === 0) outputs.push({ type: 'send', bytes: swBytes(sw) });
  else {
    s.held = held;
    outputs.push({ type: 'send', bytes: Uint8Array.of(0x61, Math.min(data.length, 256) & 0xff) });
  }
}

/** Answer a header asking for `n` bytes of a held response. */
function serve(s: Mutable<T0CardState>, held: T0HeldResponse, n: number, outputs: T0CardOutput[]): void {
  const chunk = Math.min(held.data.length, 256);
  if (chunk === 0) {
    outputs.push({ type: 'send', bytes: swBytes(held.sw) });
    return;
  }
  if (n !== chunk) {
    s.held = { ...held, reissue: s.header.slice(0, 4) };
    outputs.push({ type: 'send', bytes: Uint8Array.of(0x6c, chunk & 0xff) });
    return;
  }
  const ins = s.header[1]!;
  const part = held.data.subarray(0, chunk);
  const rest = held.data.subarray(chunk);
  const body = s.ack === 'all' ? new Uint8Array(1 + chunk) : new Uint8Array(2 * chunk);
  if (s.ack === 'all') {
    body[0] = ins;
    body.set(part, 1);
  } else {
    for (let i = 0; i < chunk; i++) {
      body[2 * i] = ins ^ 0xff;
      body[2 * i + 1] = part[i]!;
    }
  }
  outputs.push({ type: 'send', bytes: body });
  if (rest.length > 0) {
    s.held = { data: rest, sw: held.sw, reissue: undefined };
    outputs.push({ type: 'send', bytes: Uint8Array.of(0x61, Math.min(rest.length, 256) & 0xff) });
  } else {
    outputs.push({ type: 'send', bytes: swBytes(held.sw) });
  }
}

function swBytes(sw: number): Uint8Array {
  return Uint8Array.of(sw >> 8, sw & 0xff);
}
