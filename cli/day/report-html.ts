/**
 * The day's report as one self-contained HTML page (`report.html`): inline
 * CSS, no script, no external asset, every text escaped. A timeline of the
 * day, the visits (patients by initials only, as a screen in a waiting room
 * would show them), the lots with their states, the returns, the totals.
 * Built from `report.json`'s data only, so it is as deterministic.
 *
 * OURS: the layout and the privacy rule (initials, never a NIR; the PIN is
 * never in the report at all).
 * @module
 */
import { euros } from '../../terminal/index.js';
import { lotStateWords, type DayReport, type LotLine } from './report.js';
import { lotLabel } from '../format.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Initials of a name line as the terminal shows it (`DUPONT MARIE` → `D. M.`); empty for none. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => `${word[0]!.toUpperCase()}.`)
    .join(' ');
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2433;background:#fafbfc}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:2px solid #d8dee9;padding-bottom:.2rem}
.sub{color:#5b6579;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{background:#fff;border:1px solid #d8dee9;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e5e9f0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.state{border-radius:3px;padding:0 .4rem;white-space:nowrap}.paid,.arl-positive{background:#d9f2e0}.arl-negative{background:#f8d7da}.sent,.signed,.built{background:#fff3cd}
ol.timeline{list-style:none;padding-left:0}ol.timeline li{padding:.15rem 0 .15rem 7.5rem;text-indent:-7.5rem}
ol.timeline time{display:inline-block;width:7.2rem;text-indent:0;color:#5b6579;font-variant-numeric:tabular-nums}
`;

const cell = (text: string | number, numeric = false): string => `<td${numeric ? ' class="n"' : ''}>${escapeHtml(String(text))}</td>`;
const row = (cells: readonly string[]): string => `<tr>${cells.join('')}</tr>`;
const table = (head: readonly string[], rows: readonly string[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
const card = (label: string, value: string): string => `<div class="card">${escapeHtml(label)}<b>${escapeHtml(value)}</b></div>`;

function lotRows(lots: readonly LotLine[], origin: string): string[] {
  return lots.map((lot) =>
    row([
      cell(lotLabel(lot.destination, lot.number)),
      cell(origin),
      cell(lot.fses, true),
      cell(euros(lot.totalCents), true),
      `<td><span class="state ${escapeHtml(lot.state)}">${escapeHtml(lotStateWords(lot))}</span></td>`,
      cell(lot.file),
    ]),
  );
}

/** The page (see the module). */
export function renderReportHtml(report: DayReport): string {
  const { totals, host, returns } = report;
  const visits = report.visits.map((v) =>
    row([
      cell(v.time),
      cell(v.beneficiary === '' ? '(saisi)' : initials(v.beneficiary)),
      cell(v.kind),
      cell(v.invoiceNumber, true),
      cell(v.securing),
      cell([...v.acts, ...(v.oneWayKm === null ? [] : [`IK ${v.oneWayKm} km`]), ...(v.pdsaUrgent ? ['PDSA'] : [])].join(' + ')),
      cell(euros(v.totalCents), true),
      cell(v.thirdParty),
    ]),
  );
  const rights = report.rights.map((r) =>
    row([cell(r.at), cell(r.initials), cell(r.open ? 'ouverts' : 'fermes'), cell([r.c2s ? 'C2S' : '', r.ald ? 'ALD' : ''].filter(Boolean).join(', ')), cell(r.source === 'live' ? 'en ligne' : `cache, ${r.ageMinutes} min`)]),
  );
  const returnRows = returns.lots.map((l) =>
    row([cell(l.lot), cell(l.paidInvoices, true), cell(euros(l.paidCents), true), cell(l.rejected.map((r) => `FSE ${r.invoiceNumber} (${r.codes.join(', ')})`).join('; ') || '-'), cell(l.warnings.map((w) => `FSE ${w.invoiceNumber} (${w.codes.join(', ')})`).join('; ') || '-')]),
  );
  const timeline = report.timeline.map((e) => `<li><time>${escapeHtml(e.at.slice(5))}</time>${escapeHtml(e.text)}</li>`);
  const title = `Journee du ${report.date} - ${report.doctor.name}`;
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(`Situation ${report.doctor.situation} - terminal ${report.device.serial} (${report.device.model} ${report.device.firmware}) - graine ${report.seed}`)}</p>
<div class="cards">${[
    card('Visites', String(totals.visits)),
    card('Montant', euros(totals.totalCents)),
    card('Paye sur place', euros(totals.dueNowCents)),
    card('FSE S / F / D', `${totals.bySecuring.S} / ${totals.bySecuring.F} / ${totals.bySecuring.D}`),
    card('Signatures verifiees', String(host.signaturesVerified.total)),
    card('Lots', String(report.lots.length + report.rebuiltLots.length)),
    card('Rembourse (AMO)', euros(returns.paidCents)),
    card('En attente', String(report.pending.length)),
  ].join('')}</div>
<h2>Lots et leur etat</h2>
${table(['Lot', 'Origine', 'FSE', 'Montant', 'Etat', 'Fichier'], [...lotRows(report.yesterday.lots, `veille, terminal ${report.yesterday.device}`), ...lotRows(report.lots, `terminal ${report.device.serial}`), ...lotRows(report.rebuiltLots, 'reconstruit au poste')])}
<h2>Retours (paiements)</h2>
${table(['Lot', 'FSE payees', 'Montant AMO', 'Rejets', 'Avertissements'], returnRows)}
<p>${escapeHtml(`En attente : ${report.pending.length === 0 ? 'rien' : report.pending.join(', ')}`)}</p>
<h2>Droits consultes</h2>
${table(['Quand', 'Patient', 'Droits', 'Couverture', 'Source'], rights)}
<h2>Visites</h2>
${table(['Heure', 'Patient', 'Cas', 'FSE', 'Mode', 'Actes', 'Montant', 'Tiers payant'], visits)}
<h2>Deroule de la journee</h2>
<ol class="timeline">${timeline.join('\n')}</ol>
</body>
</html>
`;
}
