/**
 * Putting the FSEs of a negatively acknowledged lot into a new lot (OURS,
 * README "Upload"). DOMAIN.md: a negative ARL rejects the whole lot; its
 * FSEs must be sent again in another lot, signed with the CPS.
 *
 * - Reasons a new lot fixes: `L0002` (the lot's signature), `L0003` (the
 *   lot's CPS certificate: only with another CPS than the one refused),
 *   `L0005` / `L0007` (numbering). Any other (`L0001` unreadable, `L0004`
 *   B2 not matching: the host's own bug, `L0006` unknown destination,
 *   `L0008` an FSE's signature, unknown codes) leaves the FSEs with their
 *   negative lot, reported in `unfixable` for a person to look at.
 * - The number: the one the server expects for (partner, destination),
 *   the last positively acknowledged + 1 (999 → 1); with no positive lot
 *   known, the rejected number itself (`L0005`: that number + 1, since a
 *   positive lot holds it).
 * - A destination with a lot still `signed` or awaiting its ARL is
 *   postponed: that lot may take the next number.
 * - The new lot is stored `built → signed` in one transaction with its FSE
 *   links; an FSE is in a new lot at most once (only FSEs in no lot other
 *   than negative ones are taken), so running it again changes nothing.
 * @module
 */
import { encodeLot, encodeSignedLot, makeLot, MAX_LOT_FSES, parseSecuredFse, parseSignedLot, sha256, toHex, type LotFseEntry, type SignedLot } from '../../protocol/index.js';
import type { HostDatabase } from '../database/host-database.js';
import type { UploadRecord } from '../database/upload-table.js';
import type { HostCpsSigner } from '../signing/host-signer.js';
import type { RebuildOptions, RebuildSummary, RebuiltLot, UnfixableFses } from './upload-types.js';

/** ARL reason codes a new lot with the same FSEs can fix (test-vectors/b2/reason-codes.json). */
export const REBUILDABLE_REASONS: ReadonlySet<string> = new Set(['L0002', 'L0003', 'L0005', 'L0007']);

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DDThh:mm:ss±hh:mm` of `epochMs` at `offsetMinutes` (a lot's `createdAt`). */
export function hostLocalTime(epochMs: number, offsetMinutes: number): string {
  const local = new Date(Math.trunc(epochMs) + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

const nextNumber = (n: number): number => (n % 999) + 1;

/** FSEs waiting for a new lot, grouped by what a lot must share. */
interface Group {
  readonly terminalSerial: string;
  readonly partner: string;
  readonly destination: string;
  readonly template: SignedLot;
  readonly firstNumber: number;
  readonly from: number[];
  readonly fses: { readonly fseId: number; readonly entry: LotFseEntry }[];
}

/**
 * Build, sign (the CPS signature key of `signer`) and store new lots for
 * the FSEs of every negatively acknowledged lot a new lot can fix; the next
 * `uploadLots` sends them.
 * @example const { rebuilt, unfixable } = await rebuildRejectedLots(db, signer, { clock, utcOffsetMinutes: 60 });
 */
export async function rebuildRejectedLots(db: HostDatabase, signer: HostCpsSigner, options: RebuildOptions): Promise<RebuildSummary> {
  const unfixable: UnfixableFses[] = [];
  const postponed: number[] = [];
  const groups = new Map<string, Group>();
  let certificate: Uint8Array | undefined;
  const signerCertificate = async (): Promise<Uint8Array> => (certificate ??= await signer.signatureCertificate(options.signal));

  for (const upload of db.uploads.negative()) {
    const fseIds = db.uploads.fsesToRelot(upload.lotId);
    if (fseIds.length === 0) continue;
    const lot = db.getLot(upload.lotId);
    const reason = upload.arl?.reason ?? '';
    const signed = parseSignedLot(db.lotBytes(upload.lotId));
    const invoiceNumbers = fseIds.map((id) => db.getFse(id).invoiceNumber);
    const refuse = (why: string): void => void unfixable.push({ lotId: upload.lotId, reason, why, invoiceNumbers });
    if (!REBUILDABLE_REASONS.has(reason)) {
      refuse(`${reason} ${upload.arl?.label ?? ''}`.trim() + ': a new lot with the same FSEs would be refused the same way');
      continue;
    }
    if (!signed.ok) {
      refuse(`the rejected lot does not parse: ${signed.error.message}`);
      continue;
    }
    if (reason === 'L0003' && toHex(signed.value.cps.certificate) === toHex(await signerCertificate())) {
      refuse('L0003: the lot was refused for this CPS certificate; sign the new lot with another, valid CPS');
      continue;
    }
    if (db.uploads.inFlight(upload.destination)) {
      postponed.push(upload.lotId);
      continue;
    }
    addToGroup(groups, db, upload, lot.terminalSerial, signed.value, reason, fseIds);
  }

  const rebuilt: RebuiltLot[] = [];
  const numbers = new Map<string, number>();
  for (const group of groups.values()) {
    const pair = `${group.partner}/${group.destination}`;
    for (let start = 0; start < group.fses.length; start += MAX_LOT_FSES) {
      const chunk = group.fses.slice(start, start + MAX_LOT_FSES);
      const lotNumber = numbers.get(pair) ?? group.firstNumber;
      numbers.set(pair, nextNumber(lotNumber));
      rebuilt.push(await buildOne(db, signer, options, group, chunk, lotNumber, await signerCertificate()));
    }
  }
  return { rebuilt, unfixable, postponed };
}

function addToGroup(groups: Map<string, Group>, db: HostDatabase, upload: UploadRecord, terminalSerial: string, template: SignedLot, reason: string, fseIds: readonly number[]): void {
  const key = `${terminalSerial}/${upload.partner}/${upload.destination}`;
  const last = db.uploads.lastPositive(upload.partner, upload.destination);
  const firstNumber = last !== undefined ? nextNumber(last) : reason === 'L0005' ? nextNumber(upload.lotNumber) : upload.lotNumber;
  const group = groups.get(key) ?? { terminalSerial, partner: upload.partner, destination: upload.destination, template, firstNumber, from: [], fses: [] };
  groups.set(key, group);
  group.from.push(upload.lotId);
  const byInvoice = new Map(template.lot.fses.map((e) => [e.invoiceNumber, e]));
  for (const fseId of fseIds) {
    if (group.fses.some((f) => f.fseId === fseId)) continue; // in two negative lots (a rebuilt lot refused again)
    const held = db.getFse(fseId);
    const entry = byInvoice.get(held.invoiceNumber) ?? entryOf(db, fseId);
    group.fses.push({ fseId, entry });
  }
}

/** A lot entry from the FSE the host holds (its digest is the held bytes'). */
function entryOf(db: HostDatabase, fseId: number): LotFseEntry {
  const bytes = db.fseBytes(fseId);
  const parsed = parseSecuredFse(bytes);
  if (!parsed.ok) throw new Error(`FSE ${fseId} held verified does not parse: ${parsed.error.message}`);
  const f = parsed.value.fse;
  return { invoiceNumber: f.invoiceNumber, digest: sha256(bytes), securing: f.securing, totalCents: f.totals.totalCents, amoCents: f.totals.amoCents };
}

async function buildOne(
  db: HostDatabase,
  signer: HostCpsSigner,
  options: RebuildOptions,
  group: Group,
  chunk: Group['fses'],
  lotNumber: number,
  certificate: Uint8Array,
): Promise<RebuiltLot> {
  const now = options.clock.now();
  const made = makeLot({
    destination: group.destination,
    lotNumber,
    createdAt: hostLocalTime(now, options.utcOffsetMinutes),
    deviceAgreement: group.template.lot.deviceAgreement,
    portable: group.template.lot.portable,
    fses: chunk.map((c) => c.entry),
  });
  if (!made.ok) throw new Error(`lot ${group.destination}-${lotNumber}: ${made.error.message} (${made.error.path})`);
  const signature = await signer.sign(encodeLot(made.value), options.signal);
  const bytes = encodeSignedLot({ lot: made.value, cps: { signature, certificate } });
  const lotId = db.uploads.storeBuiltLot({ terminalSerial: group.terminalSerial, destination: group.destination, lotNumber, bytes, digest: sha256(bytes), fseIds: chunk.map((c) => c.fseId), at: now });
  return { lotId, destination: group.destination, lotNumber, from: [...group.from], invoiceNumbers: made.value.fses.map((e) => e.invoiceNumber) };
}
