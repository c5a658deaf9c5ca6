/**
 * The B2 lot file (norme B2, DOMAIN.md "FSE, lots, returns"): records of 128
 * ASCII characters without separators, 000 file header, then per lot a lot
 * header (1), per invoice a header (2), act lines (4) and totals (5), a lot
 * trailer (6), and 999 end of file. Column layout in README "Layout"; what is
 * OURS is said there. Counts, totals and the keys each invoice record repeats
 * are derived: the value does not hold them, the parser checks them.
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { ACT_LINE, B2_RECORD_LENGTH, FILE_ADDRESS, FILE_HEADER, FILE_TRAILER, INVOICE_HEADER, INVOICE_TOTALS, LOT_HEADER, LOT_TRAILER } from './b2-layout.js';
import { certificationTop, MAX_B2_INVOICES, MAX_B2_LINES, MAX_B2_LOTS, type B2File, type B2InsuranceNature, type B2Invoice, type B2Line, type B2Lot, type B2Marking } from './b2-types.js';
import { writeB2File } from './b2-writer.js';
import { checkFiller, firstNonPrintable, RecordCursor, RecordStop, stop, type B2Reason } from './fixed-width.js';
import type { SecuringMode, ThirdPartyCode } from '../fse/index.js';

const SECURING: readonly SecuringMode[] = ['S', 'F', 'D'];
const NATURES: readonly B2InsuranceNature[] = ['10', '13', '30', '41', '90'];
const PAYEES: readonly ThirdPartyCode[] = ['00', '05', '15', '25'];
const MARKINGS: readonly B2Marking[] = ['R', 'T', 'D'];
const ACT_CODE = /^[A-Z0-9]{1,5}$/;
const CONTRACTS = ['89', '  '];
const IK_ZONES = [' ', 'P', 'M'];
/** Record types allowed next, by grammar state. */
const NEXT = { firstLine: ['4'], line: ['4', '5'], lastLine: ['5'], firstInvoice: ['2'], invoice: ['2', '6'], lastInvoice: ['6'], firstLot: ['1'], lot: ['1', '999'], lastLot: ['999'], header: ['000'] };

class B2Reader extends RecordCursor {
  /** Move to the next record; `truncated` if the input ends first. */
  next(expected: string): string {
    this.base += B2_RECORD_LENGTH;
    this.index = this.base / B2_RECORD_LENGTH;
    const end = this.base + B2_RECORD_LENGTH;
    if (end > this.bytes.length) stop('truncated', `the file ends before record ${expected}`, this.bytes.length, `record/${this.index}`);
    const bad = firstNonPrintable(this.bytes, this.base, end);
    if (bad >= 0) stop('bad-character', `byte ${this.bytes[bad]} is not printable ASCII`, bad, `record/${this.index}`);
    const t = this.bytes[this.base]!;
    return this.chars.slice(this.base, this.base + (t === 0x30 || t === 0x39 ? 3 : 1));
  }

  expect(type: string, allowed: readonly string[]): void {
    if (!allowed.includes(type)) this.fail('bad-record-type', `record type "${type}" where ${allowed.join(' or ')} is expected`, undefined);
  }

  /**
   * The keys an invoice record repeats must be its header's (at offset
   * `header`, same columns), compared as bytes; the partner, the lot
   * header's (same column too).
   */
  keys(c: Pick<typeof INVOICE_HEADER, 'partner' | 'insuredNir' | 'invoiceNumber'>, lot: number, header: number): void {
    if (!this.same(c.partner, lot)) this.fail('inconsistent', 'partner differs from the lot header', c.partner);
    if (!this.same(c.insuredNir, header)) this.fail('inconsistent', 'NIR differs from the invoice header', c.insuredNir);
    this.uint(c.invoiceNumber);
    if (!this.same(c.invoiceNumber, header)) this.fail('inconsistent', 'invoice number differs from the invoice header', c.invoiceNumber);
  }
}

function readLine(r: B2Reader, lot: number, header: number, sequence: number): B2Line {
  const L = ACT_LINE;
  checkFiller(r, L.filler);
  r.keys(L, lot, header);
  if (r.uint(L.sequence) !== sequence) r.fail('inconsistent', `line sequence is not ${sequence}`, L.sequence);
  r.literal(L.priorAgreement, '9');
  const code = r.required(L.code);
  if (!ACT_CODE.test(code)) r.fail('bad-value', `code "${code}" is not 1-5 of [A-Z0-9]`, L.code);
  const line = {
    executant: r.digits(L.executant),
    feeZone: r.digits(L.feeZone),
    specialty: r.digits(L.specialty),
    actDate: r.date(L.actDate),
    code,
    quantity: r.range(L.quantity, 1, 99),
    coefficient: r.range(L.coefficient, 1, 999_999),
    unitCents: r.uint(L.unitCents),
    amountCents: r.uint(L.amountCents),
    atHome: r.flag(L.place, '1', '0'),
  };
  const zone = r.code(L.ikZone, IK_ZONES);
  if (zone === ' ') {
    if (r.raw(L.ikOneWayKm) !== '    ' || r.raw(L.ikBilledKm) !== '    ') r.fail('bad-value', 'IK distances without a zone', L.ikOneWayKm);
    return line;
  }
  return { ...line, ik: { oneWayKm: r.uint(L.ikOneWayKm), zone: zone === 'P' ? 'plain' : 'mountain', billedKm: r.uint(L.ikBilledKm) } };
}

function readInvoice(r: B2Reader, lot: number): B2Invoice {
  const H = INVOICE_HEADER;
  const header = r.base;
  checkFiller(r, H.filler);
  if (!r.same(H.partner, lot)) r.fail('inconsistent', 'partner differs from the lot header', H.partner);
  const insuredNir = r.nir(H.insuredNir);
  const invoiceNumber = r.range(H.invoiceNumber, 1, 999_999_999);
  r.literal(H.invoiceType, 'F');
  const contract = r.code(H.contract, CONTRACTS);
  const securing = r.code(H.securing, SECURING);
  const invoiceDate = r.date(H.invoiceDate);
  const portable = r.flag(H.portable, 'O', ' ');
  const regime = r.digits(H.regime);
  const caisse = r.digits(H.caisse);
  const centre = r.digits(H.centre);
  const rightsValid = r.flag(H.rightsValid, '1', '0');
  const insuranceNature = r.code(H.insuranceNature, NATURES);
  const ald = r.flag(H.ald, 'A', ' ');
  const substitute = r.flag(H.substitute, '1', '0');
  const birthDate = r.date(H.birthDate);
  const birthRank = r.range(H.birthRank, 1, 9);
  const payee = r.code(H.payee, PAYEES);
  const lines: B2Line[] = [];
  for (;;) {
    const type = r.next('4 or 5');
    r.expect(type, lines.length === 0 ? NEXT.firstLine : lines.length === MAX_B2_LINES ? NEXT.lastLine : NEXT.line);
    if (type === '5') break;
    lines.push(readLine(r, lot, header, lines.length + 1));
  }
  const T = INVOICE_TOTALS;
  checkFiller(r, T.filler);
  r.keys(T, lot, header);
  if (r.uint(T.lineCount) !== lines.length) r.fail('inconsistent', `line count is not ${lines.length}`, T.lineCount);
  let total = 0;
  for (const l of lines) total += l.amountCents;
  if (r.uint(T.totalCents) !== total) r.fail('inconsistent', 'total is not the sum of the lines', T.totalCents);
  const amoCents = r.uint(T.amoCents);
  if (amoCents > total) r.fail('inconsistent', 'AMO part above the total', T.amoCents);
  if (r.uint(T.patientCents) !== total - amoCents) r.fail('inconsistent', 'patient part is not total − AMO', T.patientCents);
  const certification = r.raw(T.certification);
  return { invoiceNumber, insuredNir, securing, invoiceDate, portable, regime, caisse, centre, rightsValid, insuranceNature, ald, substitute, birthDate, birthRank, payee, c2s: contract === '89', lines, amoCents, certification };
}

function readLot(r: B2Reader): B2Lot {
  const H = LOT_HEADER;
  const lotBase = r.base;
  checkFiller(r, H.filler);
  const partner = r.digits(H.partner);
  const head = {
    partner,
    destination: r.digits(H.destination),
    lotNumber: r.range(H.lotNumber, 1, 999),
    partnerName: r.required(H.partnerName),
    createdOn: r.date(H.createdOn),
  };
  const top = r.code(H.certificationTop, SECURING);
  r.literal(H.currency, 'U');
  const headerIndex = r.index;
  const invoices: B2Invoice[] = [];
  for (;;) {
    const type = r.next('2 or 6');
    r.expect(type, invoices.length === 0 ? NEXT.firstInvoice : invoices.length === MAX_B2_INVOICES ? NEXT.lastInvoice : NEXT.invoice);
    if (type === '6') break;
    invoices.push(readInvoice(r, lotBase));
  }
  if (top !== certificationTop(invoices)) {
    stop('inconsistent', `top certification "${top}" is not the weakest invoice mode`, headerIndex * B2_RECORD_LENGTH + H.certificationTop.at, `record/${headerIndex}/certificationTop`);
  }
  const T = LOT_TRAILER;
  checkFiller(r, T.filler);
  if (!r.same(T.partner, lotBase)) r.fail('inconsistent', 'partner differs from the lot header', T.partner);
  const lineCount = invoices.reduce((s, i) => s + i.lines.length, 0);
  const counts: [typeof T.invoiceCount, number][] = [
    [T.invoiceCount, invoices.length],
    [T.lineCount, lineCount],
    [T.headerCount, invoices.length],
    [T.totalsCount, invoices.length],
    [T.totalCents, invoices.reduce((s, i) => s + i.lines.reduce((t, l) => t + l.amountCents, 0), 0)],
    [T.amoCents, invoices.reduce((s, i) => s + i.amoCents, 0)],
    [T.lotNumber, head.lotNumber],
  ];
  for (const [c, n] of counts) if (r.uint(c) !== n) r.fail('inconsistent', `${c.name} is not ${n}`, c);
  r.literal(T.invoiceType, 'F');
  const tail = {
    marking: r.code(T.marking, MARKINGS),
    softwareAgreement: r.required(T.softwareAgreement),
    deviceAgreement: r.optional(T.deviceAgreement),
    certification: r.raw(T.certification),
  };
  const { deviceAgreement, ...rest } = tail;
  return deviceAgreement === undefined ? { ...head, ...rest, invoices } : { ...head, ...rest, deviceAgreement, invoices };
}

function readFile(r: B2Reader): B2File {
  const H = FILE_HEADER;
  r.expect(r.next('000'), NEXT.header);
  checkFiller(r, H.filler);
  r.literal(H.normVersion, 'B2');
  r.literal(H.recordLength, '128');
  const file = {
    emitterType: r.required(H.emitterType),
    emitter: r.digits(H.emitter),
    recipientType: r.required(H.recipientType),
    recipient: r.required(H.recipient),
    application: r.required(H.application),
    fileId: r.required(H.fileId),
    createdOn: r.date(H.createdOn),
    norm: r.required(H.norm),
    message: r.text(H.message),
  };
  const address = Object.values(FILE_ADDRESS);
  const headerRaw = address.map((c) => r.raw(c));
  const lots: B2Lot[] = [];
  for (;;) {
    const type = r.next('1 or 999');
    r.expect(type, lots.length === 0 ? NEXT.firstLot : lots.length === MAX_B2_LOTS ? NEXT.lastLot : NEXT.lot);
    if (type === '999') break;
    lots.push(readLot(r));
  }
  const T = FILE_TRAILER;
  checkFiller(r, T.filler);
  address.forEach((c, i) => {
    if (r.raw(c) !== headerRaw[i]) r.fail('inconsistent', `${c.name} differs from the file header`, c);
  });
  if (r.uint(T.recordCount) !== r.index + 1) r.fail('inconsistent', `record count is not ${r.index + 1}`, T.recordCount);
  if (r.uint(T.lotCount) !== lots.length) r.fail('inconsistent', `lot count is not ${lots.length}`, T.lotCount);
  return { ...file, lots };
}

/**
 * Parse a B2 file (README "Layout"). Strict: records after 999 are
 * `trailing-bytes`; a file cut anywhere is `truncated`. Never throws on input.
 * @example parseB2File(bytes) // ok: { emitter, lots: [{ lotNumber: 1, invoices: [...] }] }
 */
export function parseB2File(bytes: Uint8Array): ParseResult<B2File, B2Reason> {
  const r = new B2Reader(bytes, 'record');
  r.base = -B2_RECORD_LENGTH;
  r.index = -1;
  try {
    const file = readFile(r);
    const end = r.base + B2_RECORD_LENGTH;
    if (end !== bytes.length) return fail('trailing-bytes', `${bytes.length - end} byte(s) after the end-of-file record`, end);
    return ok(file);
  } catch (e) {
    if (e instanceof RecordStop) return e.err;
    throw e;
  }
}

/**
 * Check a value against the format: the typed failure the parser would give
 * its encoding (a value the writer cannot even lay out is `bad-value` at offset 0).
 * @example b2File(value) // ok: value, or { reason: 'inconsistent', path: 'record/6/amoCents' }
 */
export function b2File(value: B2File): ParseResult<B2File, B2Reason> {
  let bytes: Uint8Array;
  try {
    bytes = writeB2File(value);
  } catch (e) {
    if (e instanceof RangeError) return fail('bad-value', e.message, 0);
    throw e;
  }
  const parsed = parseB2File(bytes);
  return parsed.ok ? ok(value) : parsed;
}

/**
 * Encode a B2 file; the exact inverse of {@link parseB2File}. Throws a
 * RangeError for a value the parser would refuse (use {@link b2File} to get
 * the typed failure instead).
 * @example encodeB2File(file) // "000TP..." as ASCII bytes, 128 per record
 */
export function encodeB2File(value: B2File): Uint8Array {
  const bytes = writeB2File(value);
  const parsed = parseB2File(bytes);
  if (!parsed.ok) throw new RangeError(`not a valid B2 file: ${parsed.error.reason} at ${parsed.error.path}: ${parsed.error.message}`);
  return bytes;
}

/**
 * Codec of the B2 file.
 * @example b2FileCodec.parse(b2FileCodec.encode(file)) // ok: file
 */
export const b2FileCodec: Codec<B2File, B2Reason> = { parse: parseB2File, encode: encodeB2File };
