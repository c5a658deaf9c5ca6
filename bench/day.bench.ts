/**
 * The whole `npm start` day (issue 7 "Performance": under 5 s after
 * install, the whole process; this is the in-process part): `runDay` with
 * 20 visits into a temporary folder (the spare terminal's evening visit,
 * rights lookups, the round, the host sync, uploads to the in-process
 * teleservice, ARLs, one lot rebuilt, returns), as days a second (target
 * 1/5) and as FSEs through the whole day a second.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DOCTOR, runDay } from '../cli/index.js';
import type { BenchCase } from './run.js';

const VISITS = 20;
/** One day in its own temporary folder, removed after. */
async function day(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'bifente-day-bench-'));
  try {
    await runDay({ seed: 1, outDir, doctorId: DEFAULT_DOCTOR, date: '2026-03-16', visits: VISITS, progress: () => undefined });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The day's benchmarks. */
export const benches: BenchCase[] = [
  { name: 'npm start: a whole home-visit day (20 visits, lots, host sync, upload, ARLs, a rebuilt lot, returns), days/s', unit: 'ops/s', opsPerCall: 1, target: 1 / 5, fn: day },
  { name: 'npm start day: FSEs through the whole day (captured by keys, secured, committed, lotted, verified, sent, paid), FSE/s', unit: 'ops/s', opsPerCall: VISITS, fn: day },
];
