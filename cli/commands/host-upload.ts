/**
 * `bifente host upload`: send the signed lots the host holds to the
 * teleservice, follow their ARLs and returns, rebuild the lots a negative
 * ARL rejected (signed with the same CPS), send and follow those, and show
 * every lot's state (host-sdk README "Upload").
 * @module
 */
import {
  followAcknowledgements,
  rebuildRejectedLots,
  uploadLots,
  connectTeleservice,
  type FollowSummary,
  type HostDatabase,
  type HostLot,
  type RebuildSummary,
  type TeleserviceClient,
  type UploadSummary,
} from '../../host-sdk/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Io } from '../command.js';
import { lotLabel, toJson } from '../format.js';
import { createProgress, type Progress } from '../progress.js';
import { formatTable } from '../table.js';
import { HOST_EXIT, teleserviceFailure } from './host-exit.js';
import { openExistingDatabase } from './host-report.js';
import { openSigner, SIGNER_OPTIONS, signerSpec, type OpenSigner } from './host-signer.js';

/** The host software's agreement number written in the B2 trailers, unless `--software-agreement` (ours: a test number). */
const SOFTWARE_AGREEMENT = 'BIFENTE-0001';

/** One lot of the final table and of `--json`. */
export interface UploadedLotRow {
  readonly id: number;
  readonly terminal: string;
  readonly destination: string;
  readonly lotNumber: number;
  readonly fses: number;
  readonly state: string;
  /** `L0005 <label>` for a negative ARL. */
  readonly arlReason?: string;
  readonly receiptId?: string;
  /** What the return paid (integer cents), once it came. */
  readonly paidCents?: number;
  readonly rejectedInvoices?: number;
}

/** What one pass did (send, then follow). */
interface Pass {
  readonly upload: UploadSummary;
  readonly follow: FollowSummary;
}

const euros = (cents: number): string => `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;

/** Every verified lot with its upload record and returns. */
export function lotRows(db: HostDatabase): UploadedLotRow[] {
  return db.listLots({ verdict: 'verified' }).map((lot: HostLot) => {
    const upload = db.uploads.get(lot.id);
    const returns = db.uploads.invoiceReturns(lot.id);
    const reason = lot.state === 'arl-negative' ? db.lotHistory(lot.id).at(-1)?.reason : undefined;
    return {
      id: lot.id,
      terminal: lot.terminalSerial,
      destination: lot.destination ?? '?',
      lotNumber: lot.lotNumber ?? 0,
      fses: lot.fseIds.length,
      state: lot.state,
      ...(reason === undefined ? {} : { arlReason: reason }),
      ...(upload === undefined ? {} : { receiptId: upload.receiptId }),
      ...(returns.length === 0 ? {} : { paidCents: returns.reduce((sum, r) => sum + (r.outcome === 'paid' ? r.paidCents : 0), 0), rejectedInvoices: returns.filter((r) => r.outcome === 'rejected').length }),
    };
  });
}

function rowsText(rows: readonly UploadedLotRow[]): string {
  return formatTable(
    [{ header: 'id', right: true }, { header: 'lot' }, { header: 'FSEs', right: true }, { header: 'state' }, { header: 'ARL reason' }, { header: 'paid', right: true }, { header: 'rejected invoices', right: true }],
    rows.map((r) => [String(r.id), lotLabel(r.destination, r.lotNumber), String(r.fses), r.state, r.arlReason ?? '-', r.paidCents === undefined ? '-' : euros(r.paidCents), r.rejectedInvoices === undefined ? '-' : String(r.rejectedInvoices)]),
  );
}

/**
 * The lots a person must look at (exit 8), for its one line: a negative ARL
 * a new lot cannot fix (`131-001 L0006 <label>`), a lot the teleservice
 * refused or the host cannot build (`751-001 refused: <message>`); each lot once.
 */
function stuckLots(db: HostDatabase, rebuild: RebuildSummary, passes: readonly Pass[]): string[] {
  const name = (lotId: number): string => {
    const lot = db.getLot(lotId);
    return lotLabel(lot.destination, lot.lotNumber);
  };
  const lines = new Map<number, string>();
  for (const u of rebuild.unfixable) lines.set(u.lotId, `${name(u.lotId)} ${db.lotHistory(u.lotId).at(-1)?.reason ?? u.reason}`);
  for (const f of passes.flatMap((p) => p.upload.failed)) if (!lines.has(f.lotId)) lines.set(f.lotId, `${name(f.lotId)} ${f.kind}: ${f.message.replace(/\s+/g, ' ')}`);
  return [...lines.values()];
}

/** Send every `signed` lot, then follow ARLs and returns; progress on the way. */
async function pass(db: HostDatabase, client: TeleserviceClient, progress: Progress, softwareAgreement: string, signal: AbortSignal | undefined): Promise<Pass> {
  const options = signal === undefined ? {} : { signal };
  const upload = await uploadLots(db, client, { softwareAgreement, ...options, onProgress: (p) => progress.step(p.done, p.total, `lot ${p.lotId}: ${p.outcome}`) });
  progress.note(`${upload.sent.length} lot(s) sent${upload.failed.length === 0 ? '' : `, ${upload.failed.length} not sent`}`);
  for (const f of upload.failed) progress.note(`lot ${f.lotId} not sent (${f.kind}): ${f.message}`);
  const unreachable = upload.failed.find((f) => f.kind === 'unreachable');
  if (unreachable !== undefined) throw unreachable.error;
  const follow = await followAcknowledgements(db, client, options);
  for (const a of follow.arls) progress.note(`ARL ${lotLabel(a.destination, a.lotNumber)}: ${a.status}${a.reason === undefined ? '' : ` ${a.reason} ${a.label ?? ''}`.trimEnd()}`);
  for (const p of follow.pending) progress.note(`ARL of lot ${p.lotId} not available before ${new Date(p.availableAt).toISOString()}`);
  for (const p of follow.payments) progress.note(`return of lot ${p.lotId}: ${euros(p.paidCents)} paid, ${p.rejected.length} invoice(s) rejected`);
  return { upload, follow };
}

/** Run `bifente host upload …`. */
export async function runHostUpload(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...SIGNER_OPTIONS, db: { type: 'string', default: 'host.db' }, 'software-agreement': { type: 'string', default: SOFTWARE_AGREEMENT } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!/^[ -~]{1,12}$/.test(values['software-agreement'])) throw new UsageError('--software-agreement has 1 to 12 printable characters');
  const spec = signerSpec(values);
  const fail = (code: number, message: string): number => {
    io.err(`bifente host upload: ${message}\n`);
    return code;
  };
  const db = await openExistingDatabase('upload', values.db, io);
  if (typeof db === 'number') return db;
  const progress = createProgress(io.err, values.json ? 'silent' : process.stderr.isTTY === true ? 'tty' : 'lines');
  let cps: OpenSigner | undefined;
  try {
    cps = await openSigner(spec);
    const client = await connectTeleservice(spec.url, { signer: cps.signer, clock: { now: Date.now } });
    const first = await pass(db, client, progress, values['software-agreement'], io.signal);
    const rebuild: RebuildSummary = await rebuildRejectedLots(db, cps.signer, { clock: { now: Date.now }, utcOffsetMinutes: -new Date().getTimezoneOffset(), ...(io.signal === undefined ? {} : { signal: io.signal }) });
    for (const r of rebuild.rebuilt) progress.note(`rebuilt lot ${lotLabel(r.destination, r.lotNumber)} from lot(s) ${r.from.join(', ')}: ${r.invoiceNumbers.length} FSE(s), signed with the CPS`);
    for (const u of rebuild.unfixable) progress.note(`lot ${u.lotId} (${u.reason}) cannot be fixed by a new lot: ${u.why}`);
    const second = rebuild.rebuilt.length === 0 ? undefined : await pass(db, client, progress, values['software-agreement'], io.signal);
    progress.end();
    const lots = lotRows(db);
    const passes = second === undefined ? [first] : [first, second];
    io.out(values.json ? toJson({ database: db.path, teleservice: spec.url, passes, rebuild, lots }) : rowsText(lots));
    const stuck = stuckLots(db, rebuild, passes);
    return stuck.length === 0 ? HOST_EXIT.ok : fail(HOST_EXIT.lotRejected, `${stuck.length} lot(s) stay rejected, a person looks: ${stuck.join('; ')}`);
  } catch (error) {
    progress.end();
    const failure = teleserviceFailure(error, spec.url);
    return fail(failure.code, failure.message);
  } finally {
    await cps?.close();
    db.close();
  }
}
