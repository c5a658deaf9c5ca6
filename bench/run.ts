/**
 * `npm run bench`: runs every `*.bench.ts` of the tree with tinybench,
 * prints a table and writes `bench/results.json`.
 *
 * A bench file exports `benches: BenchCase[]`. A case's `fn` does a batch
 * of `opsPerCall` operations (so the timer's own cost does not dominate
 * sub-microsecond work); `bytesPerCall` turns the rate into MB/s.
 * Usage: `npm run bench [-- name-filter]`; `--list` loads every bench file
 * and lists the cases without running them (CI checks the files load).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';

/** What a `*.bench.ts` file exports, one per measured operation. */
export interface BenchCase {
  readonly name: string;
  readonly unit: 'ops/s' | 'MB/s';
  readonly opsPerCall: number;
  readonly bytesPerCall?: number;
  /** The figure the issue asks for, in `unit`. */
  readonly target?: number;
  /** One batch of `opsPerCall` operations, timed by tinybench. */
  readonly fn?: () => unknown;
  /**
   * Instead of `fn`: the case measures itself (a load generator in another
   * process that reports its own rate and latency, e.g. autocannon) and
   * returns the figure in `unit` with its latencies.
   */
  readonly measure?: () => Promise<SelfMeasured>;
  /** Prepared before the measurement (servers, connections), undone after. */
  readonly setup?: () => Promise<void>;
  readonly teardown?: () => Promise<void>;
  /** Why the case cannot run on this machine: it is reported, not measured. */
  readonly skip?: () => string | undefined;
  /**
   * Warm-up and measuring time of `fn`, ms; default 200 and 1,000. Cases a
   * ratio compares through pcscd need longer: their first seconds run up to
   * 10 % slower (seen in both the driver and the bare loop), and the two
   * cases must be compared warm.
   */
  readonly timing?: { readonly warmupMs: number; readonly timeMs: number };
}

/** A figure a case measured itself (see {@link BenchCase.measure}). */
export interface SelfMeasured {
  readonly value: number;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A ratio of two cases' figures that a bench file asks to report (a ratio survives noise). */
export interface BenchRatio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly target?: number;
}

interface BenchResult {
  name: string;
  file: string;
  unit: BenchCase['unit'];
  value: number;
  target: number | null;
  met: boolean | null;
  rmePercent: number;
  samples: number;
  /** Latency of one operation in ms (a call's latency / opsPerCall: exact when opsPerCall is 1). */
  p50Ms: number;
  p99Ms: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', '.git', 'docs-site', 'out']);

function findBenchFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findBenchFiles(p));
    else if (e.name.endsWith('.bench.ts')) out.push(p);
  }
  return out.sort();
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Time `c.fn` with tinybench: the figure in `c.unit` and one operation's latencies. */
async function timed(c: BenchCase): Promise<SelfMeasured & { rmePercent: number }> {
  if (c.fn === undefined) throw new Error(`bench ${c.name} has neither fn nor measure`);
  const bench = new Bench({ time: c.timing?.timeMs ?? 1000, warmupTime: c.timing?.warmupMs ?? 200 });
  bench.add(c.name, c.fn);
  await bench.run();
  const r = bench.tasks[0]?.result;
  if (r === undefined || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) {
    throw new Error(`bench ${c.name} did not complete (${r?.state ?? 'no result'})`);
  }
  const callsPerSecond = r.throughput.mean;
  return {
    value: c.unit === 'MB/s' ? (callsPerSecond * (c.bytesPerCall ?? 0)) / 1e6 : callsPerSecond * c.opsPerCall,
    rmePercent: Math.round(r.throughput.rme * 100) / 100,
    samples: r.latency.samplesCount,
    p50Ms: r.latency.p50 / c.opsPerCall,
    p99Ms: r.latency.p99 / c.opsPerCall,
  };
}

async function main(): Promise<void> {
  const listOnly = process.argv[2] === '--list';
  const filter = listOnly ? '' : (process.argv[2] ?? '');
  const results: BenchResult[] = [];
  const ratios: BenchRatio[] = [];
  const skipped: { name: string; why: string }[] = [];
  for (const file of findBenchFiles(ROOT)) {
    const mod = (await import(pathToFileURL(file).href)) as { benches?: readonly BenchCase[]; ratios?: readonly BenchRatio[] };
    ratios.push(...(mod.ratios ?? []));
    for (const c of mod.benches ?? []) {
      if (!c.name.includes(filter)) continue;
      if (listOnly) {
        console.log(`${relative(ROOT, file)}: ${c.name}`);
        continue;
      }
      const why = c.skip?.();
      if (why !== undefined) {
        skipped.push({ name: c.name, why });
        continue;
      }
      await c.setup?.();
      let measured: SelfMeasured & { rmePercent: number };
      try {
        measured = c.measure === undefined ? await timed(c) : { ...(await c.measure()), rmePercent: 0 };
      } finally {
        await c.teardown?.();
      }
      results.push({
        name: c.name,
        file: relative(ROOT, file),
        unit: c.unit,
        value: Math.round(measured.value * 10) / 10,
        target: c.target ?? null,
        met: c.target === undefined ? null : measured.value >= c.target,
        rmePercent: measured.rmePercent,
        samples: measured.samples,
        p50Ms: round3(measured.p50Ms),
        p99Ms: round3(measured.p99Ms),
      });
    }
  }
  if (listOnly) return;
  const cpu = cpus();
  const machine = {
    node: process.version,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
  };
  const byName = new Map(results.map((r) => [r.name, r.value]));
  const ratioResults = ratios.flatMap((r) => {
    const a = byName.get(r.numerator);
    const b = byName.get(r.denominator);
    if (a === undefined || b === undefined || b === 0) return [];
    const value = Math.round((a / b) * 1000) / 1000;
    return [{ name: r.name, value, target: r.target ?? null, met: r.target === undefined ? null : value >= r.target }];
  });
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ machine, results, ratios: ratioResults, skipped }, null, 2) + '\n');
  console.table(
    results.map((r) => ({
      name: r.name,
      value: `${r.value.toLocaleString('en-US')} ${r.unit}`,
      target: r.target === null ? '' : `${r.target.toLocaleString('en-US')} ${r.unit}`,
      met: r.met === null ? '' : r.met ? 'yes' : 'NO',
      '±%': r.rmePercent,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      samples: r.samples,
    })),
  );
  if (ratioResults.length > 0) console.table(ratioResults);
  for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}: bench/results.json written`);
}

await main();
