/**
 * The host's checks of what it fetched (pure but for node:crypto inside
 * protocol's verifier): an FSE's signatures and its id; a lot's signature,
 * then each of its FSE digests against the FSEs the host holds.
 * @module
 */
import { parseSecuredFse, parseSignedLot, verifySecuredFseValue, verifySignedLotValue, type SignedLot, type TrustAnchors } from '../../protocol/index.js';
import type { HostFse, RejectionReason, VerdictFields } from '../database/records.js';

/** A verdict and, for a verified lot, the host ids of its FSEs. */
export type LotCheck = VerdictFields & { readonly lot?: SignedLot['lot']; readonly fseIds: readonly number[] };

const rejected = (reason: RejectionReason, detail: string) => ({ verdict: 'rejected', reason, detail }) as const;

/** When a signer's certificate must have been valid: the date-time the item says it was made (signed with it). */
function madeAt(text: string | undefined): number | undefined {
  const at = text === undefined ? NaN : Date.parse(text);
  return Number.isFinite(at) ? at : undefined;
}

function anchorsAt(anchors: TrustAnchors, at: number | undefined): TrustAnchors {
  return at === undefined ? anchors : { ...anchors, at };
}

/**
 * Verify a secured FSE fetched under link id `id` (its invoice number):
 * protocol's verification (parsed once) with every certificate valid at the FSE's
 * capture time and not revoked (OURS: the time it was signed, not the
 * host's now), then the id.
 */
export function checkFse(bytes: Uint8Array, id: number, anchors: TrustAnchors): VerdictFields {
  const parsed = parseSecuredFse(bytes);
  if (!parsed.ok) return rejected('unparsable', parsed.error.message);
  const verdict = verifySecuredFseValue(parsed.value, anchorsAt(anchors, madeAt(parsed.value.fse.capturedAt)));
  if (!verdict.ok) return rejected(verdict.reason, verdict.message);
  if (verdict.value.fse.invoiceNumber !== id) return rejected('wrong-id', `fetched as FSE ${id}, the FSE says invoice ${verdict.value.fse.invoiceNumber}`);
  return { verdict: 'verified' };
}

/**
 * Verify a signed lot: protocol's verification, parsed once (certificates valid at
 * the lot's creation time, not revoked), then every entry against `held`
 * (the host's FSE of that invoice number from the same terminal): it must
 * be held, verified, and have the entry's digest.
 */
export function checkLot(bytes: Uint8Array, anchors: TrustAnchors, held: (invoiceNumber: number) => HostFse | undefined): LotCheck {
  const parsed = parseSignedLot(bytes);
  if (!parsed.ok) return { ...rejected('unparsable', parsed.error.message), fseIds: [] };
  const { lot } = parsed.value;
  const verdict = verifySignedLotValue(parsed.value, anchorsAt(anchors, madeAt(lot.createdAt)));
  const withLot = { lot };
  if (!verdict.ok) return { ...rejected(verdict.reason, verdict.message), ...withLot, fseIds: [] };
  const fseIds: number[] = [];
  for (const entry of verdict.value.lot.fses) {
    const fse = held(entry.invoiceNumber);
    const name = `FSE ${entry.invoiceNumber}`;
    if (fse === undefined) return { ...rejected('unknown-fse', `${name} of the lot is not held by the host`), ...withLot, fseIds: [] };
    if (!sameBytes(fse.digest, entry.digest)) return { ...rejected('fse-mismatch', `${name}: the lot's digest is not the one of the FSE held`), ...withLot, fseIds: [] };
    if (fse.verdict !== 'verified') return { ...rejected('fse-rejected', `${name} was rejected (${fse.reason})`), ...withLot, fseIds: [] };
    fseIds.push(fse.id);
  }
  return { verdict: 'verified', lot: verdict.value.lot, fseIds };
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
