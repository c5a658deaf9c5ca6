/**
 * Lays a B2 file out as records (README "Layout"), deriving the counts,
 * totals and repeated keys; a RangeError for a value that cannot be laid
 * out. The parser checks the result (`encodeB2File`).
 * @module
 */
import { ACT_LINE, B2_RECORD_LENGTH, FILE_ADDRESS, FILE_HEADER, FILE_TRAILER, INVOICE_HEADER, INVOICE_TOTALS, LOT_HEADER, LOT_TRAILER } from './b2-layout.js';
import { certificationTop, type B2File, type B2Invoice, type B2Lot } from './b2-types.js';
import { RecordWriter } from './fixed-width.js';

/** How many records `file` takes. */
function recordCount(file: B2File): number {
  let n = 2;
  for (const lot of file.lots) {
    n += 2;
    for (const inv of lot.invoices) n += 2 + inv.lines.length;
  }
  return n;
}

/** Write `file` without checking it against the parser. */
export function writeB2File(file: B2File): Uint8Array {
  const total = recordCount(file);
  const w = new RecordWriter(new Uint8Array(total * B2_RECORD_LENGTH));
  const H = FILE_HEADER;
  // Records 000 and 999 carry the same address columns (FILE_ADDRESS).
  const address = () => {
    const A = FILE_ADDRESS;
    w.text(A.emitterType, file.emitterType);
    w.exact(A.emitter, file.emitter);
    w.text(A.recipientType, file.recipientType);
    w.text(A.recipient, file.recipient);
    w.text(A.application, file.application);
    w.text(A.fileId, file.fileId);
  };
  w.text(H.type, '000');
  address();
  w.exact(H.createdOn, file.createdOn);
  w.text(H.norm, file.norm);
  w.text(H.normVersion, 'B2');
  w.uint(H.recordLength, B2_RECORD_LENGTH);
  w.text(H.message, file.message);
  for (const lot of file.lots) writeLot(w, lot);
  w.base += B2_RECORD_LENGTH;
  const T = FILE_TRAILER;
  w.text(T.type, '999');
  address();
  w.uint(T.recordCount, total);
  w.uint(T.lotCount, file.lots.length);
  return w.out;
}

function writeLot(w: RecordWriter, lot: B2Lot): void {
  w.base += B2_RECORD_LENGTH;
  const H = LOT_HEADER;
  w.text(H.type, '1');
  w.exact(H.partner, lot.partner);
  w.exact(H.destination, lot.destination);
  w.uint(H.lotNumber, lot.lotNumber);
  w.text(H.partnerName, lot.partnerName);
  w.exact(H.createdOn, lot.createdOn);
  w.text(H.certificationTop, certificationTop(lot.invoices));
  w.text(H.currency, 'U');
  let lines = 0;
  let totalCents = 0;
  for (const inv of lot.invoices) {
    totalCents += writeInvoice(w, lot.partner, inv);
    lines += inv.lines.length;
  }
  w.base += B2_RECORD_LENGTH;
  const T = LOT_TRAILER;
  w.text(T.type, '6');
  w.exact(T.partner, lot.partner);
  w.uint(T.invoiceCount, lot.invoices.length);
  w.uint(T.lineCount, lines);
  w.uint(T.headerCount, lot.invoices.length);
  w.uint(T.totalsCount, lot.invoices.length);
  w.uint(T.totalCents, totalCents);
  w.uint(T.amoCents, lot.invoices.reduce((s, i) => s + i.amoCents, 0));
  w.uint(T.lotNumber, lot.lotNumber);
  w.text(T.marking, lot.marking);
  w.text(T.invoiceType, 'F');
  w.text(T.softwareAgreement, lot.softwareAgreement);
  if (lot.deviceAgreement === '') throw new RangeError('deviceAgreement: absent, not empty');
  w.text(T.deviceAgreement, lot.deviceAgreement ?? '');
  w.exact(T.certification, lot.certification);
}

/** The keys of an invoice's header record; its other records copy them from there ({@link repeatKeys}). */
function writeKeys(w: RecordWriter, partner: string, inv: B2Invoice): void {
  const K = INVOICE_HEADER;
  w.text(K.type, '2');
  w.exact(K.partner, partner);
  w.exact(K.insuredNir, inv.insuredNir);
  w.uint(K.invoiceNumber, inv.invoiceNumber);
}

function repeatKeys(w: RecordWriter, type: string, header: number): void {
  const K = INVOICE_HEADER;
  w.text(K.type, type);
  w.copy(K.partner, header);
  w.copy(K.insuredNir, header);
  w.copy(K.invoiceNumber, header);
}

/** Write one invoice's records; returns its total. */
function writeInvoice(w: RecordWriter, partner: string, inv: B2Invoice): number {
  w.base += B2_RECORD_LENGTH;
  const H = INVOICE_HEADER;
  const header = w.base;
  writeKeys(w, partner, inv);
  w.text(H.securing, inv.securing);
  w.exact(H.invoiceDate, inv.invoiceDate);
  w.text(H.invoiceType, 'F');
  w.text(H.portable, inv.portable ? 'O' : '');
  w.exact(H.regime, inv.regime);
  w.exact(H.caisse, inv.caisse);
  w.exact(H.centre, inv.centre);
  w.text(H.rightsValid, inv.rightsValid ? '1' : '0');
  w.exact(H.insuranceNature, inv.insuranceNature);
  w.text(H.ald, inv.ald ? 'A' : '');
  w.text(H.substitute, inv.substitute ? '1' : '0');
  w.exact(H.birthDate, inv.birthDate);
  w.uint(H.birthRank, inv.birthRank);
  w.exact(H.payee, inv.payee);
  w.text(H.contract, inv.c2s ? '89' : '');
  let total = 0;
  const L = ACT_LINE;
  inv.lines.forEach((line, i) => {
    w.base += B2_RECORD_LENGTH;
    repeatKeys(w, '4', header);
    w.uint(L.sequence, i + 1);
    if (line.ik !== undefined) {
      w.uint(L.ikOneWayKm, line.ik.oneWayKm);
      w.text(L.ikZone, line.ik.zone === 'plain' ? 'P' : 'M');
      w.uint(L.ikBilledKm, line.ik.billedKm);
    }
    w.text(L.priorAgreement, '9');
    w.exact(L.executant, line.executant);
    w.exact(L.feeZone, line.feeZone);
    w.exact(L.specialty, line.specialty);
    w.exact(L.actDate, line.actDate);
    w.text(L.code, line.code);
    w.uint(L.quantity, line.quantity);
    w.uint(L.coefficient, line.coefficient);
    w.uint(L.unitCents, line.unitCents);
    w.uint(L.amountCents, line.amountCents);
    w.text(L.place, line.atHome ? '1' : '0');
    total += line.amountCents;
  });
  w.base += B2_RECORD_LENGTH;
  const T = INVOICE_TOTALS;
  repeatKeys(w, '5', header);
  w.uint(T.lineCount, inv.lines.length);
  w.uint(T.totalCents, total);
  w.uint(T.amoCents, inv.amoCents);
  w.uint(T.patientCents, total - inv.amoCents);
  w.exact(T.certification, inv.certification);
  return total;
}

