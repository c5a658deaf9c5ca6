/**
 * The host takes a terminal's quarantined stores, then releases them
 * (issue 6: the terminal "refuses to capture until the host has taken the
 * data"; OURS, README "Quarantined stores"): list → for each quarantine
 * still pending that this host has not recorded, fetch every file in
 * chunks onto disk (whole or absent) → record it in the host database with
 * each file's size and SHA-256 → only THEN release it with the next
 * invoice number ({@link nextInvoiceNumberAfterQuarantine}) → record the
 * release. Run again after any stop: what is not recorded is fetched
 * again from the start; what is recorded but not released is released; a
 * release the terminal answers `refused` (an earlier one got through, its
 * answer was lost) is recorded as done. The release is never sent before
 * the record.
 * @module
 */
import { join } from 'node:path';
import type { Link } from '../../drivers/index.js';
import { LINK_ERROR, type LinkQuarantineEntry } from '../../protocol/index.js';
import type { HostDatabase, TerminalIdentity } from '../database/host-database.js';
import type { QuarantineFileRecord, QuarantineRecord } from '../database/quarantine-table.js';
import { ask, type AskTarget } from '../sync/link-ask.js';
import { SyncError } from '../sync/sync-error.js';
import { nextInvoiceNumberAfterQuarantine } from './next-invoice-number.js';
import { fetchQuarantinedFile, isPlainName, makeFolder } from './quarantine-files.js';
import type { QuarantineSummary, TakeQuarantineOptions, TakenQuarantine } from './quarantine-types.js';

interface Take {
  readonly target: AskTarget;
  readonly db: HostDatabase;
  readonly options: TakeQuarantineOptions;
  readonly serial: string;
}

function checkOptions(options: TakeQuarantineOptions): void {
  if (typeof options.folder !== 'string' || options.folder === '') throw new TypeError('takeQuarantinedStores needs options.folder, where the files go');
  if (typeof options.now !== 'function') throw new TypeError('takeQuarantinedStores needs options.now, the host clock');
}

/** Fetch every file of `entry` and record it; the record. */
async function takeFiles(take: Take, entry: LinkQuarantineEntry): Promise<QuarantineRecord> {
  const folder = join(take.options.folder, take.serial, String(entry.id).padStart(4, '0'));
  await makeFolder(folder);
  const files: QuarantineFileRecord[] = [];
  for (const file of entry.files) {
    const onChunk = (written: number) => take.options.onProgress?.({ phase: 'quarantine-chunk', id: entry.id, name: file.name, written, size: file.size });
    files.push(await fetchQuarantinedFile(take.target, entry.id, file, folder, onChunk));
  }
  const record = take.db.quarantines.recordTaken({
    terminalSerial: take.serial,
    quarantineId: entry.id,
    reason: entry.reason,
    at: entry.at,
    detail: entry.detail,
    folder,
    files,
    takenAt: take.options.now(),
  });
  take.options.onProgress?.({ phase: 'quarantine-recorded', id: entry.id, folder, files });
  return record;
}

/** Release a recorded quarantine; its outcome and the terminal's pending count (undefined when refused). */
async function release(take: Take, record: QuarantineRecord): Promise<{ nextInvoiceNumber: number; pending: number | undefined }> {
  const nextInvoiceNumber = nextInvoiceNumberAfterQuarantine(take.db.quarantines.highestInvoiceNumber(take.serial));
  const answer = await ask(take.target, { kind: 'release-quarantined', id: record.quarantineId, nextInvoiceNumber }, [LINK_ERROR.refused]);
  take.db.quarantines.markReleased(take.serial, record.quarantineId, { at: take.options.now(), nextInvoiceNumber });
  return { nextInvoiceNumber, pending: answer?.pending };
}

async function takeOne(take: Take, entry: LinkQuarantineEntry): Promise<TakenQuarantine> {
  const held = take.db.quarantines.get(take.serial, entry.id);
  const base = { id: entry.id, reason: entry.reason, at: entry.at };
  if (held !== undefined && held.at !== entry.at) throw new SyncError('protocol-error', `quarantine ${entry.id} of ${take.serial} was recorded from ${new Date(held.at).toISOString()}, the terminal now lists one from ${new Date(entry.at).toISOString()}: see README "Quarantined stores"`);
  if (entry.releasedAt !== undefined) {
    if (held === undefined) return { ...base, outcome: 'released-elsewhere', files: [] };
    // Released on the terminal, not here: the answer was lost. The rule gives the same number: nothing new is stored for a terminal while it is quarantined (list-fses is refused).
    const done = held.released ?? take.db.quarantines.markReleased(take.serial, entry.id, { at: entry.releasedAt, nextInvoiceNumber: nextInvoiceNumberAfterQuarantine(take.db.quarantines.highestInvoiceNumber(take.serial)) }).released!;
    return { ...base, outcome: held.released === undefined ? 'released-before' : 'done', folder: held.folder, files: held.files, nextInvoiceNumber: done.nextInvoiceNumber };
  }
  const record = held ?? (await takeFiles(take, entry));
  const { nextInvoiceNumber, pending } = await release(take, record);
  if (pending !== undefined) take.options.onProgress?.({ phase: 'quarantine-released', id: entry.id, nextInvoiceNumber, pending });
  return { ...base, outcome: pending === undefined ? 'released-before' : held === undefined ? 'taken' : 'released', folder: record.folder, files: record.files, nextInvoiceNumber };
}

/**
 * Take every quarantined store of the terminal at the other end of `link`
 * into `options.folder` and `db`, then release each (see the module).
 * @example
 * const summary = await takeQuarantinedStores(openLink(port), db, { folder: '/var/lib/bifente/quarantine', now: Date.now });
 * summary.quarantines; // each taken and released (or done before): the terminal captures again
 * @throws TypeError for bad options (as a rejected promise).
 * @returns a promise that rejects with a {@link SyncError} (`link-failed`,
 * `canceled`, `busy`, `terminal-refused`, `protocol-error`), a
 * `HostDatabaseError` or a file system error; what was recorded stays
 * recorded, a file not recorded is fetched again by the next run.
 */
export async function takeQuarantinedStores(link: Link, db: HostDatabase, options: TakeQuarantineOptions): Promise<QuarantineSummary> {
  checkOptions(options);
  const target: AskTarget = { link, options };
  let terminal: TerminalIdentity | undefined = options.terminal;
  if (terminal === undefined) {
    const identity = (await ask(target, { kind: 'identify' }))!;
    terminal = { serial: identity.serial, model: identity.model, firmware: identity.firmware, agreementNumber: identity.agreementNumber };
    db.upsertTerminal(terminal, options.now());
  }
  if (!isPlainName(terminal.serial)) throw new SyncError('protocol-error', `the terminal's serial ${JSON.stringify(terminal.serial)} cannot name a folder`);
  const take: Take = { target, db, options, serial: terminal.serial };
  const listed = (await ask(target, { kind: 'list-quarantined' }))!.quarantines;
  const unreleased = listed.filter((q) => q.releasedAt === undefined).length;
  options.onProgress?.({ phase: 'quarantine-listed', pending: unreleased, released: listed.length - unreleased });
  const quarantines: TakenQuarantine[] = [];
  for (const entry of listed) quarantines.push(await takeOne(take, entry));
  return { terminal, quarantines };
}
