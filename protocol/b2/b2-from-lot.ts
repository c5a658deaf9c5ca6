/**
 * From the terminal's signed lot to a B2 file, and back as a check (README
 * "From a signed lot", OURS): the invoice fields come from each secured FSE,
 * the certification zones bind the file to the CPS-signed lot, so the
 * teleservice can verify a received B2 file against the lot signature.
 * @module
 */
import { toHex } from '../bytes.js';
import { encodeSecuredFse, encodeSignedLot, sha256, type FseAct, type SecuredFse, type SignedLot } from '../fse/index.js';
import { fail, type ParseResult } from '../result.js';
import { b2File } from './b2-file.js';
import { MAX_B2_LINES, type B2File, type B2Invoice, type B2Line, type B2Marking } from './b2-types.js';
import { isFieldText, toYymmdd, type B2Reason } from './fixed-width.js';

/** What the host adds to a lot to make its B2 file. */
export interface B2Options {
  /** N° agrément progiciel de santé of the host software (lot trailer cols 61-72), 1-12 printable characters. */
  readonly softwareAgreement: string;
  /** Lot marking; `T` (tests) by default: bifente's personas are fictitious. */
  readonly marking?: B2Marking;
}

/** Width of a certification zone: 32 characters, 16 bytes as hex. */
const ZONE_BYTES = 16;

/**
 * The lot trailer's certification zone (OURS): the first 16 bytes of the
 * SHA-256 of the signed lot's canonical bytes (`encodeSignedLot`), as 32
 * upper-case hex characters.
 * @example lotCertification(signed) // '3FA2...' (32 characters)
 */
export function lotCertification(signed: SignedLot): string {
  return toHex(sha256(encodeSignedLot(signed)).subarray(0, ZONE_BYTES));
}

/** An invoice's certification zone (OURS): the first 16 bytes of the lot entry's digest, as hex. */
function invoiceCertification(digest: Uint8Array): string {
  return toHex(digest.subarray(0, ZONE_BYTES));
}

/** Names in B2 are ASCII: accents dropped, upper case, at most 40 characters (OURS). */
function asciiName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^ -~]/g, ' ')
    .slice(0, 40)
    .trimEnd();
}

/** A B2 line from an FSE act: quantities above 99 go to the coefficient (quantity 1, coefficient q × 100). */
function lineOf(act: FseAct, s: SecuredFse): B2Line {
  const p = s.fse.professional;
  const [quantity, coefficient] = act.quantity <= MAX_B2_LINES ? [act.quantity, 100] : [1, act.quantity * 100];
  const line = {
    executant: p.billingNumber,
    feeZone: p.feeZone,
    specialty: p.specialty,
    actDate: toYymmdd(s.fse.actDate),
    code: act.code,
    quantity,
    coefficient,
    unitCents: act.unitCents,
    amountCents: act.amountCents,
    atHome: s.fse.portable,
  };
  return act.ik === undefined ? line : { ...line, ik: { ...act.ik } };
}

function invoiceOf(s: SecuredFse, certification: string): B2Invoice {
  const f = s.fse;
  return {
    invoiceNumber: f.invoiceNumber,
    insuredNir: f.insured.nir,
    securing: f.securing,
    invoiceDate: toYymmdd(f.capturedAt),
    portable: f.portable,
    regime: f.insured.regime,
    caisse: f.insured.caisse,
    centre: f.insured.centre,
    rightsValid: f.coverage.rightsValid,
    insuranceNature: f.coverage.maternity ? '30' : '10',
    ald: f.coverage.ald,
    substitute: f.professional.replaced !== undefined,
    birthDate: toYymmdd(f.beneficiary.birthDate),
    birthRank: f.beneficiary.birthRank,
    payee: f.thirdParty,
    c2s: f.coverage.c2s,
    lines: f.acts.map((a) => lineOf(a, s)),
    amoCents: f.totals.amoCents,
    certification,
  };
}

/**
 * The lot's partner (OURS): the billing number of the lot's first FSE, the
 * replaced doctor's for a substitute (DOMAIN.md "Substitute doctors"); each
 * act line names the professional who did it (executant).
 */
function partnerOf(s: SecuredFse): string {
  return s.fse.professional.replaced?.billingNumber ?? s.fse.professional.billingNumber;
}

/**
 * Build the B2 file of a signed lot (OURS mapping, README "From a signed
 * lot"): one lot, the lot's entries in order, each matched by invoice number
 * to its secured FSE, whose SHA-256 must be the entry's digest. A typed
 * failure (path `fses/<i>/...`) when the FSEs do not match the lot or a value
 * does not fit B2's columns (act codes of 5 characters, amounts of 7 digits,
 * agreement numbers of 12).
 * @example b2FromLot(signed, fses, { softwareAgreement: 'BFT-HOST-01' }) // ok: B2File
 */
export function b2FromLot(signed: SignedLot, fses: readonly SecuredFse[], options: B2Options): ParseResult<B2File, B2Reason> {
  const lot = signed.lot;
  const byNumber = new Map(fses.map((s) => [s.fse.invoiceNumber, s]));
  if (byNumber.size !== fses.length || fses.length !== lot.fses.length) return fail('inconsistent', 'the FSEs are not the lot\'s entries, one each', 0, 'fses');
  const invoices: B2Invoice[] = [];
  for (const [i, entry] of lot.fses.entries()) {
    const s = byNumber.get(entry.invoiceNumber);
    if (s === undefined) return fail('inconsistent', `no FSE for invoice ${entry.invoiceNumber}`, 0, `fses/${i}`);
    if (toHex(sha256(encodeSecuredFse(s))) !== toHex(entry.digest)) return fail('inconsistent', `FSE ${entry.invoiceNumber} is not the one the lot signed`, 0, `fses/${i}/digest`);
    const bad = s.fse.acts.findIndex((a) => !/^[A-Z0-9]{1,5}$/.test(a.code));
    if (bad >= 0) return fail('bad-value', `act code "${s.fse.acts[bad]!.code}" is longer than B2's 5 characters`, 0, `fses/${i}/acts/${bad}/code`);
    invoices.push(invoiceOf(s, invoiceCertification(entry.digest)));
  }
  if (!isFieldText(options.softwareAgreement, 12, 1)) return fail('bad-value', 'the software agreement number must be 1-12 printable characters', 0, 'softwareAgreement');
  if (lot.portable && lot.deviceAgreement.length > 12) return fail('bad-value', `device agreement "${lot.deviceAgreement}" is longer than B2's 12 characters`, 0, 'lot/deviceAgreement');
  const first = byNumber.get(lot.fses[0]!.invoiceNumber)!;
  const partner = partnerOf(first);
  const fileLot = {
    partner,
    destination: lot.destination,
    lotNumber: lot.lotNumber,
    partnerName: asciiName(first.fse.professional.name) || partner,
    createdOn: toYymmdd(lot.createdAt),
    marking: options.marking ?? 'T',
    softwareAgreement: options.softwareAgreement,
    certification: lotCertification(signed),
    invoices,
  };
  const file: B2File = {
    emitterType: 'TP',
    emitter: partner.padStart(14, '0'),
    recipientType: 'CP',
    recipient: lot.destination,
    application: 'SV',
    fileId: `${lot.destination}${String(lot.lotNumber).padStart(3, '0')}`,
    createdOn: toYymmdd(lot.createdAt),
    norm: 'FSE',
    message: '',
    lots: [lot.portable ? { ...fileLot, deviceAgreement: lot.deviceAgreement } : fileLot],
  };
  return b2File(file);
}

/** One way a B2 file differs from the signed lot it claims to carry. */
export interface B2Mismatch {
  /** The B2 field that differs, for example `lots/0/invoices/3/amoCents`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Check a received B2 file against a signed lot (the teleservice's check
 * after verifying the lot signature): one lot, same destination, lot number
 * and certification zone, the same invoices in the same order with the
 * entries' digests (certification zones), totals and AMO parts. Returns
 * the mismatches, empty when the file carries that lot.
 * @example b2MatchesLot(file, signed) // []
 */
export function b2MatchesLot(file: B2File, signed: SignedLot): readonly B2Mismatch[] {
  const lot = signed.lot;
  if (file.lots.length !== 1) return [{ path: 'lots', message: `${file.lots.length} lots in the file, 1 expected` }];
  const b = file.lots[0]!;
  const out: B2Mismatch[] = [];
  const check = (path: string, got: unknown, want: unknown) => {
    if (got !== want) out.push({ path: `lots/0/${path}`, message: `${String(got)} where the lot has ${String(want)}` });
  };
  check('destination', b.destination, lot.destination);
  check('lotNumber', b.lotNumber, lot.lotNumber);
  check('certification', b.certification, lotCertification(signed));
  check('invoices', b.invoices.length, lot.fses.length);
  lot.fses.forEach((e, i) => {
    const inv = b.invoices[i];
    if (inv === undefined) return;
    check(`invoices/${i}/invoiceNumber`, inv.invoiceNumber, e.invoiceNumber);
    check(`invoices/${i}/certification`, inv.certification, invoiceCertification(e.digest));
    check(`invoices/${i}/totalCents`, inv.lines.reduce((s, l) => s + l.amountCents, 0), e.totalCents);
    check(`invoices/${i}/amoCents`, inv.amoCents, e.amoCents);
    check(`invoices/${i}/securing`, inv.securing, e.securing);
  });
  return out;
}
