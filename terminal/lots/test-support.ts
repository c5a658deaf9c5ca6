// Helpers of the lots and host-link tests: a real store in a temp folder,
// secured FSEs made from the protocol vectors (test-vectors/protocol/fse.json)
// with another invoice number and insured fund, and a clock.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectStore, openTerminalStore, type FseRecord, type TerminalStore } from '../../drivers/index.js';
import { encodeSecuredFse, hex, parseSecuredFse, type SecuredFse } from '../../protocol/index.js';
import { destinationOf, type TerminalClock } from '../securing/index.js';

/** The insured's fund: regime (2 digits) and caisse (3). */
export interface InsuredFund {
  readonly regime: string;
  readonly caisse: string;
}

const VECTORS = JSON.parse(readFileSync(new URL('../../test-vectors/protocol/fse.json', import.meta.url), 'utf8')) as { securedFse: { hex: string }[] };

/** The secured FSE vectors (mode S with the Vitale, mode D), parsed. */
export const SECURED_FSE_SAMPLES: readonly SecuredFse[] = VECTORS.securedFse.map((row) => {
  const parsed = parseSecuredFse(hex(row.hex));
  if (!parsed.ok) throw new Error(`vector does not parse: ${parsed.error.message}`);
  return parsed.value;
});

/** A store record of a secured FSE: sample `variant`, invoice number `id`, insured of `fund`. */
export function securedFseRecord(id: number, fund: InsuredFund = { regime: '01', caisse: '751' }, variant = id % SECURED_FSE_SAMPLES.length): FseRecord {
  const sample = SECURED_FSE_SAMPLES[variant]!;
  const fse = { ...sample.fse, invoiceNumber: id, insured: { ...sample.fse.insured, ...fund } };
  const bytes = encodeSecuredFse({ ...sample, fse });
  return { id, capturedAt: 1_773_477_667_000 + id, destination: destinationOf(fse), amountCents: fse.totals.totalCents, securingMode: fse.securing, bytes };
}

/** A fresh store in a temp folder. */
export async function tempStore(capacity = 5000): Promise<TerminalStore> {
  const dir = mkdtempSync(join(tmpdir(), 'bifente-lots-'));
  return expectStore(await openTerminalStore(join(dir, 'terminal.db'), { capacity, clock: { now: () => 1_773_480_000_000 } }));
}

/** Put every record, one transaction each. */
export async function putAll(store: TerminalStore, records: readonly FseRecord[]): Promise<void> {
  for (const record of records) await store.putFse(record);
}

/** A fixed local clock: 2026-03-14 10:00 in Paris (UTC+1). */
export const PARIS_CLOCK: TerminalClock = { now: () => Date.UTC(2026, 2, 14, 9, 0, 0), utcOffsetMinutes: () => 60 };
