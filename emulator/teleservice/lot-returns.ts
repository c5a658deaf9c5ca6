/**
 * The NOEMIE-like return of an accepted lot (OURS, README "Lot
 * reception"): each invoice paid its AMO part unless a rule rejects it;
 * rules may also add warnings. Built from the received B2 lot (its
 * amounts), encoded with protocol's `encodeNoemieReturn`.
 * @module
 */
import { encodeNoemieReturn, type B2Invoice, type B2Lot, type NoemieInvoice, type NoemieNotice, type NoemieReturn, type ReturnContent } from '../../protocol/index.js';

/** Which invoices a rule is about. */
export type ReturnCondition = 'rights-closed' | 'without-vitale' | 'degraded' | 'ald' | 'any';

/** A payment rule: invoices matching `when` get a rejection or a warning with `code` (a code of `test-vectors/b2/reason-codes.json`). */
export interface ReturnRule {
  readonly when: ReturnCondition;
  readonly notice: 'rejection' | 'warning';
  readonly code: string;
}

/** Default: closed rights at the act date reject the invoice with F0011 "Droits fermés à la date des soins". */
export const DEFAULT_RETURN_RULES: readonly ReturnRule[] = [{ when: 'rights-closed', notice: 'rejection', code: 'F0011' }];

const MATCHES: Readonly<Record<ReturnCondition, (invoice: B2Invoice) => boolean>> = {
  // A degraded FSE (D) had no card to read rights from: its 0 means "not verified", not "closed" (OURS: paid).
  'rights-closed': (i) => !i.rightsValid && i.securing !== 'D',
  'without-vitale': (i) => i.securing === 'F',
  degraded: (i) => i.securing === 'D',
  ald: (i) => i.ald,
  any: () => true,
};

function invoiceReturn(invoice: B2Invoice, rules: readonly ReturnRule[], paidOn: string): NoemieInvoice {
  const applying = rules.filter((r) => MATCHES[r.when](invoice));
  const rejections = applying.filter((r) => r.notice === 'rejection').map((r) => ({ code: r.code, line: 0 }));
  const warnings = applying.filter((r) => r.notice === 'warning').map((r) => ({ code: r.code, line: 0 }));
  return rejections.length > 0 ? { invoiceNumber: invoice.invoiceNumber, rejections, warnings } : { invoiceNumber: invoice.invoiceNumber, payment: { paidOn, amoCents: invoice.amoCents, amcCents: 0 }, rejections, warnings };
}

/**
 * The return of one accepted lot, made on `createdOn` (`YYMMDD`, also the
 * payment date), with `fileId` (1-6 characters): its bytes and JSON view.
 * `label` names a reason code (the reason-code table). The view is the
 * JSON of `GET /v1/returns` without the ids (protocol `ReturnContent`).
 */
export function lotReturn(lot: B2Lot, rules: readonly ReturnRule[], createdOn: string, fileId: string, label: (code: string) => string): { readonly bytes: Uint8Array; readonly view: ReturnContent } {
  const invoices = lot.invoices.map((i) => invoiceReturn(i, rules, createdOn));
  const value: NoemieReturn = {
    emitter: lot.destination,
    recipient: lot.partner,
    createdOn,
    fileId,
    lots: [{ lotDate: lot.createdOn, lotNumber: lot.lotNumber, returnType: '01', invoices }],
  };
  const labelled = (notices: readonly NoemieNotice[]) => notices.map((n) => ({ ...n, label: label(n.code) }));
  const view: ReturnContent = {
    destination: lot.destination,
    lotNumber: lot.lotNumber,
    partner: lot.partner,
    invoices: invoices.map((i) => ({
      invoiceNumber: i.invoiceNumber,
      status: i.payment === undefined ? 'rejected' : 'paid',
      ...(i.payment === undefined ? {} : { paidOn: i.payment.paidOn, amoCents: i.payment.amoCents }),
      rejections: labelled(i.rejections),
      warnings: labelled(i.warnings),
    })),
  };
  return { bytes: encodeNoemieReturn(value), view };
}
