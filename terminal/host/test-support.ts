// Helpers of the host-link tests: a terminal (store with FSEs and signed
// lots built on the emulated CPS, clock, server) on one end of an in-memory
// link, a host link on the other, and a raw host session for messages the
// typed host cannot send.
import { readFileSync, writeFileSync } from 'node:fs';
import { createActor, toPromise } from 'xstate';
import { createMemoryLinkPair, openLink, openTerminalStore, type Link, type LinkPort, type TerminalStore } from '../../drivers/index.js';
import { loadDoctors } from '../../emulator/index.js';
import { createLinkSession, encodeLinkMessage, parseLinkMessage, type LinkMessage } from '../../protocol/index.js';
import { parseTariffBook } from '../billing/index.js';
import { lotsMachine } from '../lots/lots.machine.js';
import { PARIS_CLOCK, putAll, securedFseRecord } from '../lots/test-support.js';
import { transmitVerify } from '../machines/index.js';
import { cardWorld, cpsCard } from '../machines/test-support.js';
import { serveHostLink, type HostLinkServer } from './host-link-server.js';
import { openTerminalClock, type SettableClock } from './terminal-clock.js';
import type { TariffsInForce } from './tariffs-in-force.js';

/** The tariff book of test-vectors/tariffs, as JSON. */
export const TARIFFS_JSON: unknown = JSON.parse(readFileSync(new URL('../../test-vectors/tariffs/tariffs.json', import.meta.url), 'utf8'));
const book = parseTariffBook(TARIFFS_JSON);
if (!book.ok) throw new Error('the tariff vectors do not parse');
/** The built-in tariffs of the tests: version 1. */
export const BUILT_IN_TARIFFS: TariffsInForce = { version: 1, book: book.value };
/** The device the tests identify. */
export const DEVICE = { model: 'BFT-TLA', serial: 'BF-000042', firmware: '0.6.0', agreementNumber: 'BFT-TLA-0001' };

/**
 * Fill `store`: FSEs 11-13 (751) and 21-22 (691) built into two lots signed
 * on dr-benali's emulated CPS, then FSEs 31 (MSA) and 41 (751) left alone.
 */
export async function fillTerminal(store: TerminalStore): Promise<void> {
  await putAll(store, [11, 12, 13].map((id) => securedFseRecord(id)).concat([21, 22].map((id) => securedFseRecord(id, { regime: '01', caisse: '691' }))));
  const world = cardWorld('CPS');
  const session = await world.connect(await cpsCard('dr-benali'));
  const doctor = (await loadDoctors()).find((d) => d.id === 'dr-benali')!;
  const pin = new Uint8Array(8).fill(0xff);
  [...doctor.pin].forEach((c, i) => (pin[i] = c.charCodeAt(0)));
  await transmitVerify(session, 1, pin);
  const actor = createActor(lotsMachine, { input: { store, channel: session, clock: PARIS_CLOCK, device: { agreementNumber: DEVICE.agreementNumber, portable: true }, situation: { rights: { signFse: true, signLot: true } } } }).start();
  const output = await toPromise(actor);
  if (output.result !== 'done' || output.built.length !== 2) throw new Error(`lots: ${output.result}`);
  await world.close();
  await putAll(store, [securedFseRecord(31, { regime: '02', caisse: '741' }), securedFseRecord(41)]);
}

/** A settable base clock. */
export function baseClock(start: number): { now(): number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

/** Both ends of one connection. */
export interface Connection {
  readonly host: Link;
  readonly terminal: Link;
  readonly server: HostLinkServer;
  readonly clock: SettableClock;
  close(): Promise<void>;
}

/** Plug the terminal in: a new in-memory link (HID-like 64-byte reports), a server on the terminal end. */
export async function connect(store: TerminalStore, options: { busy?: () => boolean; base?: { now(): number }; tariffs?: TariffsInForce } = {}): Promise<Connection> {
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openLink(terminalPort);
  const clock = await openTerminalClock(options.base ?? { now: () => 1_773_478_800_000 }, store);
  const server = serveHostLink(terminal, { store, device: DEVICE, clock, tariffs: options.tariffs ?? BUILT_IN_TARIFFS, ...(options.busy === undefined ? {} : { busy: options.busy }) });
  const host = openLink(hostPort, { requestTimeoutMs: 5000 });
  return {
    host,
    terminal,
    server,
    clock,
    async close() {
      await host.close();
      await terminal.close();
    },
  };
}

/** A host that writes raw message bytes (hostile ones included) and reads the answers. */
export function rawHost(port: LinkPort): { send(bytes: Uint8Array): Promise<LinkMessage> } {
  const session = createLinkSession();
  const waiting: ((bytes: Uint8Array) => void)[] = [];
  const write = (out: readonly Uint8Array[]): void => {
    for (const bytes of out) void port.write(bytes);
  };
  let opened!: () => void;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  port.onEvent((event) => {
    if (event.type !== 'data') return;
    const step = session.receive(event.bytes, 0);
    write(step.out);
    if (step.opened) opened();
    for (const message of step.delivered) waiting.shift()?.(message);
  });
  write(session.start(0, 7).out);
  return {
    async send(bytes) {
      await ready;
      const answer = new Promise<Uint8Array>((resolve) => waiting.push(resolve));
      write(session.send(bytes, 0).out);
      const parsed = parseLinkMessage(await answer);
      if (!parsed.ok) throw new Error(`the answer does not parse: ${parsed.error.message}`);
      return parsed.value;
    },
  };
}

/** Encode a well-formed message for the raw host. */
export const raw = (message: LinkMessage): Uint8Array => encodeLinkMessage(message);

/** Every file of quarantine `id`, as the host takes it: listed, then read in chunks of `chunk` bytes asked (the terminal caps them). */
export async function takeQuarantine(host: Link, id: number, chunk = 65_535): Promise<Map<string, Uint8Array>> {
  const listed = await host.request({ kind: 'list-quarantined' });
  if (listed.kind !== 'quarantine-list') throw new Error(`list-quarantined answered ${listed.kind}`);
  const entry = listed.quarantines.find((q) => q.id === id);
  if (entry === undefined) throw new Error(`no quarantine ${id} listed`);
  const files = new Map<string, Uint8Array>();
  for (const file of entry.files) {
    const bytes = new Uint8Array(file.size);
    for (let offset = 0; offset < file.size; ) {
      const answer = await host.request({ kind: 'fetch-quarantined', id, name: file.name, offset, length: chunk });
      if (answer.kind !== 'quarantined-chunk') throw new Error(`fetch ${file.name} at ${offset} answered ${answer.kind}: ${answer.kind === 'error' ? answer.text : ''}`);
      if (answer.total !== file.size || answer.bytes.length === 0) throw new Error(`${file.name} changed size or gave nothing at ${offset}`);
      bytes.set(answer.bytes, offset);
      offset += answer.bytes.length;
    }
    files.set(file.name, bytes);
  }
  return files;
}

/**
 * A store file of ours stamped with another application's id (bytes 68-71
 * of the SQLite header, `application_id`): a foreign SQLite database that
 * the next boot moves aside. `fill` writes in the store first.
 */
export async function makeForeign(path: string, fill: (store: TerminalStore) => Promise<void>): Promise<void> {
  const booted = await openTerminalStore(path, { capacity: 5000 });
  if (booted.boot !== 'ok') throw new Error('expected a fresh store');
  await fill(booted.store);
  await booted.store.close();
  const bytes = readFileSync(path);
  bytes.writeUInt32BE(0x0bad_f00d, 68);
  writeFileSync(path, bytes);
}
