/**
 * The fleet report as one self-contained HTML page: inline CSS, inline SVG bar charts (readiness per target,
 * top inhibitors), the recommendation with its rule, missing packages per target and every host's results.
 * No scripts, no external assets (a Content-Security-Policy forbids them); every string that came from a
 * host, an inventory or a repository is HTML-escaped.
 */
import { READINESS, type Readiness } from '../../assess/index.js';
import { escapeHtml as h } from '../escape.js';
import { renderHtmlPage } from '../html-page.js';
import { fleetDecision, hopLabel, type FleetReport } from './report.js';

export interface FleetHtmlOptions {
  /** Inhibitors charted and missing packages listed per target (default 15 and 50). */
  maxInhibitors?: number;
  maxMissing?: number;
  /** The href of a host's migration proof page, when it has one (src/report/proof): the host cell links to it. */
  proofHref?: (host: string) => string | undefined;
}

export const READINESS_COLOURS: Record<Readiness, string> = { ready: '#067647', risks: '#b54708', blocked: '#b42318', 'not-assessed': '#98a2b3' };

const FLEET_CSS = '.r-ready{background:#067647}.r-risks{background:#b54708}.r-blocked{background:#b42318}.r-not-assessed{background:#98a2b3}';

const countOf = (row: FleetReport['readiness'][number], r: Readiness): number => (r === 'not-assessed' ? row.notAssessed : row[r]);

/** One 100%-stacked horizontal bar per target: hosts ready, with risks, blocked, not assessed. */
export function renderReadinessChart(r: FleetReport): string {
  const labelW = 190;
  const barW = 600;
  const rowH = 30;
  const width = labelW + barW + 70;
  const height = 8 + r.readiness.length * rowH + 8;
  const rows = r.readiness.map((row, i) => {
    const y = 8 + i * rowH;
    const total = READINESS.reduce((s, x) => s + countOf(row, x), 0);
    let x = labelW;
    const segs = READINESS.filter((k) => countOf(row, k) > 0).map((k) => {
      const n = countOf(row, k);
      const w = (n / total) * barW;
      const seg = `<rect x="${x.toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="20" fill="${READINESS_COLOURS[k]}"><title>${h(row.target)}: ${k} ${n} of ${total}</title></rect>`
        + (w >= 26 ? `<text x="${(x + w / 2).toFixed(2)}" y="${y + 16}" text-anchor="middle" font-size="11" fill="#fff">${n}</text>` : '');
      x += w;
      return seg;
    }).join('');
    return `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="13">${h(row.target)}</text>${segs}`
      + `<text x="${labelW + barW + 6}" y="${y + 16}" font-size="12" fill="#57606a">${total}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="Readiness per target" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif">${rows}</svg>`
    + `<div class="legend">${READINESS.map((k) => `<span><i class="swatch" style="background:${READINESS_COLOURS[k]}"></i>${k}</span>`).join('')}</div>`;
}

/** Horizontal bars: hosts blocked by each inhibitor (per target), the most frequent first. */
export function renderInhibitorChart(r: FleetReport, max: number): string {
  const top = r.inhibitors.slice(0, max);
  if (top.length === 0) return '<p>No inhibitor on any host.</p>';
  const labelW = 330;
  const barW = 460;
  const rowH = 24;
  const width = labelW + barW + 70;
  const height = 8 + top.length * rowH + 8;
  const most = Math.max(...top.map((i) => i.hostCount));
  const rows = top.map((i, n) => {
    const y = 8 + n * rowH;
    const w = Math.max(1, (i.hostCount / most) * barW);
    return `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end" font-size="12">${h(`${i.key} (${i.target})`)}</text>`
      + `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(2)}" height="16" fill="#b42318"><title>${h(i.key)} on ${h(i.target)}: ${i.hostCount} hosts</title></rect>`
      + `<text x="${(labelW + w + 6).toFixed(2)}" y="${y + 14}" font-size="12" fill="#57606a">${i.hostCount}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="Top inhibitors" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif">${rows}</svg>`;
}

function proofLink(o: FleetHtmlOptions, host: string): string {
  const href = o.proofHref?.(host);
  return href ? ` <a href="${h(href)}">proof</a>` : '';
}

export function renderFleetHtml(r: FleetReport, o: FleetHtmlOptions = {}): string {
  const maxMissing = o.maxMissing ?? 50;
  const title = `Ferry fleet assessment: ${r.hostCount} hosts`;
  const rec = r.recommendation;
  const decision = fleetDecision(rec);
  const readinessTable = '<table><thead><tr><th>target</th>' + READINESS.map((k) => `<th class="num">${k}</th>`).join('') + '</tr></thead><tbody>'
    + r.readiness.map((row) => `<tr><td><code>${h(row.target)}</code></td>${READINESS.map((k) => `<td class="num">${countOf(row, k)}</td>`).join('')}</tr>`).join('')
    + '</tbody></table>';
  const inhibitors = r.inhibitors.length === 0 ? '' : '<table><thead><tr><th>inhibitor</th><th>target</th><th class="num">hosts</th><th>which</th></tr></thead><tbody>'
    + r.inhibitors.map((i) => `<tr><td><code>${h(i.key)}</code></td><td><code>${h(i.target)}</code>${i.hops ? ` <small>${h(i.hops.join('; '))}</small>` : ''}</td><td class="num">${i.hostCount}</td>`
      + `<td><details><summary>${i.hostCount} host${i.hostCount === 1 ? '' : 's'}</summary>${i.hosts.map(h).join(', ')}</details></td></tr>`).join('')
    + '</tbody></table>';
  const missing = r.missing.map((m) => `<h3>Missing in <code>${h(m.target)}</code> (${m.packages.length} packages)</h3>`
    + (m.packages.length === 0 ? '<p>None.</p>' : '<table><thead><tr><th>package</th><th class="num">hosts</th></tr></thead><tbody>'
      + m.packages.slice(0, maxMissing).map((p) => `<tr><td><code>${h(p.name)}</code></td><td class="num">${p.hostCount}</td></tr>`).join('')
      + (m.packages.length > maxMissing ? `<tr><td colspan="2">… ${m.packages.length - maxMissing} more (JSON and CSV list all)</td></tr>` : '')
      + '</tbody></table>')).join('\n');
  const hosts = '<table><thead><tr><th>host</th><th>recommended</th>' + r.targets.map((t) => `<th>${h(t)}</th>`).join('') + '</tr></thead><tbody>'
    + r.hosts.map((x) => `<tr><td>${h(x.host)}${x.removed ? ' <em>(removed from its inventory)</em>' : ''}${proofLink(o, x.host)}</td><td>${x.recommended === null ? '–' : `<code>${h(x.recommended)}</code>`}</td>`
      + r.targets.map((t) => {
        const res = x.results.find((y) => y.target === t);
        if (!res) return '<td>–</td>';
        const why = res.blockers.length > 0 ? ` ${res.blockers.map((b) => `<code>${h(b)}</code>`).join(' ')}` : '';
        const via = res.route ? ` <small>route ${res.route.map((x) => `<code>${h(x)}</code>`).join(' → ')}</small>` : '';
        const blockedHops = (res.hops ?? []).filter((x) => x.blockers.length).map((x) => `<br><small>blocked on ${h(hopLabel(x))}: ${x.blockers.map((b) => `<code>${h(b)}</code>`).join(' ')}</small>`).join('');
        return `<td><span class="badge r-${h(res.readiness)}">${h(res.readiness)}</span> ${res.score ?? ''}${why}${via}${blockedHops}</td>`;
      }).join('') + '</tr>').join('')
    + '</tbody></table>';
  return renderHtmlPage(title, FLEET_CSS, [
    `<p class="meta">run <code>${h(r.runId)}</code> · targets ${r.targets.map((t) => `<code>${h(t)}</code>`).join(', ')} · generated ${h(r.generatedAt)} · report format ${r.formatVersion}</p>`,
    `<div class="notice"><strong>Fleet recommendation: ${rec.target === null ? 'none (no host was assessed)' : `<code>${h(rec.target)}</code>`}</strong>`
      + (rec.target === null ? '' : ` — ${rec.ready} hosts ready, ${rec.unblocked} not blocked, best target of ${rec.recommendedFor}`)
      + (decision === undefined ? '' : `<br>${h(decision[0].toUpperCase() + decision.slice(1))}`) + `<br>Rule: ${h(rec.rule)}</div>`,
    '<h2>Readiness per target</h2>',
    renderReadinessChart(r),
    readinessTable,
    '<h2>Inhibitors by frequency</h2>',
    renderInhibitorChart(r, o.maxInhibitors ?? 15),
    inhibitors,
    '<h2>Missing packages per target</h2>',
    missing,
    '<h2>Hosts</h2>',
    hosts,
  ]);
}
