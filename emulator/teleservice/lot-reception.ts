/**
 * Lot reception (OURS, README "Lot reception"): parse the B2 file and the
 * signed lot (unreadable: 422, nothing stored), check who may send it
 * (403), then judge the lot (signature and certificate at the lot's date,
 * B2 matching the lot, destination, numbering) and store it with its ARL,
 * positive or negative, and for a positive one its NOEMIE-like return, in
 * one transaction. The same signed lot again answers the same receipt.
 * @module
 */
import {
  encodeArl,
  b2MatchesLot,
  parseArl,
  parseB2File,
  parseSignedLot,
  sha256,
  toHex,
  verifySignedLotValue,
  x509,
  type Arl,
  type ArlPending,
  type ArlReady,
  type B2File,
  type LotReceipt,
  type LotUpload,
  type ReturnContent,
  type ReturnsPage,
  type SignedLot,
} from '../../protocol/index.js';
import { fromBase64, toBase64Url } from './auth.js';
import { certificateRpps, type TeleserviceTrust } from './certificate.js';
import { TeleserviceError } from './errors.js';
import type { LotStore, ReceptionRow } from './lot-store.js';
import { lotReturn, type ReturnRule } from './lot-returns.js';
import type { PartnerBook } from './partners.js';
import type { TeleserviceStore } from './store.js';

/** Default delay before an ARL is available: 10 minutes of the clock (ours). */
export const DEFAULT_ARL_DELAY_MS = 10 * 60_000;
/** Default delay before the NOEMIE-like return is available: 1 day of the clock (ours). */
export const DEFAULT_RETURN_DELAY_MS = 24 * 3_600_000;
/** Most returns one `GET /v1/returns` answers. */
export const RETURNS_PAGE = 100;

/** What the ARL route answers: 202 pending, or 200 the ARL (README "`GET /v1/lots/{receiptId}/arl`"). */
export type ArlReply = { readonly status: 202; readonly body: ArlPending } | { readonly status: 200; readonly body: ArlReady };

/** What lot reception works with. */
export interface LotReceptionDeps {
  readonly store: TeleserviceStore;
  readonly lots: LotStore;
  readonly trust: TeleserviceTrust;
  readonly partners: PartnerBook;
  readonly now: () => number;
  readonly randomBytes: (size: number) => Uint8Array;
  readonly arlDelayMs: number;
  readonly returnDelayMs: number;
  readonly returnRules: readonly ReturnRule[];
  /** The label of a reason code (`test-vectors/b2/reason-codes.json`). */
  readonly label: (code: string) => string;
}

/** The three lot routes' work. */
export interface LotReception {
  receive(senderRpps: string, upload: LotUpload): { readonly created: boolean; readonly receipt: LotReceipt };
  arl(senderRpps: string, receiptId: string): ArlReply;
  returns(senderRpps: string, since: number): ReturnsPage;
}

type Verdict = { readonly reason: string; readonly message: string; readonly invoiceNumber?: number } | undefined;

const iso = (ms: number): string => new Date(ms).toISOString();
/** `YYMMDD` of a time, UTC (B2 and ARL dates). */
const yymmdd = (ms: number): string => iso(ms).slice(2, 10).replaceAll('-', '');
const pad3 = (n: number): string => String(n).padStart(3, '0');

function parseUpload(upload: LotUpload): { file: B2File; signed: SignedLot; signedBytes: Uint8Array; b2Bytes: Uint8Array } {
  const b2Bytes = fromBase64(upload.b2);
  const file = parseB2File(b2Bytes);
  if (!file.ok) throw new TeleserviceError('unreadable-b2', `the B2 file does not parse: ${file.error.reason} at ${file.error.path} (byte ${file.error.offset}): ${file.error.message}`);
  const signedBytes = fromBase64(upload.signedLot);
  const signed = parseSignedLot(signedBytes);
  if (!signed.ok) throw new TeleserviceError('unreadable-lot', `the signed lot does not parse: ${signed.error.reason} at ${signed.error.path} (byte ${signed.error.offset}): ${signed.error.message}`);
  return { file: file.value, signed: signed.value, signedBytes, b2Bytes };
}

/** Build the lot reception over the store (README "Lot reception"). */
export function createLotReception(deps: LotReceptionDeps): LotReception {
  const { lots, partners } = deps;
  const { ca } = deps.trust;

  /** Steps 7-9: signature and certificate at the lot's date, B2 against the lot, destination. */
  function contentVerdict(signed: SignedLot, file: B2File): Verdict {
    const lotTime = Date.parse(signed.lot.createdAt);
    const verified = verifySignedLotValue(signed, { ca, ...(Number.isNaN(lotTime) ? {} : { at: lotTime }), revokedSerials: deps.trust.revokedSerials });
    if (!verified.ok) return { reason: verified.reason === 'bad-signature' ? 'L0002' : 'L0003', message: verified.message };
    const mismatches = b2Mismatches(file, signed);
    if (mismatches !== undefined) return mismatches;
    if (!partners.knowsDestination(signed.lot.destination)) return { reason: 'L0006', message: `no organism ${signed.lot.destination} receives lots here` };
    return undefined;
  }

  /** Step 10: the number against the pair's sequence. */
  function numberVerdict(partner: string, signed: SignedLot): Verdict {
    const { destination, lotNumber } = signed.lot;
    const last = lots.lastNumber(partner, destination);
    if (last === undefined || lotNumber === (last % 999) + 1) return undefined;
    if (lots.hasPositive(partner, destination, lotNumber)) return { reason: 'L0005', message: `lot ${pad3(lotNumber)} of ${partner} for ${destination} was already received with another content` };
    return { reason: 'L0007', message: `lot ${pad3(lotNumber)} is out of sequence: ${pad3((last % 999) + 1)} is expected` };
  }

  const receiptOf = (row: ReceptionRow): LotReceipt => ({
    receiptId: row.id,
    lotHash: row.lotHash,
    partner: row.partner,
    destination: row.destination,
    lotNumber: row.lotNumber,
    invoiceCount: row.invoiceCount,
    totalCents: row.totalCents,
    amoCents: row.amoCents,
    receivedAt: iso(row.receivedAt),
    arlAvailableAt: iso(row.arlAt),
  });

  return {
    receive(senderRpps, upload) {
      const { file, signed, signedBytes, b2Bytes } = parseUpload(upload);
      const b2Lot = file.lots[0]!;
      const partner = b2Lot.partner;
      const certificate = x509(signed.cps.certificate);
      const signerRpps = certificate === undefined ? undefined : certificateRpps(certificate);
      if (signerRpps === undefined || !partners.maySend(senderRpps, signerRpps, partner)) {
        throw new TeleserviceError('not-your-lot', `the lot of partner ${partner} signed by ${signerRpps ?? 'an unknown signer'} may not be sent by ${senderRpps}`);
      }
      const lotHash = toHex(sha256(signedBytes)).toLowerCase();
      const content = contentVerdict(signed, file);
      return deps.store.transaction(() => {
        const earlier = lots.receptionByHash(lotHash);
        const number = content === undefined ? numberVerdict(partner, signed) : undefined;
        // A lot refused out of sequence is received again once its number is the expected one (README).
        if (earlier !== undefined && !(earlier.reason === 'L0007' && number === undefined && content === undefined)) return { created: false, receipt: receiptOf(earlier) };
        const verdict = content ?? number;
        const now = deps.now();
        const common = { destination: signed.lot.destination, lotNumber: signed.lot.lotNumber, partner, receivedOn: yymmdd(now), certification: b2Lot.certification };
        const arl: Arl =
          verdict === undefined
            ? { ...common, status: 'positive' }
            : { ...common, status: 'negative', reason: verdict.reason, ...(verdict.invoiceNumber === undefined ? {} : { invoiceNumber: verdict.invoiceNumber }) };
        const row: ReceptionRow = {
          id: toBase64Url(deps.randomBytes(16)),
          lotHash,
          senderRpps,
          signerRpps,
          partner,
          destination: signed.lot.destination,
          lotNumber: signed.lot.lotNumber,
          invoiceCount: signed.lot.fses.length,
          totalCents: signed.lot.totals.totalCents,
          amoCents: signed.lot.totals.amoCents,
          receivedAt: now,
          arlAt: now + deps.arlDelayMs,
          status: arl.status,
          reason: verdict?.reason ?? null,
          invoiceNumber: verdict?.invoiceNumber ?? null,
          message: verdict?.message ?? null,
          arl: encodeArl(arl),
        };
        lots.insertReception(row, { b2: b2Bytes, signedLot: signedBytes });
        if (verdict === undefined) {
          lots.setLastNumber(partner, signed.lot.destination, signed.lot.lotNumber);
          const availableAt = now + deps.returnDelayMs;
          const made = lotReturn(b2Lot, deps.returnRules, yymmdd(availableAt), `${signed.lot.destination}${pad3(signed.lot.lotNumber)}`, deps.label);
          lots.insertReturn({ receptionId: row.id, senderRpps, availableAt, noemie: made.bytes, view: JSON.stringify(made.view) });
        }
        return { created: true, receipt: receiptOf(row) };
      });
    },

    arl(rpps, receiptId) {
      const row = lots.reception(receiptId);
      if (row === undefined || !partners.maySend(rpps, row.signerRpps, row.partner)) throw new TeleserviceError('unknown-receipt', `no lot receipt ${receiptId.slice(0, 40)} for this professional`);
      if (deps.now() < row.arlAt) return { status: 202, body: { status: 'pending', availableAt: iso(row.arlAt) } };
      const record = parseArl(row.arl);
      if (!record.ok) throw new Error(`stored ARL of ${row.id} does not parse: ${record.error.message}`);
      const arl = record.value;
      const body: ArlReady = {
        receiptId: row.id,
        arl: toBase64Url(row.arl),
        status: arl.status,
        destination: arl.destination,
        lotNumber: arl.lotNumber,
        partner: arl.partner,
        receivedOn: arl.receivedOn,
        certification: arl.certification,
        ...(arl.status === 'negative' ? { reason: arl.reason, label: deps.label(arl.reason), ...(arl.invoiceNumber === undefined ? {} : { invoiceNumber: arl.invoiceNumber }) } : {}),
        ...(row.message === null ? {} : { message: row.message }),
      };
      return { status: 200, body };
    },

    returns(rpps, since) {
      const rows = lots.returns(rpps, since, deps.now(), RETURNS_PAGE);
      return {
        returns: rows.map((r) => ({ returnId: r.seq, receiptId: r.receptionId, availableAt: iso(r.availableAt), noemie: toBase64Url(r.noemie), ...(JSON.parse(r.view) as ReturnContent) })),
        next: rows.at(-1)?.seq ?? since,
      };
    },
  };
}

/** Step 8: the B2 file carries the signed lot; the first difference names the invoice it is about. */
function b2Mismatches(file: B2File, signed: SignedLot): Verdict {
  const found = b2MatchesLot(file, signed)[0];
  if (found === undefined) return undefined;
  const index = /^lots\/0\/invoices\/([0-9]+)\//.exec(found.path)?.[1];
  const invoiceNumber = index === undefined ? undefined : signed.lot.fses[Number(index)]?.invoiceNumber;
  return { reason: 'L0004', message: `${found.path}: ${found.message}`, ...(invoiceNumber === undefined ? {} : { invoiceNumber }) };
}
