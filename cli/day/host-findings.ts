/**
 * What the day's report reads back from the host database: the signatures
 * the host verified (a secured FSE in mode S carries two, the carte Vitale's
 * cryptogram and the CPS signature; F and D only the CPS's; a lot one, the
 * CPS's), what the screens said against what the host holds, and the lots
 * with their states (host SDK lot state model).
 * @module
 */
import type { SyncSummary } from '../../host-sdk/index.js';
import { parseSecuredFse, parseSignedLot } from '../../protocol/index.js';
import type { Practice } from './practice.js';
import { lotFileName, type DayReport, type LotLine, type VisitRecord } from './report.js';

/** Signatures verified, and what failed, for the report's `host` part. */
export interface HostFindings {
  readonly signaturesVerified: DayReport['host']['signaturesVerified'];
  readonly failures: readonly string[];
}

/**
 * Count the signatures of the FSEs and lots the host holds verified from the
 * terminal of `sync`, and check every visit against its FSE.
 * @throws Error when a screen and the host disagree (a bug of the day, not a failure to report).
 */
export function hostFindings(practice: Practice, sync: SyncSummary, visits: readonly VisitRecord[]): HostFindings {
  const { db } = practice;
  const serial = sync.terminal.serial;
  const verified = { vitale: 0, cps: 0, lots: db.listLots({ terminalSerial: serial, verdict: 'verified' }).length };
  const fses = db.listFses({ terminalSerial: serial, verdict: 'verified' }).map((held) => {
    const parsed = parseSecuredFse(db.fseBytes(held.id));
    if (!parsed.ok) throw new Error(`FSE ${held.invoiceNumber} held verified does not parse: ${parsed.error.message}`);
    return parsed.value.fse;
  });
  for (const fse of fses) {
    verified.cps += 1;
    if (fse.securing === 'S') verified.vitale += 1;
  }
  for (const visit of visits) {
    const fse = fses.find((f) => f.invoiceNumber === visit.invoiceNumber);
    if (fse === undefined || fse.securing !== visit.securing || fse.totals.totalCents !== visit.totalCents) {
      throw new Error(`FSE ${visit.invoiceNumber}: the screen said ${visit.securing} ${visit.totalCents} cents, the host holds ${fse === undefined ? 'nothing' : `${fse.securing} ${fse.totals.totalCents} cents`}`);
    }
  }
  if (fses.length !== visits.length) throw new Error(`${visits.length} visits, but the host holds ${fses.length} FSEs`);
  const failures = [...sync.rejected.map((r) => `${r.kind} ${r.id}: ${r.reason} ${r.detail}`), ...sync.conflicts.map((c) => `${c.kind} ${c.item}: conflict`)];
  return { signaturesVerified: { ...verified, total: verified.vitale + verified.cps + verified.lots }, failures };
}

/** Every lot the host holds, split: the terminal's of today, the spare's, the host-built ones; and those not yet final. */
export function lotsOf(practice: Practice, serial: string): {
  readonly terminal: LotLine[];
  readonly spare: LotLine[];
  readonly rebuilt: LotLine[];
  readonly all: (LotLine & { readonly id: number })[];
  readonly pending: string[];
} {
  const { db } = practice;
  const all = db.listLots({ verdict: 'verified' }).map((lot) => {
    const signed = parseSignedLot(db.lotBytes(lot.id));
    if (!signed.ok) throw new Error(`lot ${lot.id} held verified does not parse: ${signed.error.message}`);
    const history = db.lotHistory(lot.id);
    const negative = history.find((h) => h.state === 'arl-negative');
    const built = history[0]?.state === 'built';
    const { destination, lotNumber } = signed.value.lot;
    return {
      id: lot.id,
      terminal: lot.terminalSerial,
      built,
      line: {
        destination,
        number: lotNumber,
        fses: signed.value.lot.fses.length,
        totalCents: signed.value.lot.totals.totalCents,
        file: `lots/${built ? 'pc-' : ''}${lot.terminalSerial === serial || built ? '' : `${lot.terminalSerial}-`}${lotFileName(destination, lotNumber)}`,
        state: lot.state,
        ...(negative?.reason === undefined ? {} : { arlReason: negative.reason }),
      } satisfies LotLine,
    };
  });
  const lines = all.map((l) => ({ ...l.line, id: l.id }));
  return {
    terminal: all.filter((l) => l.terminal === serial && !l.built).map((l) => l.line),
    spare: all.filter((l) => l.terminal !== serial && !l.built).map((l) => l.line),
    rebuilt: all.filter((l) => l.built).map((l) => l.line),
    all: lines,
    pending: lines.filter((l) => l.state !== 'paid' && l.state !== 'arl-negative').map((l) => `${l.file} ${l.state}`),
  };
}
