// report.html: well-formed (every element closed in order), every text
// escaped, the lots with their states in it, no PIN.
import test from 'ava';
import { escapeHtml, initials, renderReportHtml } from './report-html.js';
import type { DayReport, LotLine } from './report.js';
import { tagProblems } from './test-support.js';

const lot = (destination: string, number: number, state: LotLine['state'], arlReason?: string): LotLine => ({
  destination,
  number,
  fses: 2,
  totalCents: 6000,
  file: `lots/${destination}-00${number}.lot`,
  state,
  ...(arlReason === undefined ? {} : { arlReason }),
});

const HOSTILE = '<script>alert("x")</script> & \'quotes\'';
const report: DayReport = {
  seed: 1,
  date: '2026-03-16',
  doctor: { id: 'dr-x', name: `Dr ${HOSTILE}`, situation: '691000012' },
  device: { model: 'bifente TLA', serial: 'BF000001', firmware: '0.6.0', agreementNumber: 'BF-TLA-0001' },
  pin: { wrong: 1, entries: 2 },
  visits: [
    { time: '09:10', patientId: 'pt-a', kind: 'other', beneficiary: 'DUPONT MARIE', invoiceNumber: 1, securing: 'S', acts: ['VG', 'MD'], oneWayKm: 4, pdsaUrgent: false, totalCents: 4400, dueNowCents: 0, thirdParty: 'Tiers payant AMO', pinAgain: false },
    { time: '10:10', patientId: 'pt-b', kind: 'degraded', beneficiary: '', invoiceNumber: 2, securing: 'D', acts: ['G'], oneWayKm: null, pdsaUrgent: true, totalCents: 3000, dueNowCents: 3000, thirdParty: HOSTILE, pinAgain: false },
  ],
  totals: { visits: 2, fses: 2, bySecuring: { S: 1, F: 0, D: 1 }, totalCents: 7400, dueNowCents: 3000 },
  lots: [lot('691', 1, 'arl-negative', 'L0005 Numero de lot deja recu')],
  host: { clockCorrectionMs: 1000, listed: { fses: 2, lots: 1 }, signaturesVerified: { vitale: 1, cps: 2, lots: 1, total: 4 }, failures: [], freed: 3, remaining: 0 },
  battery: { startPerMille: 995, endPerMille: 990 },
  keys: 40,
  yesterday: { date: '2026-03-15', device: 'BF000002', patientId: 'pt-a', lots: [lot('691', 1, 'paid')] },
  rights: [{ at: '2026-03-16 08:30', patientId: 'pt-a', initials: 'M. D.', source: 'cache', ageMinutes: 930, open: true, c2s: false, ald: true }],
  rebuiltLots: [lot('691', 2, 'paid')],
  returns: { lots: [{ lot: '691-002', paidInvoices: 1, paidCents: 2100, rejected: [{ invoiceNumber: 2, codes: ['F0011'] }], warnings: [] }], paidCents: 2100, paidInvoices: 1, rejectedInvoices: 1 },
  pending: [],
  timeline: [{ at: '2026-03-16 09:10', text: `Visite ${HOSTILE}` }],
};

test('the page is well-formed, self-contained, and escapes every text', (t) => {
  const html = renderReportHtml(report);
  t.deepEqual(tagProblems(html), []);
  t.false(html.includes('<script'), 'hostile text escaped');
  t.true(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;'));
  t.false(/\b(src|href)=/.test(html), 'no external asset');
  t.true(html.startsWith('<!DOCTYPE html>'));
});

test('the page shows the lots with their states, the rejection, the returns; patients by initials only', (t) => {
  const html = renderReportHtml(report);
  for (const text of ['691-001', '691-002', 'ARL negatif L0005', 'paye', 'veille, terminal BF000002', 'reconstruit au poste', 'FSE 2 (F0011)', 'M. D.', 'D. M.']) t.true(html.includes(text), text);
  t.false(html.includes('DUPONT'), 'no full name');
});

test('tagProblems finds what is wrong (the checker can fail)', (t) => {
  t.deepEqual(tagProblems('<p><b>x</p></b>'), ['</p> closes <b>', '</b> closes <p>']);
  t.deepEqual(tagProblems('<div><span>'), ['<div> never closed', '<span> never closed']);
  t.deepEqual(tagProblems('<p>ok<br></p>'), []);
});

test('escapeHtml and initials', (t) => {
  t.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.is(initials('DUPONT  MARIE ANNE'), 'D. M. A.');
  t.is(initials(''), '');
});
