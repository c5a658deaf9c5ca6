/**
 * Following the lots sent (OURS, README "Upload"): the ARL of every lot
 * awaiting one (`GET /v1/lots/{receipt}/arl`: 202 pending, 200 the ARL;
 * recorded with the move to `arl-positive` or `arl-negative` in one
 * transaction), then the returns since the persisted cursor (`GET
 * /v1/returns?since=`: each page recorded with the new cursor in one
 * transaction, each lot `paid`, each invoice paid or rejected with its codes).
 * @module
 */
import { parseArl, type ArlAnswer, type ArlReady, type LotReturn, type ReturnsPage } from '../../protocol/index.js';
import type { HostDatabase } from '../database/host-database.js';
import type { NewInvoiceReturn } from '../database/upload-table.js';
import type { TeleserviceClient } from '../teleservice/teleservice-client.js';
import { TeleserviceClientError } from '../teleservice/teleservice-error.js';
import type { FollowOptions, FollowSummary, LotArl, LotPayment } from './upload-types.js';

/** The ARL answer's record, checked to be a readable ARL that says what the JSON says. */
function arlRecord(answer: ArlReady): Uint8Array {
  const record = new Uint8Array(Buffer.from(answer.arl, 'base64url'));
  const parsed = parseArl(record);
  if (!parsed.ok || parsed.value.status !== answer.status || parsed.value.lotNumber !== answer.lotNumber || parsed.value.destination !== answer.destination) {
    throw new TeleserviceClientError('http', `the ARL of receipt ${answer.receiptId} is not a readable ARL matching its answer${parsed.ok ? '' : `: ${parsed.error.message}`}`);
  }
  return record;
}

/** The invoices of a return matched to the FSEs of the host's lot. */
function invoicesOf(db: HostDatabase, lotId: number, ret: LotReturn): { invoices: NewInvoiceReturn[]; payment: LotPayment } {
  const fseOf = new Map(db.getLot(lotId).fseIds.map((id) => [db.getFse(id).invoiceNumber, id]));
  const invoices: NewInvoiceReturn[] = [];
  const payment = { lotId, paidCents: 0, paidInvoices: 0, rejected: [] as { invoiceNumber: number; codes: string[] }[], warnings: [] as { invoiceNumber: number; codes: string[] }[] };
  for (const i of ret.invoices) {
    const fseId = fseOf.get(i.invoiceNumber);
    if (fseId === undefined) throw new TeleserviceClientError('http', `return ${ret.returnId} names invoice ${i.invoiceNumber}, not in lot ${lotId}`);
    const codes = { rejections: i.rejections.map((n) => n.code), warnings: i.warnings.map((n) => n.code) };
    const paid = i.status === 'paid';
    const paidCents = paid ? (i.amoCents ?? 0) : 0;
    invoices.push({ fseId, outcome: i.status, paidCents, ...(paid ? { paidOn: i.paidOn ?? '' } : {}), codes });
    if (paid) {
      payment.paidCents += paidCents;
      payment.paidInvoices++;
    } else payment.rejected.push({ invoiceNumber: i.invoiceNumber, codes: codes.rejections });
    if (codes.warnings.length > 0) payment.warnings.push({ invoiceNumber: i.invoiceNumber, codes: codes.warnings });
  }
  return { invoices, payment };
}

/**
 * Poll the ARL of every lot sent without one, then read the returns since
 * the cursor. Calls go through the client's retrier; a failure that outlives
 * it is thrown (what was recorded stays; the next run goes on from there).
 * @example const { arls, payments, pending } = await followAcknowledgements(db, client);
 */
export async function followAcknowledgements(db: HostDatabase, client: TeleserviceClient, options: FollowOptions = {}): Promise<FollowSummary> {
  const call = <T>(method: 'GET', path: string): Promise<T> =>
    client.retrier.run(() => client.call<T>(method, path, undefined, options.signal === undefined ? {} : { signal: options.signal }), options.signal === undefined ? {} : { signal: options.signal });
  const arls: LotArl[] = [];
  const pending: { lotId: number; availableAt: number }[] = [];
  for (const upload of db.uploads.awaitingArl()) {
    const answer = await call<ArlAnswer>('GET', `/v1/lots/${encodeURIComponent(upload.receiptId)}/arl`);
    if (answer.status === 'pending') {
      pending.push({ lotId: upload.lotId, availableAt: Date.parse(answer.availableAt) });
      continue;
    }
    const negative = answer.status === 'negative' ? { reason: answer.reason ?? 'L0000', ...(answer.label === undefined ? {} : { label: answer.label }), ...(answer.message === undefined ? {} : { message: answer.message }) } : {};
    const moved = db.uploads.recordArl(upload.lotId, { record: arlRecord(answer), status: answer.status, at: client.clock.now(), ...negative });
    if (!moved.ok) throw new Error(`lot ${upload.lotId}: ${moved.message}`);
    arls.push({ lotId: upload.lotId, status: answer.status, destination: answer.destination, lotNumber: answer.lotNumber, ...negative });
  }

  const payments: LotPayment[] = [];
  let unknownReturns = 0;
  let cursor = db.uploads.returnsCursor(client.baseUrl);
  for (;;) {
    const page = await call<ReturnsPage>('GET', `/v1/returns?since=${cursor}`);
    const lots: { lotId: number; returnId: number; invoices: NewInvoiceReturn[] }[] = [];
    for (const ret of page.returns) {
      const lotId = db.uploads.lotOfReceipt(ret.receiptId);
      if (lotId === undefined) {
        unknownReturns++;
        continue;
      }
      const state = db.getLot(lotId).state;
      if (state === 'paid') continue; // already recorded: a return listed again is harmless
      if (state !== 'arl-positive') throw new TeleserviceClientError('http', `return ${ret.returnId} is for lot ${lotId}, which is ${state}, not positively acknowledged`);
      const { invoices, payment } = invoicesOf(db, lotId, ret);
      lots.push({ lotId, returnId: ret.returnId, invoices });
      payments.push(payment);
    }
    db.uploads.recordReturns(client.baseUrl, lots, page.next, client.clock.now());
    if (page.returns.length === 0 || page.next === cursor) break;
    cursor = page.next;
  }
  return { arls, pending, payments, unknownReturns, cursor };
}
