/**
 * A NOEMIE-like return (RSP): what the fund did with each invoice of a lot,
 * paid (AMO and AMC amounts, date), rejected (reason codes) and warnings
 * (DOMAIN.md "FSE, lots, returns"). OURS, in the shape of NOEMIE: entities
 * of fixed width per type, each ended by `@`, with the entity numbers
 * DOMAIN.md lists (000, 080 lot, 081 return type, 102 invoice, 290
 * rejection, 294 warning, 999) and one of our own (200 payment). README "NOEMIE-like return".
 * @module
 */
import { fail, ok, type Codec, type ParseResult } from '../result.js';
import { checkFiller, col, fillerOf, firstNonPrintable, RecordCursor, RecordStop, RecordWriter, stop, type B2Reason, type Column } from './fixed-width.js';

/** Code du type de retour (entity 081): 01 electronic claims, 02 paper, 03 lump payments, 04 recalls, 05 deductions. */
export type NoemieReturnType = '01' | '02' | '03' | '04' | '05';

/** A payment (entity 200, OURS). */
export interface NoemiePayment {
  /** `YYMMDD`. */
  readonly paidOn: string;
  readonly amoCents: number;
  readonly amcCents: number;
}

/** A rejection or warning: a reason code (see `test-vectors/b2/reason-codes.json`) and the act line it is about, 0 for the whole invoice. */
export interface NoemieNotice {
  readonly code: string;
  readonly line: number;
}

/** What happened to one invoice: paid (payment, no rejection) or rejected (no payment, at least one rejection), with warnings either way. */
export interface NoemieInvoice {
  readonly invoiceNumber: number;
  readonly payment?: NoemiePayment;
  readonly rejections: readonly NoemieNotice[];
  readonly warnings: readonly NoemieNotice[];
}

/** The returns about one lot. */
export interface NoemieLot {
  /** Date the lot was made, `YYMMDD`. */
  readonly lotDate: string;
  readonly lotNumber: number;
  readonly returnType: NoemieReturnType;
  /** At least one. */
  readonly invoices: readonly NoemieInvoice[];
}

/** A NOEMIE-like return file (OURS); the 999 entity's counts are derived. */
export interface NoemieReturn {
  /** The fund that sends it, 1-14 characters. */
  readonly emitter: string;
  /** The partner it is for, 1-14 characters. */
  readonly recipient: string;
  readonly createdOn: string;
  /** 1-6 characters. */
  readonly fileId: string;
  /** At least one. */
  readonly lots: readonly NoemieLot[];
}

const DELIMITER = 0x40; // '@'

function entity<T extends Record<string, Column>>(length: number, fields: T) {
  return { ...fields, length, filler: fillerOf(length, [...Object.values(fields), col('@', length, 1)]) };
}
const E000 = entity(44, { type: col('type', 1, 3), emitter: col('emitter', 4, 14), recipient: col('recipient', 18, 14), createdOn: col('createdOn', 32, 6), fileId: col('fileId', 38, 6) });
const E080 = entity(15, { type: col('type', 1, 3), level: col('level', 4, 2), lotDate: col('lotDate', 6, 6), lotNumber: col('lotNumber', 12, 3) });
const E081 = entity(22, { type: col('type', 1, 3), level: col('level', 4, 2), returnType: col('returnType', 6, 2) });
const E102 = entity(40, { type: col('type', 1, 3), level: col('level', 4, 2), invoiceNumber: col('invoiceNumber', 6, 9), invoiceType: col('invoiceType', 30, 1) });
const E200 = entity(30, { type: col('type', 1, 3), level: col('level', 4, 2), paidOn: col('paidOn', 6, 6), amoCents: col('amoCents', 12, 9), amcCents: col('amcCents', 21, 9) });
const NOTICE = { type: col('type', 1, 3), level: col('level', 4, 2), line: col('line', 6, 2), code: col('code', 8, 10) };
const E290 = entity(18, NOTICE);
const E999 = entity(26, { type: col('type', 1, 3), entityCount: col('entityCount', 4, 8), lotCount: col('lotCount', 12, 3), paidCents: col('paidCents', 15, 11) });
const ENTITIES = new Map<string, { length: number; filler: readonly (readonly [number, number])[] }>([['000', E000], ['080', E080], ['081', E081], ['102', E102], ['200', E200], ['290', E290], ['294', E290], ['999', E999]]);
const RETURN_TYPES: readonly NoemieReturnType[] = ['01', '02', '03', '04', '05'];
const CODE = /^[A-Z0-9]{1,10}$/;
/** The level each entity sits at (niveau de rupture). */
const LEVEL = { lot: '02', invoice: '03', detail: '04' } as const;

class EntityReader extends RecordCursor {
  next = 0;
  /** Type of the entity at `next` without consuming it; `truncated` at the end. */
  peek(): string {
    if (this.next + 3 > this.bytes.length) stop('truncated', 'the return ends before its 999 entity', this.bytes.length, `entity/${this.index + 1}`);
    const b = this.bytes;
    return String.fromCharCode(b[this.next]!, b[this.next + 1]!, b[this.next + 2]!);
  }

  /** Consume one entity of `type` (one of `allowed`), checking its characters, delimiter and filler. */
  take(allowed: readonly string[]): string {
    const type = this.peek();
    this.index++;
    this.base = this.next;
    if (!allowed.includes(type)) this.fail('bad-record-type', `entity "${type}" where ${allowed.join(' or ')} is expected`, undefined);
    const { length, filler } = ENTITIES.get(type)!;
    const end = this.base + length;
    if (end > this.bytes.length) stop('truncated', `entity ${type} is ${length} characters`, this.bytes.length, `entity/${this.index}`);
    const bad = firstNonPrintable(this.bytes, this.base, end);
    if (bad >= 0) stop('bad-character', `byte ${this.bytes[bad]} is not printable ASCII`, bad, `entity/${this.index}`);
    if (this.bytes[end - 1] !== DELIMITER) stop('bad-character', `entity ${type} must end with "@"`, end - 1, `entity/${this.index}`);
    checkFiller(this, filler);
    this.next = end;
    return type;
  }

  notice(): NoemieNotice {
    const code = this.required(NOTICE.code);
    if (!CODE.test(code)) this.fail('bad-value', `code "${code}" is not 1-10 of [A-Z0-9]`, NOTICE.code);
    this.literal(NOTICE.level, LEVEL.detail);
    return { code, line: this.uint(NOTICE.line) };
  }
}

function readInvoice(r: EntityReader): NoemieInvoice {
  r.literal(E102.level, LEVEL.invoice);
  r.literal(E102.invoiceType, 'F');
  const invoiceNumber = r.range(E102.invoiceNumber, 1, 999_999_999);
  const start = r.index;
  let payment: NoemiePayment | undefined;
  if (r.peek() === '200') {
    r.take(['200']);
    r.literal(E200.level, LEVEL.detail);
    payment = { paidOn: r.date(E200.paidOn), amoCents: r.uint(E200.amoCents), amcCents: r.uint(E200.amcCents) };
  }
  const rejections: NoemieNotice[] = [];
  while (r.peek() === '290') {
    r.take(['290']);
    rejections.push(r.notice());
  }
  const warnings: NoemieNotice[] = [];
  while (r.peek() === '294') {
    r.take(['294']);
    warnings.push(r.notice());
  }
  if ((payment === undefined) === (rejections.length === 0)) {
    stop('inconsistent', 'an invoice is either paid (200) or rejected (290), not both nor neither', r.base, `entity/${start}`);
  }
  return payment === undefined ? { invoiceNumber, rejections, warnings } : { invoiceNumber, payment, rejections, warnings };
}

function readReturn(r: EntityReader): NoemieReturn {
  r.take(['000']);
  const head = { emitter: r.required(E000.emitter), recipient: r.required(E000.recipient), createdOn: r.date(E000.createdOn), fileId: r.required(E000.fileId) };
  const lots: NoemieLot[] = [];
  let paid = 0;
  while (r.take(lots.length === 0 ? ['080'] : ['080', '999']) === '080') {
    r.literal(E080.level, LEVEL.lot);
    const lot = { lotDate: r.date(E080.lotDate), lotNumber: r.range(E080.lotNumber, 1, 999) };
    r.take(['081']);
    r.literal(E081.level, LEVEL.lot);
    const returnType = r.code(E081.returnType, RETURN_TYPES);
    const invoices: NoemieInvoice[] = [];
    do {
      r.take(['102']);
      const inv = readInvoice(r);
      paid += inv.payment === undefined ? 0 : inv.payment.amoCents + inv.payment.amcCents;
      invoices.push(inv);
    } while (r.peek() === '102');
    lots.push({ ...lot, returnType, invoices });
  }
  if (r.uint(E999.entityCount) !== r.index + 1) r.fail('inconsistent', `entity count is not ${r.index + 1}`, E999.entityCount);
  if (r.uint(E999.lotCount) !== lots.length) r.fail('inconsistent', `lot count is not ${lots.length}`, E999.lotCount);
  if (r.uint(E999.paidCents) !== paid) r.fail('inconsistent', `paid total is not ${paid}`, E999.paidCents);
  return { ...head, lots };
}

/**
 * Parse a NOEMIE-like return (OURS, README "NOEMIE-like return"). Strict;
 * never throws on input.
 * @example parseNoemieReturn(bytes) // ok: { lots: [{ lotNumber: 1, invoices: [{ payment: {...}, ... }] }] }
 */
export function parseNoemieReturn(bytes: Uint8Array): ParseResult<NoemieReturn, B2Reason> {
  const r = new EntityReader(bytes, 'entity');
  r.index = -1;
  try {
    const value = readReturn(r);
    if (r.next !== bytes.length) return fail('trailing-bytes', `${bytes.length - r.next} byte(s) after the 999 entity`, r.next);
    return ok(value);
  } catch (e) {
    if (e instanceof RecordStop) return e.err;
    throw e;
  }
}

function entityCount(v: NoemieReturn): number {
  let n = 2;
  for (const lot of v.lots) {
    n += 2;
    for (const i of lot.invoices) n += 1 + (i.payment === undefined ? 0 : 1) + i.rejections.length + i.warnings.length;
  }
  return n;
}

function writeReturn(v: NoemieReturn): Uint8Array {
  const parts: [typeof E000 | typeof E080 | typeof E081 | typeof E102 | typeof E200 | typeof E290 | typeof E999, string, (w: RecordWriter) => void][] = [];
  const notice = (type: string) => (n: NoemieNotice) => parts.push([E290, type, (w) => { w.text(NOTICE.level, LEVEL.detail); w.uint(NOTICE.line, n.line); w.text(NOTICE.code, n.code); }]);
  parts.push([E000, '000', (w) => { w.text(E000.emitter, v.emitter); w.text(E000.recipient, v.recipient); w.exact(E000.createdOn, v.createdOn); w.text(E000.fileId, v.fileId); }]);
  let paid = 0;
  for (const lot of v.lots) {
    parts.push([E080, '080', (w) => { w.text(E080.level, LEVEL.lot); w.exact(E080.lotDate, lot.lotDate); w.uint(E080.lotNumber, lot.lotNumber); }]);
    parts.push([E081, '081', (w) => { w.text(E081.level, LEVEL.lot); w.exact(E081.returnType, lot.returnType); }]);
    for (const inv of lot.invoices) {
      parts.push([E102, '102', (w) => { w.text(E102.level, LEVEL.invoice); w.uint(E102.invoiceNumber, inv.invoiceNumber); w.text(E102.invoiceType, 'F'); }]);
      const p = inv.payment;
      if (p !== undefined) {
        paid += p.amoCents + p.amcCents;
        parts.push([E200, '200', (w) => { w.text(E200.level, LEVEL.detail); w.exact(E200.paidOn, p.paidOn); w.uint(E200.amoCents, p.amoCents); w.uint(E200.amcCents, p.amcCents); }]);
      }
      inv.rejections.forEach(notice('290'));
      inv.warnings.forEach(notice('294'));
    }
  }
  const count = entityCount(v);
  parts.push([E999, '999', (w) => { w.uint(E999.entityCount, count); w.uint(E999.lotCount, v.lots.length); w.uint(E999.paidCents, paid); }]);
  const w = new RecordWriter(new Uint8Array(parts.reduce((s, [e]) => s + e.length, 0)));
  for (const [e, type, write] of parts) {
    w.text(e.type, type);
    write(w);
    w.out[w.base + e.length - 1] = DELIMITER;
    w.base += e.length;
  }
  return w.out;
}

/**
 * Encode a NOEMIE-like return; the exact inverse of {@link parseNoemieReturn}.
 * Throws a RangeError for a value the parser would refuse.
 * @example encodeNoemieReturn(ret) // "000CPAM 751 ...@080..."
 */
export function encodeNoemieReturn(value: NoemieReturn): Uint8Array {
  const bytes = writeReturn(value);
  const parsed = parseNoemieReturn(bytes);
  if (!parsed.ok) throw new RangeError(`not a valid return: ${parsed.error.reason} at ${parsed.error.path}: ${parsed.error.message}`);
  return bytes;
}

/**
 * Codec of the NOEMIE-like return.
 * @example noemieReturnCodec.parse(noemieReturnCodec.encode(ret)) // ok: ret
 */
export const noemieReturnCodec: Codec<NoemieReturn, B2Reason> = { parse: parseNoemieReturn, encode: encodeNoemieReturn };
