/**
 * `bifente host sync`: open the link to the terminal, run the host SDK's
 * sync (fetch, verify, store, then acknowledge), show its progress and what
 * it did.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';
import { openLink, type Link } from '../../drivers/index.js';
import { revokedSerials } from '../../emulator/index.js';
import { isLotLinkId, lotStoreId } from '../../protocol/index.js';
import { openHostDatabase, syncTerminal, type HostDatabase, type SyncProgress, type SyncSummary } from '../../host-sdk/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Io } from '../command.js';
import { toJson } from '../format.js';
import { createProgress, type Progress } from '../progress.js';
import { formatTable } from '../table.js';
import { defaultLink, linkName, openLinkPort, parseLinkSpec } from './host-link.js';
import { HOST_EXIT, hostFailure } from './host-exit.js';

/** The test CA and its CRL (test-vectors/pki/ca/): the defaults of `--ca` and `--crl`. */
const TEST_CA = fileURLToPath(new URL('../../test-vectors/pki/ca/ca.cert.pem', import.meta.url));
const TEST_CRL = fileURLToPath(new URL('../../test-vectors/pki/ca/crl.pem', import.meta.url));

/** Options of `host sync`, shared with its usage text. */
export const SYNC_OPTIONS = {
  link: { type: 'string' },
  db: { type: 'string', default: 'host.db' },
  ca: { type: 'string', default: TEST_CA },
  crl: { type: 'string', default: TEST_CRL },
  timeout: { type: 'string', default: '5000' },
  /** Where quarantined stores go; default: `quarantine/` next to the database. */
  'quarantine-dir': { type: 'string' },
} as const;

/** `item` progress as one line: what, which, what became of it. */
function itemLabel(e: Extract<SyncProgress, { phase: 'item' }>): string {
  const which = isLotLinkId(e.id) ? `lot ${lotStoreId(e.id)}` : `FSE ${e.id}`;
  return `${which}: ${e.outcome}${e.verdict === undefined ? '' : `, ${e.verdict}`}`;
}

function reportProgress(progress: Progress, e: SyncProgress): void {
  switch (e.phase) {
    case 'identified':
      return progress.note(`terminal ${e.terminal.serial} (${e.terminal.model}, firmware ${e.terminal.firmware})`);
    case 'clock-set':
      return progress.note(`clock set (it was ${(e.driftMs / 1000).toFixed(1)} s ${e.driftMs < 0 ? 'slow' : 'fast'})`);
    case 'listed':
      return progress.note(`${e.fses} FSE(s) and ${e.lots} lot(s) on the terminal`);
    case 'item':
      return progress.step(e.done, e.total, itemLabel(e));
    case 'acknowledging':
      return progress.note(`acknowledging ${e.ids.length} item(s)`);
    case 'acknowledged':
      return progress.note(`the terminal freed ${e.freed.length} item(s)`);
    case 'quarantine-listed':
      return progress.note(`the terminal's store is in quarantine: ${e.pending} quarantined store(s) to take first`);
    case 'quarantine-chunk':
      return progress.step(e.written, e.size, `quarantine ${e.id}: ${e.name}`);
    case 'quarantine-recorded':
      return progress.note(`quarantine ${e.id}: ${e.files.length} file(s) kept in ${e.folder}`);
    case 'quarantine-released':
      return progress.note(`quarantine ${e.id} released: the terminal numbers invoices from ${e.nextInvoiceNumber}`);
  }
}

/** The summary as a table for people, then the rejections and conflicts with their reasons. */
export function summaryText(s: SyncSummary): string {
  const rows: [string, number][] = [
    ['listed', s.listed.fses + s.listed.lots],
    ['fetched', s.fetched],
    ['already held', s.alreadyHeld],
    ['stored', s.stored],
    ['verified', s.verified],
    ['rejected', s.rejected.length],
    ['conflicts', s.conflicts.length],
    ['vanished', s.vanished.length],
    ['acknowledged', s.acknowledged.length],
    ['freed', s.freed.length],
  ];
  let text = `sync ${s.syncId} with terminal ${s.terminal.serial}\n\n`;
  if (s.quarantine !== undefined) {
    text += `Quarantined stores taken first:\n${formatTable([{ header: 'id', right: true }, { header: 'reason' }, { header: 'outcome' }, { header: 'next invoice', right: true }, { header: 'folder' }], s.quarantine.quarantines.map((q) => [String(q.id), q.reason, q.outcome, q.nextInvoiceNumber === undefined ? '' : String(q.nextInvoiceNumber), q.folder ?? '']))}\n`;
  }
  text += `${formatTable([{ header: 'items' }, { header: 'count', right: true }], rows.map(([k, n]) => [k, String(n)]))}`;
  if (s.rejected.length > 0) {
    text += `\nRejected (kept on the terminal):\n${formatTable([{ header: 'kind' }, { header: 'id', right: true }, { header: 'reason' }, { header: 'detail' }], s.rejected.map((r) => [r.kind, String(r.kind === 'lot' ? lotStoreId(r.id) : r.id), r.reason, r.detail]))}`;
  }
  if (s.conflicts.length > 0) {
    text += `\nConflicts (other bytes under an id the host holds; kept on the terminal):\n${formatTable([{ header: 'kind' }, { header: 'item' }], s.conflicts.map((c) => [c.kind, c.item]))}`;
  }
  return text;
}

/** The trust anchors: the CA (PEM) and the serials its CRL revokes; a message when a file does not read. */
function trust(caPath: string, crlPath: string): { ca: string; revoked: ReadonlySet<string> } | string {
  let ca: string;
  let crl: string;
  try {
    ca = readFileSync(caPath, 'utf8');
    crl = readFileSync(crlPath, 'utf8');
  } catch (error) {
    return `cannot read ${error instanceof Error ? error.message : String(error)}`;
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(ca);
  } catch {
    return `--ca ${caPath} is not an X.509 certificate (PEM)`;
  }
  const revoked = revokedSerials(crl, certificate);
  if (!revoked.ok) return `--crl ${crlPath}: ${revoked.message}`;
  return { ca, revoked: revoked.revokedSerials };
}

/** Run `bifente host sync …`. */
export async function runHostSync(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, SYNC_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const timeoutMs = Number(values.timeout);
  if (!/^[0-9]+$/.test(values.timeout) || timeoutMs < 1 || timeoutMs > 600_000) throw new UsageError('--timeout must be 1 to 600000 ms');
  const spec = values.link === undefined ? await defaultLink() : parseLinkSpec(values.link);
  const fail = (code: number, message: string): number => {
    io.err(`bifente host sync: ${message}\n`);
    return code;
  };
  if (spec === undefined) return fail(HOST_EXIT.link, 'terminal not found: no USB serial device (ttyACM*, ttyUSB*); plug the terminal in or give --link');
  const anchors = trust(values.ca, values.crl);
  if (typeof anchors === 'string') return fail(HOST_EXIT.invalid, anchors);
  const name = linkName(spec);
  const progress = createProgress(io.err, values.json ? 'silent' : process.stderr.isTTY === true ? 'tty' : 'lines');
  let db: HostDatabase | undefined;
  let link: Link | undefined;
  try {
    link = openLink(await openLinkPort(spec, io.signal), { requestTimeoutMs: timeoutMs });
    db = await openHostDatabase(values.db);
    const summary = await syncTerminal(link, db, {
      ca: anchors.ca,
      revokedSerials: anchors.revoked,
      now: Date.now,
      utcOffsetMinutes: -new Date().getTimezoneOffset(),
      quarantineFolder: values['quarantine-dir'] ?? join(dirname(values.db), 'quarantine'),
      onProgress: (e) => reportProgress(progress, e),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
    progress.end();
    io.out(values.json ? toJson({ link: name, database: db.path, ...summary }) : summaryText(summary));
    return summary.rejected.length + summary.conflicts.length > 0 ? HOST_EXIT.rejected : HOST_EXIT.ok;
  } catch (error) {
    progress.end();
    const failure = hostFailure(error, name);
    return fail(failure.code, failure.message);
  } finally {
    await link?.close();
    db?.close();
  }
}
