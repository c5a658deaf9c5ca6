/**
 * The JSON bodies of the lot routes of bifente's teleservice (OURS: no
 * public lot-reception API exists; routes, status codes and checks in
 * emulator/teleservice README "Lot reception"). The server (emulator/
 * teleservice) writes them and the host (host-sdk/upload) reads them.
 * Binary records travel as base64url text: the ARL record
 * (`parseArl`) and the NOEMIE-like return (`parseNoemieReturn`), both of
 * protocol/b2 (DOMAIN.md "FSE, lots, returns").
 * @module
 */
import type { ArlCommon, ArlStatus, NoemieInvoice, NoemieNotice, NoemiePayment } from '../b2/index.js';

/** `POST /v1/lots` body: one lot's B2 file and its signed lot envelope (`encodeSignedLot`), each base64 or base64url. */
export interface LotUpload {
  /** The B2 file of the one lot (`b2FromLot`, `encodeB2File`). */
  readonly b2: string;
  /** The signed lot envelope as the terminal gives it. */
  readonly signedLot: string;
}

/**
 * `POST /v1/lots` answer: 201 for a new reception, 200 with the same receipt
 * for the same signed lot again. It never tells the verdict: the ARL does.
 */
export interface LotReceipt {
  /** Base64url of 16 random bytes: the key of the ARL and returns routes. */
  readonly receiptId: string;
  /** Lower-case hex SHA-256 of the signed lot bytes: the server's idempotency key. */
  readonly lotHash: string;
  /** The B2 lot's partner: billing number and key, 9 digits. */
  readonly partner: string;
  /** The organisme destinataire, 3 digits. */
  readonly destination: string;
  /** 1-999. */
  readonly lotNumber: number;
  /** The signed lot's FSE count. */
  readonly invoiceCount: number;
  /** The signed lot's totals, integer cents. */
  readonly totalCents: number;
  readonly amoCents: number;
  /** ISO date-time, server clock. */
  readonly receivedAt: string;
  /** ISO date-time, server clock: when `GET /v1/lots/{receiptId}/arl` stops answering pending. */
  readonly arlAvailableAt: string;
}

/** `GET /v1/lots/{receiptId}/arl` answer 202: the ARL is not available yet. */
export interface ArlPending {
  readonly status: 'pending';
  /** ISO date-time, server clock. */
  readonly availableAt: string;
}

/**
 * `GET /v1/lots/{receiptId}/arl` answer 200: the ARL record and its fields,
 * decoded (the {@link ArlCommon} fields say what the record says).
 */
export interface ArlReady extends ArlCommon {
  readonly receiptId: string;
  /** The 128-character ARL record, base64url (protocol/b2 `parseArl`). */
  readonly arl: string;
  readonly status: ArlStatus;
  /** Negative only: the reason code (`L0004`, `test-vectors/b2/reason-codes.json`). */
  readonly reason?: string;
  /** Negative only: the reason code's label. */
  readonly label?: string;
  /** When the reason is about one invoice. */
  readonly invoiceNumber?: number;
  /** Negative only: the server's detail, for people. */
  readonly message?: string;
}

/** Either answer of `GET /v1/lots/{receiptId}/arl`; `status` tells them apart. */
export type ArlAnswer = ArlPending | ArlReady;

/** A notice of a NOEMIE-like return (a rejection `F…` or a warning `W…`) and its code's label. */
export interface ReturnNotice extends NoemieNotice {
  readonly label: string;
}

/**
 * What the organism did with one invoice: a {@link NoemieInvoice} in JSON,
 * its payment's date and AMO part flattened (paid only) and each notice
 * labelled. A rejected invoice has at least one rejection; warnings go
 * with either status.
 */
export interface ReturnInvoice extends Pick<NoemieInvoice, 'invoiceNumber'>, Partial<Pick<NoemiePayment, 'paidOn' | 'amoCents'>> {
  readonly status: 'paid' | 'rejected';
  readonly rejections: readonly ReturnNotice[];
  readonly warnings: readonly ReturnNotice[];
}

/** What a return says about its lot: the lot (as its ARL names it) and every invoice of it; a {@link LotReturn} without its ids. */
export interface ReturnContent extends Pick<ArlCommon, 'destination' | 'lotNumber' | 'partner'> {
  readonly invoices: readonly ReturnInvoice[];
}

/** One return of `GET /v1/returns`: about one lot with a positive ARL. */
export interface LotReturn extends ReturnContent {
  /** Its place in the returns cursor's order. */
  readonly returnId: number;
  /** The receipt of the lot it is about. */
  readonly receiptId: string;
  /** ISO date-time, server clock. */
  readonly availableAt: string;
  /** The NOEMIE-like file, base64url (protocol/b2 `parseNoemieReturn`). */
  readonly noemie: string;
}

/** `GET /v1/returns?since=<cursor>` answer: the returns available after `since`, oldest first, and the cursor to send next (the same when nothing is new). */
export interface ReturnsPage {
  readonly returns: readonly LotReturn[];
  readonly next: number;
}
