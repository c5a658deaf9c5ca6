/**
 * A software card as the TCP client of vsmartcard's vpcd, the pcscd driver
 * of Debian's `vsmartcard-vpcd`: vpcd listens (35963 for reader "Virtual
 * PCD 00 00", 35964 for "Virtual PCD 00 01"), the card connects. An open
 * connection is a card in the slot; closing it is a removal (DOMAIN.md
 * "PC/SC plumbing on Debian 12"; vsmartcard vpcd.c).
 * @module
 */
import { Socket } from 'node:net';
import { createVpcdFramer, encodeVpcdFrame, parseVpcdMessage, type VpcdFramer, type VpcdMessage } from '../../protocol/index.js';
import { CardGoneError, type CardPresence, type VirtualCard } from '../card/virtual-card.js';
import { VpcdError } from './errors.js';

/** vpcd's port for slot 0, reader "Virtual PCD 00 00" (/etc/reader.conf.d/vpcd, 0x8C7B). */
export const VPCD_PORT_SLOT0 = 35963;
/** vpcd's port for slot 1, reader "Virtual PCD 00 01". */
export const VPCD_PORT_SLOT1 = 35964;

/** The timer functions the client uses for its backoff; tests inject fakes. */
export interface VpcdTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Exponential backoff between connection attempts: `min(maxMs, initialMs * factor ** n)`. */
export interface VpcdBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/**
 * After the card went away in the middle of an exchange (power lost, pulled),
 * the client stays off the line at least this long before it plugs the card
 * back: pcscd polls presence every 400-450 ms (DOMAIN.md), and a card back
 * sooner would be taken for the one that left, with its stale power state.
 */
export const VPCD_MINIMUM_ABSENCE_MS = 600;

/** The default backoff: 50 ms, doubling, at most 2 s (pcscd restarts in well under a second). */
export const VPCD_DEFAULT_BACKOFF: VpcdBackoff = { initialMs: 50, maxMs: 2000, factor: 2 };

/** Options of {@link createVpcdClient}. */
export interface VpcdClientOptions {
  /**
   * The ATR answered to vpcd's get-ATR control. vpcd polls it about every
   * 400 ms to see whether a card is present, before any power-on, so it
   * must not cost a reset; after a power-on or reset the client answers
   * the ATR those returned.
   */
  readonly atr: Uint8Array;
  /** vpcd's host, default 127.0.0.1. */
  readonly host?: string;
  /** vpcd's port, default {@link VPCD_PORT_SLOT0}. */
  readonly port?: number;
  /** Default {@link VPCD_DEFAULT_BACKOFF}. */
  readonly backoff?: VpcdBackoff;
  /** Default the global timers. */
  readonly timers?: VpcdTimers;
}

/**
 * Where the client stands: `stopped` (card out), `connecting`,
 * `connected` (card in the reader), `waiting` (backoff before the next
 * attempt), `card-removed` (the card reported its removal; it reconnects
 * on the next insertion).
 */
export type VpcdClientState = 'stopped' | 'connecting' | 'connected' | 'waiting' | 'card-removed';

/**
 * What the client reports. Never carries APDU bytes (a VERIFY body holds a
 * PIN), only what happened and why.
 */
export type VpcdClientEvent =
  | { readonly type: 'state'; readonly state: VpcdClientState }
  | { readonly type: 'disconnected'; readonly error: VpcdError }
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number }
  /** The card failed in a way a card must not (a rejection that is not a removal): answered 6F00. */
  | { readonly type: 'card-error'; readonly error: unknown };

/** A card plugged into one vpcd slot. */
export interface VpcdClient {
  /** Insert the card: connect, and reconnect with backoff whenever the link drops, until {@link VpcdClient.stop}. */
  start(): void;
  /** Remove the card: close the connection (pcsc_scan shows the removal), power the card off, stop reconnecting. */
  stop(): Promise<void>;
  readonly state: VpcdClientState;
  /** Listen to the client's events; returns the function that stops listening. */
  onEvent(listener: (event: VpcdClientEvent) => void): () => void;
}

/** SW 6F00: "no precise diagnosis", what a card answers when it failed internally (ISO/IEC 7816-4 §5.1.3). */
const SW_NO_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

/**
 * Connect `card` to vpcd. Frames may arrive split or merged (protocol's
 * framer); messages are handled one at a time in order, as vpcd sends the
 * next only after the answer. Controls: power off, power on and reset get
 * no answer, get-ATR gets the ATR; an APDU gets the card's response APDU.
 * A bad frame closes the connection and reconnects after the backoff.
 * The card's presence events drive the link: `removed` closes it,
 * `inserted` reconnects (if started).
 * @example
 * const client = createVpcdClient(fromCard(card), { atr: card.atr(), port: VPCD_PORT_SLOT1 });
 * client.start(); // "Virtual PCD 00 01" now has a card
 */
export function createVpcdClient(card: VirtualCard, options: VpcdClientOptions): VpcdClient {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? VPCD_PORT_SLOT0;
  const backoff = options.backoff ?? VPCD_DEFAULT_BACKOFF;
  const timers: VpcdTimers = options.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`port ${port} is not in 1..65535`);
  if (!(backoff.initialMs >= 0 && backoff.maxMs >= backoff.initialMs && backoff.factor >= 1)) throw new RangeError('backoff needs 0 <= initialMs <= maxMs and factor >= 1');

  const listeners = new Set<(event: VpcdClientEvent) => void>();
  let state: VpcdClientState = 'stopped';
  let started = false;
  let present = true;
  let attempt = 0;
  let retryTimer: unknown = null;
  /** The live connection; replies of an older one are dropped. */
  let link: { socket: Socket; framer: VpcdFramer; queue: Promise<void>; powered: boolean } | null = null;
  let atr: Uint8Array = options.atr.slice();

  function emit(event: VpcdClientEvent): void {
    for (const listener of listeners) listener(event);
  }
  function setState(next: VpcdClientState): void {
    if (next === state) return;
    state = next;
    emit({ type: 'state', state });
  }

  function connect(): void {
    retryTimer = null;
    setState('connecting');
    const socket = new Socket();
    const current = { socket, framer: createVpcdFramer(), queue: Promise.resolve(), powered: false };
    link = current;
    let connected = false;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      connected = true;
      attempt = 0;
      setState('connected');
    });
    socket.on('data', (chunk: Buffer) => {
      if (link !== current) return;
      const { frames, error } = current.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      for (const frame of frames) {
        const message = parseVpcdMessage(frame);
        if (!message.ok) {
          drop(new VpcdError('bad-frame', `vpcd sent a bad message: ${message.error.message}`, { cause: message.error }));
          return;
        }
        current.queue = current.queue.then(() => handle(current, message.value));
      }
      if (error !== null) drop(new VpcdError('bad-frame', `vpcd sent a bad frame: ${error.message}`, { cause: error }));
    });
    socket.on('error', (cause) => {
      if (link !== current) return;
      drop(connected ? new VpcdError('connection-lost', `the connection to vpcd at ${host}:${port} failed`, { cause }) : new VpcdError('connect-failed', `vpcd is not listening at ${host}:${port}`, { cause }));
    });
    socket.on('close', () => {
      if (link !== current) return;
      drop(new VpcdError('connection-lost', `vpcd at ${host}:${port} closed the connection`));
    });
    socket.connect(port, host);
  }

  /** End the live connection for `error`, then reconnect if the card is still meant to be in. */
  function drop(error: VpcdError, minimumDelayMs = 0): void {
    const current = link;
    if (current === null) return;
    link = null;
    current.socket.destroy();
    if (current.powered) void card.powerOff().catch((cause: unknown) => emit({ type: 'card-error', error: cause }));
    emit({ type: 'disconnected', error });
    if (started && present) scheduleRetry(minimumDelayMs);
    else setState(started ? 'card-removed' : 'stopped');
  }

  function scheduleRetry(minimumDelayMs = 0): void {
    const delayMs = Math.max(minimumDelayMs, Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt));
    attempt += 1;
    setState('waiting');
    emit({ type: 'retry', attempt, delayMs });
    retryTimer = timers.setTimeout(connect, delayMs);
  }

  function cancelRetry(): void {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  async function handle(current: NonNullable<typeof link>, message: VpcdMessage): Promise<void> {
    if (link !== current) return;
    let reply: Uint8Array | null = null;
    try {
      if (message.kind === 'apdu') reply = await transmit(message.apdu);
      else if (message.control === 'get-atr') reply = atr;
      else if (message.control === 'power-off') {
        current.powered = false;
        await card.powerOff();
      } else {
        current.powered = true;
        atr = await (message.control === 'power-on' ? card.powerOn() : card.reset());
      }
    } catch (cause) {
      if (cause instanceof CardGoneError) {
        if (link === current) drop(new VpcdError('card-removed', 'the card went away during an exchange', { cause }), VPCD_MINIMUM_ABSENCE_MS);
        return;
      }
      emit({ type: 'card-error', error: cause });
      if (message.kind === 'apdu') reply = SW_NO_DIAGNOSIS;
    }
    if (reply !== null && link === current) current.socket.write(encodeVpcdFrame(reply));
  }

  async function transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const response = await card.transmit(apdu);
    // vpcd reads a 0-length answer as the card hanging up (README of protocol/vpcd).
    return response.length >= 2 ? response : SW_NO_DIAGNOSIS;
  }

  let unlisten: (() => void) | null = null;
  function onPresence(presence: CardPresence): void {
    present = presence === 'inserted';
    if (!present) {
      cancelRetry();
      if (link !== null) drop(new VpcdError('card-removed', 'the card was removed'));
      else setState('card-removed');
    } else if (link === null && retryTimer === null) {
      attempt = 0;
      connect();
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      attempt = 0;
      unlisten = card.onPresence(onPresence);
      if (present) connect();
      else setState('card-removed');
    },
    async stop() {
      if (!started) return;
      started = false;
      unlisten?.();
      unlisten = null;
      cancelRetry();
      const current = link;
      if (current === null) {
        setState('stopped');
        return;
      }
      const closed = new Promise<void>((resolve) => current.socket.once('close', () => resolve()));
      drop(new VpcdError('stopped', 'the card was taken out'));
      await closed;
    },
    get state() {
      return state;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
