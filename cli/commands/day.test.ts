// `bifente day` end to end: the firmware on the emulator's cards, a store in
// a temporary folder, the host SDK over the in-memory link, the teleservice
// in process on loopback: upload, ARLs (one negative, rebuilt), returns.
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDoctors } from '../../emulator/index.js';
import { parseSignedLot } from '../../protocol/index.js';
import { euros } from '../../terminal/index.js';
import type { DayReport } from '../day/index.js';
import { tagProblems } from '../day/test-support.js';
import { runCli } from '../test-support.js';

const tempOut = (): string => mkdtempSync(join(tmpdir(), 'bifente-day-'));
const reportOf = (dir: string): DayReport => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as DayReport;

test('a day runs: the summary agrees with report.json, every signature verified, everything acknowledged and freed', async (t) => {
  const out = tempOut();
  const run = await runCli('day', '--seed', '7', '--out', out);
  t.is(run.code, 0, run.err);
  const report = reportOf(out);
  const { totals, host } = report;
  t.true(totals.visits >= 12 && totals.visits <= 20);
  t.is(report.visits.length, totals.visits);
  t.is(totals.bySecuring.S + totals.bySecuring.F + totals.bySecuring.D, totals.fses);
  t.is(totals.bySecuring.D, 1, 'one visit without a Vitale');
  for (const kind of ['ald', 'c2s', 'child', 'expired-rights', 'degraded'] as const) t.true(report.visits.some((v) => v.kind === kind), `a ${kind} visit`);
  t.true(report.visits.some((v) => v.thirdParty === 'Droits expires'));
  t.is(report.pin.wrong, 1);

  t.regex(run.out, new RegExp(`Visites +${totals.visits}\\n`));
  t.true(run.out.includes(`Montant total    ${euros(totals.totalCents)} (dont ${euros(totals.dueNowCents)}`));
  t.true(run.out.includes(`${totals.fses} : ${totals.bySecuring.S} securisees Vitale (S), ${totals.bySecuring.F} sans Vitale (F), ${totals.bySecuring.D} en mode degrade (D)`));
  t.true(run.out.includes(`Lots             ${report.lots.length} signes CPS`));
  t.true(run.out.includes(`Signatures       ${host.signaturesVerified.total} verifiees`));
  t.is((run.out.match(/^\d\d:\d\d Visite /gm) ?? []).length, totals.visits, 'one progress line a visit');

  t.deepEqual(host.failures, []);
  t.is(host.signaturesVerified.cps, totals.fses, 'every FSE has a valid CPS signature');
  t.is(host.signaturesVerified.vitale, totals.bySecuring.S, 'every mode-S FSE has a valid Vitale cryptogram');
  t.is(host.signaturesVerified.lots, report.lots.length, 'every lot has a valid CPS signature');
  t.is(host.signaturesVerified.total, host.signaturesVerified.cps + host.signaturesVerified.vitale + host.signaturesVerified.lots);
  t.is(report.lots.reduce((n, l) => n + l.fses, 0), totals.fses, 'every FSE in a lot');
  t.is(report.lots.reduce((n, l) => n + l.totalCents, 0), totals.totalCents);
  t.is(host.freed, totals.fses + report.lots.length);
  t.is(host.remaining, 0);

  const allLots = [...report.yesterday.lots, ...report.lots, ...report.rebuiltLots];
  const files = readdirSync(join(out, 'lots')).sort();
  t.deepEqual(files, allLots.map((l) => l.file.replace('lots/', '')).sort());
  for (const lot of allLots) {
    const parsed = parseSignedLot(new Uint8Array(readFileSync(join(out, lot.file))));
    t.true(parsed.ok && parsed.value.lot.destination === lot.destination && parsed.value.lot.lotNumber === lot.number && parsed.value.lot.portable, lot.file);
  }

  // The teleservice: yesterday's spare-terminal lot took 001 of its destination, so today's 001 there is refused
  // (L0005), its FSEs rebuilt into 002 by the PC, accepted; every other lot accepted; the returns came.
  const [spare] = report.yesterday.lots;
  t.is(report.yesterday.lots.length, 1);
  t.like(spare, { number: 1, state: 'paid' });
  const refused = report.lots.filter((l) => l.state === 'arl-negative');
  t.deepEqual(refused.map((l) => [l.destination, l.number]), [[spare!.destination, 1]]);
  t.regex(refused[0]!.arlReason!, /^L0005/);
  t.true(report.lots.every((l) => l === refused[0] || l.state === 'paid'), 'every other lot paid');
  t.deepEqual(report.rebuiltLots.map((l) => [l.destination, l.number, l.fses, l.state]), [[spare!.destination, 2, refused[0]!.fses, 'paid']]);
  t.deepEqual(report.pending, []);
  t.is(report.returns.paidInvoices + report.returns.rejectedInvoices, totals.fses + 1, "every FSE of today and yesterday's in a return");
  t.true(run.out.includes('ARL NEGATIF lot ') && run.out.includes('L0005'));
  t.regex(run.out, /Retours +\d+ FSE payees/);
  t.true(report.rights.some((r) => r.source === 'cache') && report.rights.some((r) => r.source === 'live'), 'rights live and from the cache');
  t.true(report.rights.some((r) => !r.open), 'the expired rights seen before the visit');

  const html = readFileSync(join(out, 'report.html'), 'utf8');
  t.deepEqual(tagProblems(html), []);
  for (const lot of allLots) t.true(html.includes(`${lot.destination}-${String(lot.number).padStart(3, '0')}`));
  t.true(html.includes('ARL negatif L0005'));

  const pin = (await loadDoctors()).find((d) => d.id === report.doctor.id)!.pin;
  t.false(JSON.stringify(report).includes(pin) || run.out.includes(pin) || html.includes(pin), 'the PIN is in neither the reports nor the output');
  t.regex(run.out, /Duree +\d+\.\d\d s/, 'the time taken is in the summary, not in report.json');
});

test('the same seed gives the same day (report.json byte for byte); another seed another day', async (t) => {
  const [a, b, c] = [tempOut(), tempOut(), tempOut()];
  t.is((await runCli('day', '--seed', '3', '--out', a, '--quiet')).code, 0);
  t.is((await runCli('day', '--seed', '3', '--out', b, '--quiet')).code, 0);
  t.is((await runCli('day', '--seed', '4', '--out', c, '--quiet', '--visits', '12')).code, 0);
  t.is(readFileSync(join(a, 'report.json'), 'utf8'), readFileSync(join(b, 'report.json'), 'utf8'));
  t.is(readFileSync(join(a, 'report.html'), 'utf8'), readFileSync(join(b, 'report.html'), 'utf8'));
  const other = reportOf(c);
  t.is(other.totals.visits, 12);
  t.notDeepEqual(other.visits.map((v) => v.patientId), reportOf(a).visits.map((v) => v.patientId));
});

test('a bad option is a usage error (exit 2); an unknown doctor is invalid input (exit 1)', async (t) => {
  for (const args of [['--visits', '5'], ['--visits', '21'], ['--seed', 'abc'], ['--seed', '-1'], ['--date', '2026-13-01'], ['--colour'], ['extra']]) {
    const run = await runCli('day', ...args);
    t.is(run.code, 2, args.join(' '));
    t.regex(run.err, /Usage: bifente day/);
  }
  const unknown = await runCli('day', '--doctor', 'dr-nobody', '--out', tempOut());
  t.is(unknown.code, 1);
  t.regex(unknown.err, /no doctor persona "dr-nobody"/);
});
