/**
 * Power loss, as far as a process can simulate it: a child capturing FSEs
 * (power-loss-child.fixture.ts, bundled once with esbuild, run with plain
 * node) is killed with SIGKILL at seeded moments, 200 times, against the
 * same file. After each kill the store must boot ok (integrity check), hold
 * every FSE whose confirmation was printed with the same bytes, hold whole
 * lots only (a lot and its FSEs agree, numbers per destination without a
 * gap) and counts must only grow. SIGKILL leaves the OS page cache intact:
 * this proves the atomicity of our transactions, not the disk's fsync.
 */
import test from 'ava';
import { join } from 'node:path';
import { bundleFixture, runUntilKilled, type KillMoment } from '../../scripts/test-kit/killed-child.js';
import type { TerminalStore } from './terminal-store.js';
import { openOk, seededRandom, sha256, tempFolder } from './test-support.js';

const ROUNDS = Number(process.env.BIFENTE_POWER_LOSS_ROUNDS ?? 200);
const SEED = 20_260_601;

type KillPlan = { at: 'spawn' } | { at: 'ready' } | { at: 'lot-begin' } | { at: 'confirmed'; count: number };

function plan(random: () => number): KillPlan {
  const roll = random();
  if (roll < 0.08) return { at: 'spawn' };
  if (roll < 0.16) return { at: 'ready' };
  if (roll < 0.4) return { at: 'lot-begin' };
  return { at: 'confirmed', count: 1 + Math.floor(random() * 40) };
}

/** The moment of the plan, read from the child's lines (`<word> ...`). */
function momentOf(kill: KillPlan): KillMoment {
  if (kill.at === 'spawn') return 'spawn';
  let confirmed = 0;
  return (line) => {
    const word = line.slice(0, line.indexOf(' '));
    if (word === 'confirmed') confirmed += 1;
    return word === kill.at && (kill.at !== 'confirmed' || confirmed === kill.count);
  };
}

interface Seen {
  fses: Map<number, string>;
  lots: Map<number, { destination: string; number: number; ids: string }>;
  fseCount: number;
  lotCount: number;
}

/** Checks the store against what was confirmed; returns the problems found. */
async function verify(store: TerminalStore, seen: Seen, recent: readonly number[], full: boolean): Promise<string[]> {
  const problems: string[] = [];
  const fses = await store.listFses();
  const byId = new Map(fses.map((f) => [f.id, f]));
  for (const id of seen.fses.keys()) if (!byId.has(id)) problems.push(`confirmed FSE ${id} is missing`);
  for (const id of full ? [...seen.fses.keys()] : recent) {
    if (!byId.has(id)) continue;
    const fse = await store.getFse(id);
    if (sha256(fse.bytes) !== seen.fses.get(id)) problems.push(`FSE ${id} has other bytes`);
  }
  const lots = await store.listLots();
  const numbers = new Map<string, number>();
  for (const summary of lots) {
    const lot = await store.getLot(summary.id);
    if (lot.fseIds.length !== lot.fseCount) problems.push(`lot ${lot.id} counts ${lot.fseCount} FSEs, holds ${lot.fseIds.length}`);
    const want = lot.state === 'signed' ? 'in-lot' : 'acknowledged';
    for (const id of lot.fseIds) if (byId.get(id)?.state !== want) problems.push(`FSE ${id} of ${lot.state} lot ${lot.id} is ${byId.get(id)?.state}`);
    const expected = (numbers.get(lot.destination) ?? 0) + 1;
    if (lot.number !== expected) problems.push(`lot ${lot.id}: number ${lot.number} for ${lot.destination}, expected ${expected}`);
    numbers.set(lot.destination, lot.number);
    const confirmed = seen.lots.get(lot.id);
    if (confirmed !== undefined && (confirmed.number !== lot.number || confirmed.destination !== lot.destination || confirmed.ids !== lot.fseIds.join(','))) {
      problems.push(`lot ${lot.id} differs from its confirmation`);
    }
  }
  for (const id of seen.lots.keys()) if (!lots.some((l) => l.id === id)) problems.push(`confirmed lot ${id} is missing`);
  for (const f of fses) if (f.state !== 'stored' && !lots.some((l) => l.id === f.lotId)) problems.push(`FSE ${f.id} is ${f.state} in no lot`);
  if (fses.length < seen.fseCount || lots.length < seen.lotCount) problems.push(`counts went down: ${fses.length} FSEs, ${lots.length} lots`);
  seen.fseCount = fses.length;
  seen.lotCount = lots.length;
  return problems;
}

test(`${ROUNDS} SIGKILLs at seeded moments: every confirmed FSE and lot survives whole, the integrity check passes`, async (t) => {
  t.timeout(120_000);
  const folder = tempFolder('power-loss');
  t.teardown(folder.remove);
  const script = await bundleFixture(new URL('./power-loss-child.fixture.ts', import.meta.url), folder.dir, ['better-sqlite3']);
  const db = join(folder.dir, 'terminal.db');
  const random = seededRandom(SEED);
  const seen: Seen = { fses: new Map(), lots: new Map(), fseCount: 0, lotCount: 0 };
  const tally = { killed: 0, duringLot: 0, atSpawn: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const kill = plan(random);
    const { lines, killed } = await runUntilKilled(script, [db, String(SEED + round)], momentOf(kill));
    t.true(killed, `round ${round}: the child was not killed (${lines.at(-1) ?? 'no output'})`);
    tally.killed += killed ? 1 : 0;
    if (lines.length === 0) tally.atSpawn += 1;
    if (lines.at(-1)?.startsWith('lot-begin')) tally.duringLot += 1;
    const recent: number[] = [];
    for (const line of lines) {
      const [word, a = '', b = '', c = '', d = ''] = line.split(' ');
      if (word === 'quarantined') t.fail(`round ${round}: the child's boot quarantined the store: ${line}`);
      if (word === 'confirmed') {
        seen.fses.set(Number(a), b);
        recent.push(Number(a));
      }
      if (word === 'lot') seen.lots.set(Number(a), { destination: b, number: Number(c), ids: d });
    }
    const store = await openOk(db, { capacity: 1_000_000 });
    try {
      const problems = await verify(store, seen, recent, round % 25 === 24 || round === ROUNDS - 1);
      if (problems.length > 0) t.fail(`round ${round} (${JSON.stringify(kill)}): ${problems.slice(0, 5).join('; ')}`);
    } finally {
      await store.close();
    }
  }
  t.is(tally.killed, ROUNDS);
  t.true(seen.fses.size > ROUNDS, `${seen.fses.size} FSEs confirmed`);
  t.true(tally.duringLot >= ROUNDS / 10, `${tally.duringLot} kills right after lot-begin`);
  t.log(`${ROUNDS} kills: ${seen.fses.size} FSEs and ${seen.lots.size} lots confirmed, ${tally.duringLot} kills during createLot, ${tally.atSpawn} before any output, ${seen.fseCount - seen.fses.size} FSEs committed whose confirmation was never printed (killed in between)`);
});
