/**
 * Sending the host's signed lots to the teleservice (OURS, README "Upload"):
 * each lot in state `signed` becomes its B2 file (protocol/b2 `b2FromLot`
 * over the FSEs the host holds), is posted with the signed lot through the
 * client's retrier (seeded backoff), and its receipt is recorded in ONE
 * transaction with the move to `sent`. A crash between the answer and that
 * transaction leaves the lot `signed`: the next run posts it again and the
 * server, idempotent on the signed lot's SHA-256, answers the same receipt.
 * @module
 */
import { b2FromLot, encodeB2File, parseSecuredFse, parseSignedLot, type LotReceipt, type LotUpload, type SecuredFse } from '../../protocol/index.js';
import type { HostDatabase } from '../database/host-database.js';
import type { HostLot } from '../database/records.js';
import type { TeleserviceClient } from '../teleservice/teleservice-client.js';
import { isTeleserviceClientError, TeleserviceClientError } from '../teleservice/teleservice-error.js';
import type { UploadedLot, UploadFailure, UploadOptions, UploadSummary } from './upload-types.js';

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** The body of `POST /v1/lots` for a held lot, or why none can be made. */
export function lotUploadBody(db: HostDatabase, lot: HostLot, options: Pick<UploadOptions, 'softwareAgreement' | 'marking'>): LotUpload | { error: string } {
  const bytes = db.lotBytes(lot.id);
  const signed = parseSignedLot(bytes);
  if (!signed.ok) return { error: `the signed lot does not parse: ${signed.error.message}` };
  const fses: SecuredFse[] = [];
  for (const fseId of lot.fseIds) {
    const parsed = parseSecuredFse(db.fseBytes(fseId));
    if (!parsed.ok) return { error: `FSE ${fseId} does not parse: ${parsed.error.message}` };
    fses.push(parsed.value);
  }
  const b2 = b2FromLot(signed.value, fses, { softwareAgreement: options.softwareAgreement, ...(options.marking === undefined ? {} : { marking: options.marking }) });
  if (!b2.ok) return { error: `no B2 file: ${b2.error.message} (${b2.error.path})` };
  return { b2: base64url(encodeB2File(b2.value)), signedLot: base64url(bytes) };
}

/** Errors that end the whole run rather than one lot: the caller canceled, or the CPS cannot authenticate. */
const endsTheRun = (error: unknown): boolean => isTeleserviceClientError(error, 'canceled', 'signer-failed');

/**
 * Send every verified lot in state `signed` (oldest first, `concurrency` at
 * a time) and record each receipt. A lot that cannot be sent stays `signed`
 * and is listed in `failed`; a cancellation or a CPS that cannot
 * authenticate (wrong PIN, blocked) ends the run with that
 * {@link TeleserviceClientError} (receipts already recorded stay).
 * @example const { sent, failed } = await uploadLots(db, client, { softwareAgreement: 'BIFENTE-0001' });
 */
export async function uploadLots(db: HostDatabase, client: TeleserviceClient, options: UploadOptions): Promise<UploadSummary> {
  const lots = db.listLots({ state: 'signed', verdict: 'verified' });
  const sent: UploadedLot[] = [];
  const failed: UploadFailure[] = [];
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
  let next = 0;
  let fatal: unknown;
  const report = (lotId: number, outcome: 'sent' | 'failed'): void => options.onProgress?.({ done: sent.length + failed.length, total: lots.length, lotId, outcome });

  async function send(lot: HostLot): Promise<void> {
    const body = lotUploadBody(db, lot, options);
    if ('error' in body) {
      failed.push({ lotId: lot.id, kind: 'unbuildable', message: body.error });
      return report(lot.id, 'failed');
    }
    let attempts = 0;
    try {
      const receipt = await client.retrier.run(
        (attempt) => {
          attempts = attempt + 1;
          return client.call<LotReceipt>('POST', '/v1/lots', body, options.signal === undefined ? {} : { signal: options.signal });
        },
        options.signal === undefined ? {} : { signal: options.signal },
      );
      const moved = db.uploads.recordSent(
        { lotId: lot.id, receiptId: receipt.receiptId, receipt, partner: receipt.partner, destination: receipt.destination, lotNumber: receipt.lotNumber, receivedAt: Date.parse(receipt.receivedAt), attempts },
        client.clock.now(),
      );
      if (!moved.ok) throw new Error(`lot ${lot.id}: ${moved.message}`);
      sent.push({ lotId: lot.id, receipt, attempts });
      report(lot.id, 'sent');
    } catch (error) {
      if (!(error instanceof TeleserviceClientError) || endsTheRun(error)) throw error;
      const kind = error.code === 'refused' || error.code === 'locked' ? 'refused' : 'unreachable';
      failed.push({ lotId: lot.id, kind, message: error.message, error });
      report(lot.id, 'failed');
    }
  }

  async function worker(): Promise<void> {
    while (fatal === undefined && next < lots.length) {
      const lot = lots[next++]!;
      try {
        await send(lot);
      } catch (error) {
        fatal ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, lots.length) }, worker));
  if (fatal !== undefined) throw fatal;
  return { sent, failed };
}
