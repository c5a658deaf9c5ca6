/**
 * Sync with a terminal over the link (issue 7 "Host SDK"; OURS, see README
 * "Sync"): identify → set the clock (drift recorded) → list → fetch every
 * FSE, then every lot → verify → store each in one transaction → only then
 * acknowledge what the host holds, verified, with the bytes the terminal
 * sent. An interruption anywhere loses nothing: the terminal frees only
 * what was acknowledged, and the next sync finds what is held and
 * acknowledges it.
 * @module
 */
import type { Link } from '../../drivers/index.js';
import { isLotLinkId, LINK_ERROR, sha256, type LinkFseEntry, type TrustAnchors } from '../../protocol/index.js';
import { takeQuarantinedStores } from '../quarantine/take-quarantined.js';
import type { QuarantineSummary } from '../quarantine/quarantine-types.js';
import { ask } from './link-ask.js';
import type { HostDatabase, TerminalIdentity } from '../database/host-database.js';
import { checkFse, checkLot, sameBytes } from './check-items.js';
import { isSyncError, SyncError } from './sync-error.js';
import type { ItemOutcome, SyncConflict, SyncOptions, SyncProgress, SyncRejection, SyncSummary } from './sync-types.js';

/** Most ids in one acknowledge request (the link's field is 16-bit). */
const MAX_ACK_IDS = 65_535;

/** One sync's running state. */
interface Run {
  readonly link: Link;
  readonly db: HostDatabase;
  readonly options: SyncOptions;
  readonly anchors: TrustAnchors;
  serial: string;
  syncId: number;
  done: number;
  total: number;
  fetched: number;
  alreadyHeld: number;
  stored: number;
  verified: number;
  readonly rejected: SyncRejection[];
  readonly conflicts: SyncConflict[];
  readonly vanished: number[];
  /** Link ids to acknowledge, in list order. */
  readonly ackable: number[];
  /** Host lot id of each lot link id seen in this sync. */
  readonly lots: Map<number, number>;
}

function checkOptions(options: SyncOptions): void {
  if (typeof options.now !== 'function') throw new TypeError('syncTerminal needs options.now, the host clock');
  if (!Number.isInteger(options.utcOffsetMinutes) || Math.abs(options.utcOffsetMinutes) > 840) throw new RangeError(`utcOffsetMinutes ${options.utcOffsetMinutes} is not an integer within ±840`);
  if (typeof options.ca !== 'string' && !(options.ca instanceof Uint8Array)) throw new TypeError('syncTerminal needs options.ca, the CA certificate (PEM or DER)');
}

function progress(run: Run, event: SyncProgress): void {
  run.options.onProgress?.(event);
}

function itemDone(run: Run, kind: 'fse' | 'lot', id: number, outcome: ItemOutcome, verdict?: 'verified' | 'rejected'): void {
  run.done += 1;
  progress(run, { phase: 'item', kind, id, outcome, ...(verdict === undefined ? {} : { verdict }), done: run.done, total: run.total });
}

/** Fetch an item's bytes; `undefined` when it vanished. */
async function fetchItem(run: Run, kind: 'fse' | 'lot', id: number): Promise<Uint8Array | undefined> {
  const answer = await ask(run, { kind: kind === 'fse' ? 'fetch-fse' : 'fetch-lot', id }, [LINK_ERROR.notFound]);
  if (answer === undefined) {
    run.vanished.push(id);
    run.db.journal(run.syncId, 'vanished', `${kind} listed, then not found`, id);
    itemDone(run, kind, id, 'vanished');
    return undefined;
  }
  if (answer.id !== id || answer.kind !== kind) throw new SyncError('protocol-error', `asked for ${kind} ${id}, the terminal sent ${answer.kind} ${answer.id}`);
  run.fetched += 1;
  return answer.bytes;
}

async function syncFse(run: Run, id: number): Promise<void> {
  const bytes = await fetchItem(run, 'fse', id);
  if (bytes === undefined) return;
  const digest = sha256(bytes);
  const held = run.db.fseByInvoice(run.serial, id);
  if (held !== undefined && !sameBytes(held.digest, digest)) {
    run.db.recordConflict({ terminalSerial: run.serial, kind: 'fse', item: String(id), heldDigest: held.digest, offeredDigest: digest, bytes, at: run.options.now() }, run.syncId);
    run.conflicts.push({ kind: 'fse', id, item: String(id) });
    itemDone(run, 'fse', id, 'conflict');
    return;
  }
  const fse = held ?? run.db.storeFse({ terminalSerial: run.serial, invoiceNumber: id, bytes, digest, receivedAt: run.options.now(), ...checkFse(bytes, id, run.anchors) }, run.syncId);
  if (held === undefined) {
    run.stored += 1;
    if (fse.verdict === 'verified') run.verified += 1;
  } else run.alreadyHeld += 1;
  if (fse.verdict === 'verified') run.ackable.push(id);
  else run.rejected.push({ kind: 'fse', id, reason: fse.reason!, detail: fse.detail ?? '' });
  itemDone(run, 'fse', id, held === undefined ? 'stored' : 'held', fse.verdict);
}

async function syncLot(run: Run, id: number): Promise<void> {
  const bytes = await fetchItem(run, 'lot', id);
  if (bytes === undefined) return;
  const digest = sha256(bytes);
  let lot = run.db.lotByDigest(run.serial, digest);
  const held = lot !== undefined;
  if (lot === undefined) {
    const check = checkLot(bytes, run.anchors, (invoiceNumber) => run.db.fseByInvoice(run.serial, invoiceNumber));
    const number = check.lot === undefined ? undefined : { destination: check.lot.destination, lotNumber: check.lot.lotNumber };
    // The same number with other bytes, while the earlier lot was never freed: a terminal that re-used a number (after the 999 → 1 wrap, the earlier one was freed).
    const clash = number === undefined ? undefined : run.db.lotsNumbered(run.serial, number.destination, number.lotNumber).find((l) => l.freedAt === undefined);
    if (clash !== undefined && number !== undefined) {
      const item = `${number.destination}-${String(number.lotNumber).padStart(3, '0')}`;
      run.db.recordConflict({ terminalSerial: run.serial, kind: 'lot', item, heldDigest: clash.digest, offeredDigest: digest, bytes, at: run.options.now() }, run.syncId);
      run.conflicts.push({ kind: 'lot', id, item });
      itemDone(run, 'lot', id, 'conflict');
      return;
    }
    const { verdict, reason, detail, fseIds } = check;
    lot = run.db.storeLot(
      { terminalSerial: run.serial, ...number, bytes, digest, verdict, ...(reason === undefined ? {} : { reason }), ...(detail === undefined ? {} : { detail }), receivedAt: run.options.now(), state: 'signed', fseIds },
      run.syncId,
    );
    run.stored += 1;
    if (lot.verdict === 'verified') run.verified += 1;
  } else run.alreadyHeld += 1;
  run.lots.set(id, lot.id);
  if (lot.verdict === 'verified') run.ackable.push(id);
  else run.rejected.push({ kind: 'lot', id, reason: lot.reason!, detail: lot.detail ?? '' });
  itemDone(run, 'lot', id, held ? 'held' : 'stored', lot.verdict);
}

/**
 * `list-fses`, or, when the terminal answers `quarantined` and the options
 * name a quarantine folder, take and release its quarantined stores first,
 * then list the fresh store.
 */
async function listFses(run: Run, terminal: TerminalIdentity): Promise<{ fses: readonly LinkFseEntry[]; quarantine?: QuarantineSummary }> {
  const { quarantineFolder: folder, now, signal, requestTimeoutMs, onProgress } = run.options;
  try {
    return { fses: (await ask(run, { kind: 'list-fses' }))!.fses };
  } catch (error) {
    if (folder === undefined || !isSyncError(error, 'quarantined')) throw error;
  }
  run.db.journal(run.syncId, 'quarantine', 'the terminal\'s store is in quarantine: taking the quarantined stores first');
  const quarantine = await takeQuarantinedStores(run.link, run.db, { folder, now, terminal, ...(signal === undefined ? {} : { signal }), ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }), ...(onProgress === undefined ? {} : { onProgress }) });
  run.db.journal(run.syncId, 'quarantine', quarantine.quarantines.map((q) => `${q.id} ${q.reason}: ${q.outcome}${q.nextInvoiceNumber === undefined ? '' : `, invoices from ${q.nextInvoiceNumber}`}`).join('; '));
  return { fses: (await ask(run, { kind: 'list-fses' }))!.fses, quarantine };
}

/** Acknowledge what the host holds; record what the terminal freed. */
async function acknowledge(run: Run): Promise<number[]> {
  const freed: number[] = [];
  for (let i = 0; i < run.ackable.length; i += MAX_ACK_IDS) {
    const ids = run.ackable.slice(i, i + MAX_ACK_IDS);
    run.db.journal(run.syncId, 'acknowledging', ids.join(','));
    progress(run, { phase: 'acknowledging', ids });
    const answer = await ask(run, { kind: 'acknowledge', ids });
    const now = answer!.freed;
    const fseIds = now.filter((f) => !isLotLinkId(f)).flatMap((f) => run.db.fseByInvoice(run.serial, f)?.id ?? []);
    const lotIds = now.filter(isLotLinkId).flatMap((l) => run.lots.get(l) ?? []);
    run.db.markFreed(run.syncId, { fseIds, lotIds }, run.options.now());
    progress(run, { phase: 'acknowledged', freed: now });
    freed.push(...now);
  }
  return freed;
}

/**
 * Sync the terminal at the other end of `link` into `db` (see the module).
 * @example
 * const summary = await syncTerminal(openLink(port), db, { ca: readFileSync('test-vectors/pki/ca/ca.cert.pem', 'utf8'), now: Date.now, utcOffsetMinutes: 60 });
 * summary.acknowledged; // link ids the terminal may now free
 * @throws TypeError / RangeError for bad options (synchronously, as a rejected promise).
 * @returns a promise that rejects with a {@link SyncError} (`link-failed`,
 * `canceled`, `busy`, `terminal-refused`, `protocol-error`) or a
 * `HostDatabaseError`; what was stored before stays stored.
 */
export async function syncTerminal(link: Link, db: HostDatabase, options: SyncOptions): Promise<SyncSummary> {
  checkOptions(options);
  const anchors: TrustAnchors = { ca: options.ca, ...(options.revokedSerials === undefined ? {} : { revokedSerials: options.revokedSerials }) };
  const run: Run = { link, db, options, anchors, serial: '', syncId: 0, done: 0, total: 0, fetched: 0, alreadyHeld: 0, stored: 0, verified: 0, rejected: [], conflicts: [], vanished: [], ackable: [], lots: new Map() };
  const identity = await ask(run, { kind: 'identify' });
  const terminal: TerminalIdentity = { serial: identity!.serial, model: identity!.model, firmware: identity!.firmware, agreementNumber: identity!.agreementNumber };
  run.serial = terminal.serial;
  db.upsertTerminal(terminal, options.now());
  run.syncId = db.beginSync(terminal.serial, options.now());
  progress(run, { phase: 'identified', terminal, syncId: run.syncId });
  try {
    const hostNow = options.now();
    const clock = await ask(run, { kind: 'set-clock', epochMs: hostNow, utcOffsetMinutes: options.utcOffsetMinutes });
    const clockDriftMs = clock!.previousEpochMs - hostNow;
    db.recordClockDrift(terminal.serial, clockDriftMs);
    db.journal(run.syncId, 'clock-set', `terminal clock was ${clockDriftMs} ms ${clockDriftMs >= 0 ? 'ahead' : 'behind'}`);
    progress(run, { phase: 'clock-set', driftMs: clockDriftMs });
    const { fses: listed, quarantine } = await listFses(run, terminal);
    const byId = (a: LinkFseEntry, b: LinkFseEntry) => a.id - b.id;
    const fses = listed.filter((e) => !isLotLinkId(e.id)).sort(byId);
    const lots = listed.filter((e) => isLotLinkId(e.id)).sort(byId);
    run.total = fses.length + lots.length;
    db.journal(run.syncId, 'listed', `${fses.length} FSE(s), ${lots.length} lot(s)`);
    progress(run, { phase: 'listed', fses: fses.length, lots: lots.length });
    for (const entry of fses) await syncFse(run, entry.id);
    for (const entry of lots) await syncLot(run, entry.id);
    const freed = run.ackable.length === 0 ? [] : await acknowledge(run);
    const summary: SyncSummary = {
      syncId: run.syncId,
      terminal,
      clockDriftMs,
      listed: { fses: fses.length, lots: lots.length },
      fetched: run.fetched,
      alreadyHeld: run.alreadyHeld,
      stored: run.stored,
      verified: run.verified,
      rejected: run.rejected,
      conflicts: run.conflicts,
      vanished: run.vanished,
      acknowledged: [...run.ackable],
      freed,
      ...(quarantine === undefined ? {} : { quarantine }),
    };
    db.endSync(run.syncId, 'done', JSON.stringify(summary, (_, v: unknown) => (v instanceof Uint8Array ? undefined : v)), options.now());
    return summary;
  } catch (error) {
    try {
      db.endSync(run.syncId, 'failed', error instanceof Error ? `${error.name}: ${error.message}` : String(error), options.now());
    } catch {
      // The database itself may be what failed: the original error is the one to report.
    }
    throw error;
  }
}

