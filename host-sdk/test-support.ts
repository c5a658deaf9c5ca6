// Helpers of the host-sdk tests: the test CA and CRL, emulated cards (a CPS
// with its PIN verified, a carte Vitale) securing real FSEs, lots built and
// signed by the terminal's own lots machine, and a terminal (store on disk,
// host link server) on the other end of a link.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createActor, toPromise } from 'xstate';
import { createInProcessTransport, createMemoryLinkPair, createReaderManager, expectStore, openLink, openQuarantineArchive, openSerialLinkPort, openTerminalStore, type BootQuarantined, type CardSession, type FseRecord, type Link, type LinkPort, type TerminalStore } from '../drivers/index.js';
import { fromCard, loadDoctors, openCps, openVitale } from '../emulator/index.js';
import { fse as checkFse, hex, parseSecuredFse, sha256, toHex, type SecuredFse } from '../protocol/index.js';
import { adoptReleasedQuarantines, destinationOf, lotsMachine, openMemoryClock, openTerminalClock, parseTariffBook, readCpsSigner, readVitaleCard, secureFse, serveHostLink, serveQuarantinedHostLink, transmitVerify, type HostLinkServer, type TerminalClock } from '../terminal/index.js';
import { openPtyPair } from '../scripts/pty/pty-pair.js';
import { openHostDatabase, syncTerminal, type HostDatabase, type SyncSummary } from './index.js';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The test CA (PEM). */
export const CA_PEM = read('../test-vectors/pki/ca/ca.cert.pem');
/** The serial numbers the test CRL revokes (dr-garnier's certificates). */
export const REVOKED: ReadonlySet<string> = new Set((JSON.parse(read('../test-vectors/pki/index.json')) as { crl: { revoked: string[] } }).crl.revoked);
/** The host's clock in the tests: 2026-03-14 18:00 in Paris, after the day's visits. */
export const HOST_NOW = Date.UTC(2026, 2, 14, 17, 0, 0);
/** The terminal's clock: 2026-03-14 10:00 in Paris (UTC+1). */
export const TERMINAL_CLOCK: TerminalClock = { now: () => Date.UTC(2026, 2, 14, 9, 0, 0), utcOffsetMinutes: () => 60 };
/** The terminal the tests sync. */
export const DEVICE = { model: 'BFT-TLA', serial: 'BF-000042', firmware: '0.6.0', agreementNumber: 'BFT-TLA-0001' };
/** Sync options of the tests. */
export const SYNC_OPTIONS = { ca: CA_PEM, now: () => HOST_NOW, utcOffsetMinutes: 60, revokedSerials: REVOKED };

const tariffBook = parseTariffBook(JSON.parse(read('../test-vectors/tariffs/tariffs.json')));
if (!tariffBook.ok) throw new Error('the tariff vectors do not parse');
const TARIFFS = { version: 1, book: tariffBook.value };

const SAMPLES: readonly SecuredFse[] = (JSON.parse(read('../test-vectors/protocol/fse.json')) as { securedFse: { hex: string }[] }).securedFse.map((row) => {
  const parsed = parseSecuredFse(hex(row.hex));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
});

/** A fresh temp folder and its removal. */
export function tempFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-host-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The emulated cards that secure FSEs and sign lots. */
export interface Cards {
  /** The CPS, PIN verified. */
  readonly cps: CardSession;
  readonly cpsCertificate: Uint8Array;
  readonly vitale: CardSession;
  readonly vitaleCertificate: Uint8Array;
  close(): Promise<void>;
}

/** A doctor's CPS (PIN verified) and a patient's Vitale, emulated, in an in-process transport. */
export async function openCards(doctorId = 'dr-benali', patientId = 'pt-maternity'): Promise<Cards> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bifente-host-cards-'));
  const transport = createInProcessTransport();
  transport.addReader('CPS');
  transport.addReader('Vitale');
  const manager = createReaderManager(transport, { timeoutMs: 5000 });
  await transport.insert('CPS', fromCard(await openCps(doctorId, { stateDir })));
  await transport.insert('Vitale', fromCard(await openVitale(patientId, { stateDir })));
  const cps = await manager.reader('CPS').connect();
  const doctor = (await loadDoctors()).find((d) => d.id === doctorId);
  if (doctor === undefined) throw new Error(`no doctor ${doctorId}`);
  const pin = new Uint8Array(8).fill(0xff);
  [...doctor.pin].forEach((c, i) => (pin[i] = c.charCodeAt(0)));
  await transmitVerify(cps, 1, pin);
  const signer = await readCpsSigner(cps);
  const vitale = await manager.reader('Vitale').connect();
  const card = await readVitaleCard(vitale);
  if (card.certificate === undefined) throw new Error(`${patientId}'s Vitale has no certificate`);
  return {
    cps,
    cpsCertificate: signer.certificate,
    vitale,
    vitaleCertificate: card.certificate,
    close: async () => {
      await manager.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * FSE `id` secured with the cards: a protocol vector (mode S for odd ids,
 * D for even ones) under invoice number `id` and the insured's `caisse`.
 */
export async function securedFseRecord(cards: Cards, id: number, caisse = '751'): Promise<FseRecord> {
  const sample = SAMPLES[id % SAMPLES.length]!;
  const value = checkFse({ ...sample.fse, invoiceNumber: id, insured: { ...sample.fse.insured, regime: '01', caisse } });
  if (!value.ok) throw new Error(value.error.message);
  const vitale = value.value.securing === 'S' ? { vitale: { channel: cards.vitale, certificate: cards.vitaleCertificate } } : {};
  const { secured, bytes } = await secureFse(value.value, { ...vitale, cps: { channel: cards.cps, certificate: cards.cpsCertificate } });
  const f = secured.fse;
  return { id, capturedAt: Date.parse(f.capturedAt), destination: destinationOf(f), amountCents: f.totals.totalCents, securingMode: f.securing, bytes };
}

/** Put FSEs `ids` (secured with `cards`) into `store`. */
export async function putFses(store: TerminalStore, cards: Cards, ids: readonly number[], caisse = '751'): Promise<FseRecord[]> {
  const records: FseRecord[] = [];
  for (const id of ids) {
    const record = await securedFseRecord(cards, id, caisse);
    await store.putFse(record);
    records.push(record);
  }
  return records;
}

/** Group the stored FSEs into lots signed with the CPS, as the terminal does (its lots machine). */
export async function buildLots(store: TerminalStore, cards: Cards): Promise<number> {
  const actor = createActor(lotsMachine, { input: { store, channel: cards.cps, clock: TERMINAL_CLOCK, device: { agreementNumber: DEVICE.agreementNumber, portable: true }, situation: { rights: { signFse: true, signLot: true } } } }).start();
  const output = await toPromise(actor);
  if (output.result !== 'done') throw new Error(`lots: ${output.result}`);
  return output.built.length;
}

/** A secured FSE whose CPS signature has one byte flipped: it parses, it does not verify. */
export function tampered(record: FseRecord): FseRecord {
  const parsed = parseSecuredFse(record.bytes);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const bytes = record.bytes.slice();
  const signature = parsed.value.cps.signature;
  const at = indexOf(bytes, signature);
  bytes[at + 10] = bytes[at + 10]! ^ 0x01;
  return { ...record, bytes };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

/** Open a terminal store at `path` (it must boot). */
export async function openStore(path: string): Promise<TerminalStore> {
  return expectStore(await openTerminalStore(path, { capacity: 5000, clock: { now: () => TERMINAL_CLOCK.now() } }));
}

/**
 * The standard terminal of the tests, in a file: FSEs 11-13 (caisse 751) and
 * 21-22 (691) in two signed lots; then 31 and 41 alone; then 51 alone with
 * a flipped signature byte. Returns what it holds (digests as hex).
 */
export async function writeTerminalFile(path: string, cards: Cards): Promise<TerminalContents> {
  const store = await openStore(path);
  try {
    const records = [...(await putFses(store, cards, [11, 12, 13])), ...(await putFses(store, cards, [21, 22], '691'))];
    await buildLots(store, cards);
    records.push(...(await putFses(store, cards, [31, 41])));
    const bad = tampered(await securedFseRecord(cards, 51));
    await store.putFse(bad);
    records.push(bad);
    const lots = await Promise.all((await store.listLots()).map(async (l) => toHex(sha256((await store.getLot(l.id)).bytes))));
    return { fses: new Map(records.map((r) => [r.id, toHex(sha256(r.bytes))])), lots, rejected: new Set([51]) };
  } finally {
    await store.close();
  }
}

/** What a test terminal holds: FSE digests by invoice number, lot digests, the ids that must be rejected. */
export interface TerminalContents {
  readonly fses: ReadonlyMap<number, string>;
  readonly lots: readonly string[];
  readonly rejected: ReadonlySet<number>;
}

/** A copy of a terminal file, opened. */
export async function copyTerminal(from: string, to: string): Promise<TerminalStore> {
  copyFileSync(from, to);
  return openStore(to);
}

/** A terminal answering on `port`: its store, clock and the host link server. */
export async function serveTerminal(store: TerminalStore, port: LinkPort, options: { busy?: () => boolean } = {}): Promise<{ link: Link; server: HostLinkServer }> {
  const link = openLink(port);
  return { link, server: await serveStore(store, link, options) };
}

/** The host link server of a terminal over `store` on an open `link` (the terminal clock kept in the store). */
export async function serveStore(store: TerminalStore, link: Link, options: { busy?: () => boolean } = {}): Promise<HostLinkServer> {
  const clock = await openTerminalClock({ now: () => TERMINAL_CLOCK.now() }, store);
  return serveHostLink(link, { store, device: DEVICE, clock, tariffs: TARIFFS, ...(options.busy === undefined ? {} : { busy: options.busy }) });
}

/** A fresh host database in `dir`. */
export function hostDatabase(dir: string, name = 'host.db'): Promise<HostDatabase> {
  return openHostDatabase(join(dir, name), { clock: { now: () => HOST_NOW } });
}

/**
 * The sync invariants (issue 7): every FSE the terminal stored is on the
 * terminal or on the host with the same bytes, or both; never twice on the
 * host; every FSE the host holds as verified verifies; nothing is gone from
 * the terminal, nor marked acknowledged there, that the host does not hold
 * verified with the same digest. Returns the problems found.
 */
export async function invariantProblems(store: TerminalStore, db: HostDatabase, contents: TerminalContents, verify: (bytes: Uint8Array) => boolean): Promise<string[]> {
  const problems: string[] = [];
  const onTerminal = new Map((await store.listFses()).map((f) => [f.id, f]));
  const host = db.listFses({ terminalSerial: DEVICE.serial });
  const hostById = new Map<number, (typeof host)[number]>();
  for (const f of host) {
    if (hostById.has(f.invoiceNumber)) problems.push(`FSE ${f.invoiceNumber} is twice on the host`);
    hostById.set(f.invoiceNumber, f);
    if (contents.fses.get(f.invoiceNumber) !== toHex(f.digest)) problems.push(`host FSE ${f.invoiceNumber} has other bytes`);
    if (f.verdict === 'verified' && !verify(db.fseBytes(f.id))) problems.push(`host FSE ${f.invoiceNumber} is verified but does not verify`);
    if (contents.rejected.has(f.invoiceNumber) !== (f.verdict === 'rejected')) problems.push(`host FSE ${f.invoiceNumber} is ${f.verdict}`);
  }
  for (const [id] of contents.fses) {
    const there = onTerminal.get(id);
    const held = hostById.get(id);
    const heldVerified = held?.verdict === 'verified';
    if (there === undefined && !heldVerified) problems.push(`FSE ${id} is gone from the terminal and not held verified by the host`);
    if (there?.state === 'acknowledged' && !heldVerified) problems.push(`FSE ${id} is acknowledged on the terminal, not held by the host`);
  }
  const lotsHeld = new Set(db.listLots({ terminalSerial: DEVICE.serial, verdict: 'verified' }).map((l) => toHex(l.digest)));
  const lotsThere = await Promise.all((await store.listLots()).map(async (l) => ({ state: l.state, digest: toHex(sha256((await store.getLot(l.id)).bytes)) })));
  for (const digest of contents.lots) {
    const there = lotsThere.find((l) => l.digest === digest);
    if ((there === undefined || there.state === 'acknowledged') && !lotsHeld.has(digest)) problems.push(`lot ${digest.slice(0, 8)} left the terminal or was acknowledged, not held by the host`);
  }
  return problems;
}

/** A host link and a terminal server joined by an in-memory link (what `line` does to each write, optionally). */
export async function plugTerminal(store: TerminalStore, options: { line?: (bytes: Uint8Array) => Uint8Array | null; busy?: () => boolean } = {}) {
  const [hostPort, terminalPort] = createMemoryLinkPair(options.line === undefined ? {} : { line: options.line });
  const terminal = await serveTerminal(store, terminalPort, options.busy === undefined ? {} : { busy: options.busy });
  const host = openLink(hostPort, { requestTimeoutMs: 5000 });
  return { host, hostPort, terminal, unplug: async () => void (await Promise.all([host.close(), terminal.link.close()])) };
}

/** Sync `store` into `db` once over an in-memory link (set-up of tests that start from a synced host). */
export async function syncStore(store: TerminalStore, db: HostDatabase): Promise<SyncSummary> {
  const plug = await plugTerminal(store);
  try {
    return await syncTerminal(plug.host, db, SYNC_OPTIONS);
  } finally {
    await plug.unplug();
  }
}

/** Lower-case hex SHA-256 of a file's bytes, as the host records quarantined files. */
const fileDigest = (path: string): string => toHex(sha256(readFileSync(path))).toLowerCase();

/**
 * A terminal whose store went bad after the host synced it: the standard
 * terminal file (`writeTerminalFile`) synced once into a fresh host database
 * in `dir` (kept open: the caller closes it), then FSEs 52 and 53 the host
 * never saw, then a 4 KiB page overwritten (a flash page gone bad), so the
 * next boot sets it aside as `corrupt`. `originals`: file name → SHA-256 of
 * every quarantined file.
 */
export async function corruptTerminal(dir: string, cards: Cards): Promise<{ boot: BootQuarantined; db: HostDatabase; originals: Map<string, string> }> {
  const path = join(dir, 'terminal.db');
  await writeTerminalFile(path, cards);
  const db = await hostDatabase(dir);
  const store = await openStore(path);
  try {
    await syncStore(store, db);
    await putFses(store, cards, [52, 53]);
  } finally {
    await store.close();
  }
  const bytes = readFileSync(path);
  bytes.fill(0xff, 3 * 4096, 4 * 4096);
  writeFileSync(path, bytes);
  const boot = await openTerminalStore(path, { capacity: 5000, clock: { now: () => HOST_NOW - 3_600_000 } });
  if (boot.boot !== 'quarantined') throw new Error(`expected a quarantine, got ${boot.boot}`);
  return { boot, db, originals: new Map(boot.quarantined.files.map((f) => [basename(f), fileDigest(f)])) };
}

/**
 * The terminal of a quarantined boot, as its firmware serves the host:
 * `serve(port)` answers on a link with the quarantine server; the release
 * that leaves none pending reopens the store (a fresh one, the released
 * invoice number adopted) and switches that link to the host link server.
 * A link served after that gets the host link server at once. `plug()`:
 * a host link over a fresh in-memory link (64-byte writes). `state.releases`:
 * the releases the terminal accepted; `state.store`: the fresh store.
 */
export function quarantinedTerminal(boot: BootQuarantined) {
  const archive = openQuarantineArchive(boot.path);
  const clock = openMemoryClock({ now: () => HOST_NOW - 3_600_000 });
  const state: { store?: TerminalStore; releases: { id: string; nextInvoiceNumber: number | undefined }[]; links: Link[] } = { releases: [], links: [] };
  async function serve(port: LinkPort): Promise<void> {
    if (state.store !== undefined) {
      state.links.push((await serveTerminal(state.store, port)).link);
      return;
    }
    const link = openLink(port);
    state.links.push(link);
    const server = serveQuarantinedHostLink(link, {
      archive,
      device: DEVICE,
      clock,
      onReleased: async (release) => {
        state.releases.push({ id: release.entry.id, nextInvoiceNumber: release.entry.nextInvoiceNumber });
        if (release.pending > 0) return;
        state.store = expectStore(await boot.reopen());
        await adoptReleasedQuarantines(state.store, archive);
        server.stop();
        await serveStore(state.store, link);
      },
    });
  }
  return {
    state,
    serve,
    async plug(): Promise<{ host: Link; cut: () => Promise<void> }> {
      const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
      await serve(terminalPort);
      const host = openLink(hostPort, { requestTimeoutMs: 5000 });
      return { host, cut: () => hostPort.close() };
    },
    async close(): Promise<void> {
      await Promise.all(state.links.map((l) => l.close().catch(() => undefined)));
      await state.store?.close();
    },
  };
}

/**
 * `store`'s host link server on the serial driver at one end of a real pty
 * pair (socat, scripts/pty); `hostPath` is the other end, the host's
 * `serial:` device. `close()` ends the link, then the pair.
 */
export async function serveOnPty(store: TerminalStore): Promise<{ hostPath: string; close(): Promise<void> }> {
  const pty = await openPtyPair();
  try {
    const terminal = await serveTerminal(store, await openSerialLinkPort(pty.paths[1]));
    return {
      hostPath: pty.paths[0],
      close: async () => {
        await terminal.link.close();
        await pty.close();
      },
    };
  } catch (error) {
    await pty.close();
    throw error;
  }
}
