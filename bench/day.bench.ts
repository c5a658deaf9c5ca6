/**
 * The whole `npm start` day (issue 6 "Performance": under 3 s after
 * install): `runDay` with 20 visits into a temporary folder, as days a
 * second (target 1/3) and as FSEs captured, secured and committed durably,
 * lots signed and everything verified by the host, a second.
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
  { name: 'npm start: a whole home-visit day (20 visits, lots, host sync), days/s', unit: 'ops/s', opsPerCall: 1, target: 1 / 3, fn: day },
  { name: 'npm start day: FSEs through the whole day (captured by keys, secured, committed, lotted, verified), FSE/s', unit: 'ops/s', opsPerCall: VISITS, fn: day },
];
