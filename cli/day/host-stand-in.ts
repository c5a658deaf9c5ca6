/**
 * A small stand-in for the PC of the practice (the host SDK comes with the
 * next issue): over the link it identifies the terminal, sets its clock,
 * lists what it holds, fetches every FSE and lot, verifies every signature
 * against the test CA (an FSE: the carte Vitale's cryptogram and the CPS
 * signature, terminal/securing `verifySecuredFse`; a lot: the CPS signature
 * over `encodeLot`, protocol `signedLotCheck`, and each entry's digest
 * against the fetched FSE), then acknowledges everything, so the terminal
 * frees it (terminal README "Host link server").
 *
 * OURS: the order of the requests; a host that refuses to acknowledge
 * anything when one signature fails.
 * @module
 */
import type { Link } from '../../drivers/index.js';
import { sha256, toHex, verifySecuredFse, verifySignedLot, type LinkFseEntry, LOT_LINK_FLAG } from '../../protocol/index.js';

/** A lot as the host received it. */
export interface ReceivedLot {
  readonly destination: string;
  readonly number: number;
  readonly fseCount: number;
  readonly totalCents: number;
  /** The signed lot's bytes (`E4`), as fetched. */
  readonly bytes: Uint8Array;
}

/** An FSE as the host read it (after verifying it). */
export interface ReceivedFse {
  readonly invoiceNumber: number;
  readonly securing: 'S' | 'F' | 'D';
  readonly totalCents: number;
  readonly thirdParty: string;
}

/** What the host did and found. */
export interface HostSession {
  readonly identity: { readonly model: string; readonly serial: string; readonly firmware: string; readonly agreementNumber: string };
  /** How far the terminal's clock was from the host's, ms (host - terminal). */
  readonly clockCorrectionMs: number;
  readonly listed: { readonly fses: number; readonly lots: number };
  /** Signatures checked and found valid: FSE Vitale cryptograms, FSE CPS signatures, lot CPS signatures. */
  readonly verified: { readonly vitale: number; readonly cps: number; readonly lots: number };
  /** Signatures that failed, with why (empty on a good day). */
  readonly failures: readonly string[];
  readonly lots: readonly ReceivedLot[];
  /** Every FSE fetched and verified, as its bytes say. */
  readonly fses: readonly ReceivedFse[];
  /** Invoice numbers in no lot (an FSE the lots could not batch). */
  readonly outsideLots: readonly number[];
  /** Link ids the terminal freed after the acknowledgement. */
  readonly freed: readonly number[];
  /** What the terminal still lists after the acknowledgement. */
  readonly remaining: number;
}

/** What the host trusts and what time it is for it. */
export interface HostOptions {
  /** The test CA, PEM. */
  readonly ca: string;
  /** The host's time, ms since 1970, and its UTC offset (minutes). */
  readonly now: () => number;
  readonly utcOffsetMinutes: number;
}

async function list(link: Link): Promise<LinkFseEntry[]> {
  const answer = await link.request({ kind: 'list-fses' });
  if (answer.kind !== 'fse-list') throw new Error(`list-fses answered ${answer.kind}`);
  return [...answer.fses];
}

async function fetchBytes(link: Link, id: number): Promise<Uint8Array> {
  const answer = await link.request({ kind: id >= LOT_LINK_FLAG ? 'fetch-lot' : 'fetch-fse', id });
  if (answer.kind !== 'fse' && answer.kind !== 'lot') throw new Error(`fetching ${id} answered ${answer.kind}${answer.kind === 'error' ? `: ${answer.text}` : ''}`);
  return answer.bytes;
}

/** Synchronise with the terminal over `link` (see the module). */
export async function syncWithTerminal(link: Link, options: HostOptions): Promise<HostSession> {
  const identity = await link.request({ kind: 'identify' });
  if (identity.kind !== 'identity') throw new Error(`identify answered ${identity.kind}`);
  const hostNow = options.now();
  const clockSet = await link.request({ kind: 'set-clock', epochMs: hostNow, utcOffsetMinutes: options.utcOffsetMinutes });
  if (clockSet.kind !== 'clock-set') throw new Error(`set-clock answered ${clockSet.kind}`);
  const items = await list(link);
  const failures: string[] = [];
  const verified = { vitale: 0, cps: 0, lots: 0 };
  const digests = new Map<number, string>();
  const fses: ReceivedFse[] = [];
  for (const item of items.filter((i) => i.id < LOT_LINK_FLAG)) {
    const bytes = await fetchBytes(link, item.id);
    const verdict = verifySecuredFse(bytes, { ca: options.ca });
    if (verdict.ok) {
      const { fse } = verdict.value;
      fses.push({ invoiceNumber: fse.invoiceNumber, securing: fse.securing, totalCents: fse.totals.totalCents, thirdParty: fse.thirdParty });
    } else failures.push(`FSE ${item.id}: ${verdict.message}`);
    for (const v of verdict.verdicts) if (v.signatureValid && v.chainValid) verified[v.signer] += 1;
    digests.set(item.id, toHex(sha256(bytes)));
  }
  const lots: ReceivedLot[] = [];
  const inLots = new Set<number>();
  for (const item of items.filter((i) => i.id >= LOT_LINK_FLAG)) {
    const bytes = await fetchBytes(link, item.id);
    const verdict = verifySignedLot(bytes, { ca: options.ca });
    if (!verdict.ok && verdict.value === undefined) {
      failures.push(`lot ${item.id - LOT_LINK_FLAG}: ${verdict.message}`);
      continue;
    }
    const { lot } = verdict.value!;
    if (verdict.ok) verified.lots += 1;
    else failures.push(`lot ${lot.destination}-${lot.lotNumber}: ${verdict.message}`);
    for (const entry of lot.fses) {
      inLots.add(entry.invoiceNumber);
      if (digests.get(entry.invoiceNumber) !== toHex(entry.digest)) failures.push(`lot ${lot.destination}-${lot.lotNumber}: FSE ${entry.invoiceNumber} is not the one fetched`);
    }
    lots.push({ destination: lot.destination, number: lot.lotNumber, fseCount: lot.fses.length, totalCents: lot.totals.totalCents, bytes });
  }
  let freed: number[] = [];
  if (failures.length === 0) {
    const outside = [...digests.keys()].filter((id) => !inLots.has(id));
    const acknowledged = await link.request({ kind: 'acknowledge', ids: [...items.filter((i) => i.id >= LOT_LINK_FLAG).map((i) => i.id), ...outside] });
    if (acknowledged.kind !== 'acknowledged') throw new Error(`acknowledge answered ${acknowledged.kind}`);
    freed = [...acknowledged.freed].sort((a, b) => a - b);
  }
  return {
    identity: { model: identity.model, serial: identity.serial, firmware: identity.firmware, agreementNumber: identity.agreementNumber },
    clockCorrectionMs: hostNow - clockSet.previousEpochMs,
    listed: { fses: digests.size, lots: items.length - digests.size },
    verified,
    failures,
    lots,
    fses,
    outsideLots: [...digests.keys()].filter((id) => !inLots.has(id)),
    freed,
    remaining: (await list(link)).length,
  };
}
