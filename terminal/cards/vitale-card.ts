/**
 * Reading the carte Vitale (DOMAIN.md "Cards": the VITALE application
 * `D250000002564954414C45`; data groups 101 insured, 104 beneficiaries 1-6,
 * 105 AMO rights periods 0-3, 106 coverage periods 0-7).
 *
 * The group files' layout is the emulator's design (emulator/profiles
 * README "Vitale", OURS; the GIE's is not public): the VITALE DF holds
 * `2101` `E1 {80 card type, 81 serial, 82 NIR (13), 83 key, 84 régime,
 * 85 caisse, 86 centre, 87 code gestion, 88 issue date}`, `2104` one
 * `E4 {80 birth name, [81 usual name], 82 first name, 83 NIR, 84 birth
 * date, 85 rang, 86 qualité, [87 médecin traitant]}` per beneficiary,
 * `2105` one `E5 {A0 {80 start, [81 end]}*}` each, `2106` one `E6 {A0 {80
 * start, [81 end], 82 ALD, 83 situation}*}` each, and on a Vitale 2 the
 * card certificate `2F10` (X.509 DER). Text is Latin-1, dates YYYYMMDD,
 * files zero padded.
 * @module
 */
import type { CardChannel } from '../../drivers/index.js';
import { fail, findAllTlv, findTlv, formatNir, hex, isIsoDate, isPadding, ok, parseNir, parseTlv, SW, type FseBeneficiary, type ParseResult, type TlvItem, type TlvNode } from '../../protocol/index.js';
import type { BeneficiaryRights, CoveragePeriod, Period } from '../billing/index.js';
import { CardOperationError } from '../machines/index.js';
import { readTransparent, transmitOk } from './card-io.js';

/** SELECT the VITALE application by DF name (DOMAIN.md "Cards"), no answer data asked (P2 0C). */
export const SELECT_VITALE_APPLICATION = hex('00 A4 04 0C 0B D2 50 00 00 02 56 49 54 41 4C 45');
/** OURS (emulator profile): the VITALE application's files. */
export const VITALE_FILES = { insured: 0x2101, beneficiaries: 0x2104, amoRights: 0x2105, coverage: 0x2106, certificate: 0x2f10 } as const;
/** Most beneficiaries a card holds (DOMAIN.md: group 104, 1 to 6 occurrences). */
export const MAX_BENEFICIARIES = 6;

/** SELECT an EF of the current DF by FID (ISO/IEC 7816-4 §7.1.1, P1 02), no answer data (P2 0C). */
export function selectVitaleFile(fid: number): Uint8Array {
  if (!Number.isInteger(fid) || fid < 0 || fid > 0xffff) throw new RangeError(`a FID is 16 bits, not ${fid}`);
  return Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff);
}

/** The insured (assuré ouvrant droit), group 101. */
export interface VitaleInsured {
  /** 15 characters, key checked. */
  readonly nir: string;
  readonly regime: string;
  readonly caisse: string;
  readonly centre: string;
  readonly codeGestion: string;
}

/** One beneficiary, group 104 (the FSE's beneficiary fields) with its periods of groups 105 and 106. */
export interface VitaleBeneficiary extends FseBeneficiary {
  readonly rights: BeneficiaryRights;
}

/** What the terminal reads from a carte Vitale. */
export interface VitaleCardData {
  /** 1 or 2: group 101's card type. A Vitale 1 has no key: FSEs go in mode F. */
  readonly generation: 1 | 2;
  /** Card serial, 10 digits. */
  readonly serial: string;
  /** `YYYY-MM-DD`. */
  readonly issued: string;
  readonly insured: VitaleInsured;
  /** 1 to 6, card order. */
  readonly beneficiaries: readonly VitaleBeneficiary[];
  /** The card certificate, X.509 DER (Vitale 2 only). */
  readonly certificate?: Uint8Array;
}

/** Why Vitale data does not parse. */
export type VitaleDataReason = 'bad-tlv' | 'missing-field' | 'bad-field' | 'inconsistent';

/** What the Vitale parsers return: the value, or a typed failure with its field path. */
export type Parsed<T> = ParseResult<T, VitaleDataReason>;

class Refusal {
  constructor(readonly reason: VitaleDataReason, readonly message: string, readonly path: string) {}
}

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const DIGITS = (n: number): RegExp => new RegExp(`^[0-9]{${n}}$`);
const PRINTABLE = /^[^\u0000-\u001F\u007F]{1,64}$/u;

function objects(bytes: Uint8Array, path: string): TlvNode[] {
  const parsed = parseTlv(bytes);
  if (!parsed.ok) throw new Refusal('bad-tlv', parsed.error.message, `${path}/${parsed.error.path}`);
  return parsed.value.filter((i: TlvItem): i is TlvNode => !isPadding(i));
}

function field(node: TlvNode, tag: number, path: string): Uint8Array {
  const value = findTlv([node], [node.tag, tag])?.value;
  if (value === undefined) throw new Refusal('missing-field', `no tag ${tag.toString(16).toUpperCase()}`, `${path}/${tag.toString(16).toUpperCase()}`);
  return value;
}

function optionalText(node: TlvNode, tag: number, path: string): string | undefined {
  const value = findTlv([node], [node.tag, tag])?.value;
  return value === undefined ? undefined : text(value, PRINTABLE, `${path}/${tag.toString(16).toUpperCase()}`);
}

function text(value: Uint8Array, pattern: RegExp, path: string): string {
  const t = latin1(value);
  if (!pattern.test(t)) throw new Refusal('bad-field', `"${t}" does not match ${pattern.source}`, path);
  return t;
}

function textField(node: TlvNode, tag: number, pattern: RegExp, path: string): string {
  return text(field(node, tag, path), pattern, `${path}/${tag.toString(16).toUpperCase()}`);
}

/** YYYYMMDD (ASCII) → YYYY-MM-DD, a real date. */
function dateField(node: TlvNode, tag: number, path: string): string {
  const raw = textField(node, tag, DIGITS(8), path);
  const date = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6)}`;
  if (!isIsoDate(date)) throw new Refusal('bad-field', `${raw} is not a date`, `${path}/${tag.toString(16).toUpperCase()}`);
  return date;
}

function nirText(t: string, path: string): string {
  const parsed = parseNir(t);
  if (!parsed.ok || formatNir(parsed.value, 'compact') !== t) throw new Refusal('bad-field', `not a valid NIR${parsed.ok ? '' : `: ${parsed.error.message}`}`, path);
  return t;
}

function attempt<T>(run: () => T): Parsed<T> {
  try {
    return ok(run());
  } catch (e) {
    if (e instanceof Refusal) return fail(e.reason, `${e.path}: ${e.message}`, 0, e.path);
    throw e;
  }
}

/** The insured and the card facts of group 101. */
export interface VitaleInsuredFile {
  readonly generation: 1 | 2;
  readonly serial: string;
  readonly issued: string;
  readonly insured: VitaleInsured;
}

/**
 * Parse group 101 (file 2101). Never throws on input.
 * @example parseVitaleInsured(bytes) // ok({ generation: 2, serial: '1000031676', insured: { nir: '269054958815780', regime: '01', ... } })
 */
export function parseVitaleInsured(bytes: Uint8Array): Parsed<VitaleInsuredFile> {
  return attempt(() => {
    const node = objects(bytes, '101').find((n) => n.tag === 0xe1);
    if (node === undefined) throw new Refusal('missing-field', 'no E1 record', '101/E1');
    const p = '101/E1';
    const type = textField(node, 0x80, /^[12]$/, p);
    const nir = nirText(textField(node, 0x82, /^[0-9]{5}([0-9]{2}|2[AB])[0-9]{6}$/, p) + textField(node, 0x83, DIGITS(2), p), `${p}/82`);
    return {
      generation: type === '1' ? 1 : 2,
      serial: textField(node, 0x81, DIGITS(10), p),
      issued: dateField(node, 0x88, p),
      insured: {
        nir,
        regime: textField(node, 0x84, DIGITS(2), p),
        caisse: textField(node, 0x85, DIGITS(3), p),
        centre: textField(node, 0x86, DIGITS(4), p),
        codeGestion: textField(node, 0x87, /^[0-9A-Z]{2}$/, p),
      },
    };
  });
}

/** A beneficiary of group 104, before its periods are attached. */
export type VitaleIdentity = Omit<VitaleBeneficiary, 'rights'>;

/**
 * Parse group 104 (file 2104): 1 to 6 beneficiaries in card order. Never throws on input.
 * @example parseVitaleBeneficiaries(bytes) // ok([{ lastName: 'MARTIN', firstName: 'CLAIRE', birthDate: '1969-05-12', ... }])
 */
export function parseVitaleBeneficiaries(bytes: Uint8Array): Parsed<VitaleIdentity[]> {
  return attempt(() => {
    const nodes = objects(bytes, '104').filter((n) => n.tag === 0xe4);
    if (nodes.length < 1 || nodes.length > MAX_BENEFICIARIES) throw new Refusal('inconsistent', `${nodes.length} beneficiaries: 1 to ${MAX_BENEFICIARIES}`, '104');
    return nodes.map((node, i) => {
      const p = `104/E4[${i}]`;
      const rank = field(node, 0x85, p);
      if (rank.length !== 1 || rank[0]! < 1 || rank[0]! > 9) throw new Refusal('bad-field', 'rang de naissance is one byte 1-9', `${p}/85`);
      const usualName = optionalText(node, 0x81, p);
      return {
        lastName: textField(node, 0x80, PRINTABLE, p),
        ...(usualName === undefined ? {} : { usualName }),
        firstName: textField(node, 0x82, PRINTABLE, p),
        nir: nirText(textField(node, 0x83, /^.{15}$/su, p), `${p}/83`),
        birthDate: dateField(node, 0x84, p),
        birthRank: rank[0]!,
        quality: textField(node, 0x86, DIGITS(2), p),
      };
    });
  });
}

function period(node: TlvNode, path: string): Period {
  const start = dateField(node, 0x80, path);
  const hasEnd = findTlv([node], [node.tag, 0x81]) !== undefined;
  if (!hasEnd) return { start };
  const end = dateField(node, 0x81, path);
  if (end < start) throw new Refusal('bad-field', `period ends ${end} before it starts ${start}`, `${path}/81`);
  return { start, end };
}

const SITUATIONS: readonly CoveragePeriod['situation'][] = ['none', 'c2s', 'c2s-participation', 'maternity', 'invalidity'];

function byBeneficiary(bytes: Uint8Array, group: string, tag: number, max: number): TlvNode[][] {
  return objects(bytes, group)
    .filter((n) => n.tag === tag)
    .map((node, i) => {
      const periods = findAllTlv([node], [tag, 0xa0]);
      if (periods.length > max) throw new Refusal('inconsistent', `${periods.length} periods: at most ${max}`, `${group}/${tag.toString(16).toUpperCase()}[${i}]`);
      return periods;
    });
}

/**
 * Parse groups 105 (file 2105) and 106 (file 2106): the rights of each
 * beneficiary, card order. Never throws on input.
 * @example parseVitaleRights(amo, coverage) // ok([{ amoRights: [{ start: '2024-01-01' }], coverage: [{ start: '2023-06-01', ald: true, situation: 'none' }] }])
 */
export function parseVitaleRights(amoBytes: Uint8Array, coverageBytes: Uint8Array): Parsed<BeneficiaryRights[]> {
  return attempt(() => {
    const amo = byBeneficiary(amoBytes, '105', 0xe5, 3).map((periods, i) => periods.map((n, k) => period(n, `105/E5[${i}]/A0[${k}]`)));
    const coverage = byBeneficiary(coverageBytes, '106', 0xe6, 7).map((periods, i) =>
      periods.map((n, k): CoveragePeriod => {
        const p = `106/E6[${i}]/A0[${k}]`;
        const ald = field(n, 0x82, p);
        const situation = SITUATIONS[field(n, 0x83, p)[0] ?? -1];
        if (ald.length !== 1 || ald[0]! > 1) throw new Refusal('bad-field', 'ALD is one byte 0/1', `${p}/82`);
        if (situation === undefined || field(n, 0x83, p).length !== 1) throw new Refusal('bad-field', 'unknown situation code', `${p}/83`);
        return { ...period(n, p), ald: ald[0] === 1, situation };
      }),
    );
    if (amo.length !== coverage.length) throw new Refusal('inconsistent', `${amo.length} rights records but ${coverage.length} coverage records`, '106');
    return amo.map((amoRights, i) => ({ amoRights, coverage: coverage[i] ?? [] }));
  });
}

/**
 * Put the groups together: one rights record per beneficiary, a
 * certificate exactly on a Vitale 2.
 * @example vitaleCardData(insured, identities, rights, certificate) // ok({ generation: 2, beneficiaries: [...] })
 */
export function vitaleCardData(insured: VitaleInsuredFile, identities: readonly VitaleIdentity[], rights: readonly BeneficiaryRights[], certificate: Uint8Array | undefined): Parsed<VitaleCardData> {
  if (rights.length !== identities.length) return fail('inconsistent', `${identities.length} beneficiaries but ${rights.length} rights records`, 0, '105');
  if ((insured.generation === 2) !== (certificate !== undefined)) return fail('inconsistent', `a Vitale ${insured.generation} ${certificate === undefined ? 'needs' : 'has no'} card certificate`, 0, '2F10');
  const beneficiaries = identities.map((b, i) => ({ ...b, rights: rights[i]! }));
  return ok({ ...insured, beneficiaries, ...(certificate === undefined ? {} : { certificate }) });
}

async function readFile(channel: CardChannel, fid: number, name: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  await transmitOk(channel, selectVitaleFile(fid), `SELECT ${name}`, signal);
  return readTransparent(channel, name, signal);
}

function need<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new CardOperationError({ kind: 'bad-card-data', path: parsed.error.path });
  return parsed.value;
}

/**
 * Read a carte Vitale on `channel`: SELECT VITALE, then files 2101, 2104,
 * 2105, 2106 and 2F10 (absent, 6A82, on a Vitale 1). Rejects with a
 * {@link CardOperationError} (`card-refused`, `bad-card-data` with the
 * field path) or the drivers' `DriverError` (`card-removed` when the card
 * is pulled mid-read, `timeout`).
 */
export async function readVitaleCard(channel: CardChannel, signal?: AbortSignal): Promise<VitaleCardData> {
  await transmitOk(channel, SELECT_VITALE_APPLICATION, 'SELECT VITALE', signal);
  const insured = need(parseVitaleInsured(await readFile(channel, VITALE_FILES.insured, 'group 101', signal)));
  const identities = need(parseVitaleBeneficiaries(await readFile(channel, VITALE_FILES.beneficiaries, 'group 104', signal)));
  const amo = await readFile(channel, VITALE_FILES.amoRights, 'group 105', signal);
  const rights = need(parseVitaleRights(amo, await readFile(channel, VITALE_FILES.coverage, 'group 106', signal)));
  const select = await channel.transmit(selectVitaleFile(VITALE_FILES.certificate), { signal });
  let certificate: Uint8Array | undefined;
  if (select.sw === SW.OK) certificate = trimDer(await readTransparent(channel, 'certificate', signal));
  else if (select.sw !== SW.FILE_NOT_FOUND) throw new CardOperationError({ kind: 'card-refused', sw: select.sw, command: 'SELECT certificate' });
  return need(vitaleCardData(insured, identities, rights, certificate));
}

/**
 * The DER certificate without the file's zero padding: its outer SEQUENCE
 * length says where it ends (X.690 §8.1.3). Unparsable: kept whole (the
 * verifier will refuse it).
 */
export function trimDer(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0x30 || bytes.length < 2) return bytes;
  const first = bytes[1]!;
  if (first < 0x80) return bytes.subarray(0, 2 + first);
  const size = first & 0x7f;
  if (size === 0 || size > 3 || bytes.length < 2 + size) return bytes;
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + bytes[2 + i]!;
  return 2 + size + length <= bytes.length ? bytes.subarray(0, 2 + size + length) : bytes;
}
