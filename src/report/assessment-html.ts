/**
 * The assessment as one self-contained HTML page: inline CSS and an inline SVG chart of package fates per
 * target (stacked bars), the ranking with its reasons, inhibitors up front, findings grouped by severity
 * with remediation, and the packages that change. No scripts, no external assets; every string that
 * came from a host or a repository is HTML-escaped.
 */
import type { Assessment, Finding, TargetAssessment } from '../assess/types.js';
import { escapeHtml as h } from './escape.js';
import { renderHtmlPage } from './html-page.js';
import {
  FATE_COLOURS, FATE_ORDER, fateCount, fatesOf, fatesUnknown, findingsBySeverity, formatCommand, formatPoints, hopSummary, hostFindings, inhibitorFindings, inhibitorHops, isInhibitor, rankedTargets, tiedWith,
  totalPackages,
} from './assessment-view.js';

export interface HtmlOptions {
  /** Packages listed per fate per target (default 500); the rest are counted. */
  maxPackagesPerFate?: number;
}


/** One horizontal 100%-stacked bar per target; a hatched bar for a target whose fates were not compared. */
export function renderFateChart(targets: TargetAssessment[]): string {
  const labelW = 190;
  const barW = 600;
  const rowH = 30;
  const top = 8;
  const width = labelW + barW + 70;
  const height = top + targets.length * rowH + 8;
  const rows = targets.map((t, i) => {
    const y = top + i * rowH;
    const label = `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="13">${h(`${t.rank}. ${t.target}`)}</text>`;
    const total = totalPackages(t);
    if (fatesUnknown(t) || total === 0) {
      return `${label}<rect x="${labelW}" y="${y + 2}" width="${barW}" height="20" fill="url(#nc)" stroke="#d0d7de"><title>${h(t.target)}: package fates not compared (no repository given)</title></rect>`
        + `<text x="${labelW + 8}" y="${y + 16}" font-size="12" fill="#57606a">fates not compared (no repository given)</text>`;
    }
    let x = labelW;
    const segs = FATE_ORDER.filter((f) => fateCount(t, f) > 0).map((f) => {
      const w = (fateCount(t, f) / total) * barW;
      const seg = `<rect x="${x.toFixed(2)}" y="${y + 2}" width="${w.toFixed(2)}" height="20" fill="${FATE_COLOURS[f]}"><title>${h(t.target)}: ${f} ${fateCount(t, f)} of ${total}</title></rect>`
        + (w >= 26 ? `<text x="${(x + w / 2).toFixed(2)}" y="${y + 16}" text-anchor="middle" font-size="11" fill="#fff">${fateCount(t, f)}</text>` : '');
      x += w;
      return seg;
    }).join('');
    return `${label}${segs}<text x="${labelW + barW + 6}" y="${y + 16}" font-size="12" fill="#57606a">${total}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="Package fates per target" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif">`
    + '<defs><pattern id="nc" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f6f8fa"/><line x1="0" y1="0" x2="0" y2="8" stroke="#d0d7de" stroke-width="3"/></pattern></defs>'
    + `${rows}</svg>`
    + `<div class="legend">${FATE_ORDER.map((f) => `<span><i class="swatch" style="background:${FATE_COLOURS[f]}"></i>${f}</span>`).join('')}</div>`;
}

/** One finding; `anchor` is its id (`TARGET--KEY`, or `host--KEY` for a host finding). */
function renderFinding(f: Finding, inh: boolean, anchor: string): string {
  const commands = f.remediation?.commands ?? [];
  return `<div class="finding s-${h(f.severity)}${inh ? ' inhibitor' : ''}" id="${h(anchor)}">`
    + `<div class="title">${inh ? '<span class="badge b-inhibitor">INHIBITOR</span> ' : ''}<span class="badge b-${h(f.severity)}">${h(f.severity)}</span> ${h(f.title)} <code>${h(f.key)}</code></div>`
    + `<p>${h(f.summary)}</p>`
    + (f.remediation ? `<p class="fix"><strong>Remediation:</strong> ${h(f.remediation.hint)}</p>` : '')
    + (commands.length > 0 ? `<pre><code>${commands.map((c) => h(formatCommand(c))).join('\n')}</code></pre>` : '')
    + '</div>';
}

function renderTarget(t: TargetAssessment, max: number, hostKeys: ReadonlySet<string>): string {
  const parts: string[] = [`<section id="${h(`target-${t.target}`)}"><h2>${t.rank}. ${h(t.targetName)} <code>${h(t.target)}</code> — score ${t.score}</h2>`];
  const inhibitors = inhibitorFindings(t);
  if (inhibitors.length > 0) {
    parts.push(`<div class="inhibitors"><strong>${inhibitors.length} inhibitor${inhibitors.length === 1 ? '' : 's'}: the migration must not start.</strong><ul>`
      + inhibitors.map((f) => { const hops = inhibitorHops(t, f.key); return `<li><a href="#${h(hostKeys.has(f.key) ? `host--${f.key}` : `${t.target}--${f.key}`)}"><code>${h(f.key)}</code></a>${hops.length ? ` (${h(hops.join('; '))})` : ''} ${h(f.title)}</li>`; }).join('') + '</ul></div>');
  }
  parts.push(`<p>Migration path: ${t.path ? `<code>${h(t.path.method)}</code> (source: ${h(t.path.source)})` : t.route ? `none direct; the route ${t.route.map((r) => `<code>${h(r)}</code>`).join(' → ')}` : '<strong>none in the catalog</strong>'}<br>`
    + (fatesUnknown(t) ? 'Repositories: <strong>not compared</strong>' : `Repositories: ${t.repositories.map((r) => `<code>${h(r)}</code>`).join(', ')}`) + '</p>');
  if (fatesUnknown(t)) parts.push('<div class="notice">No repository location was given for this target, so package fates (same, upgrade, downgrade, replaced, missing) are unknown. Pass <code>--repo TARGET=DIR_OR_URL</code> to compare.</div>');
  if (t.hops?.length) {
    const total = t.hops.length;
    parts.push('<h3>Hops</h3><p>Each hop assessed as the plan\'s gate judges it: hop 1 on the host\'s facts, every later hop on the predicted end state of the one before.</p>'
      + '<table class="hops"><thead><tr><th>hop</th><th>assessed</th><th>verdict</th><th>fates</th></tr></thead><tbody>'
      + t.hops.map((x) => { const s = hopSummary(x, total); return `<tr><td>${h(s.label)}</td><td>${h(s.on)}</td><td>${x.inhibitors.length ? '<span class="badge b-inhibitor">blocked</span> ' : ''}${h(s.verdict)}</td><td>${h(s.counts) || '–'}</td></tr>`; }).join('')
      + '</tbody></table>');
  }
  if (t.reasons.length > 0) {
    parts.push('<h3>Why this rank</h3><table class="reasons"><thead><tr><th>factor</th><th class="num">points</th><th>reason</th></tr></thead><tbody>'
      + t.reasons.map((r) => `<tr><td>${h(r.factor)}</td><td class="num ${r.points < 0 ? 'neg' : r.points > 0 ? 'pos' : ''}">${h(formatPoints(r.points))}</td><td>${h(r.text)}</td></tr>`).join('')
      + '</tbody></table>');
  }
  parts.push('<h3>Findings</h3>');
  const groups = findingsBySeverity(t, hostKeys);
  if (groups.length === 0) parts.push(hostKeys.size ? '<p>No findings of its own (see <a href="#host">the host findings</a>).</p>' : '<p>No findings.</p>');
  for (const g of groups) parts.push(`<h4>${h(g.severity)} (${g.findings.length})</h4>${g.findings.map((f) => renderFinding(f, isInhibitor(f, t), `${t.target}--${f.key}`)).join('')}`);
  if (groups.length > 0 && hostKeys.size) parts.push('<p>And <a href="#host">the host findings</a>.</p>');
  const notAssessed = t.notAssessed ?? [];
  if (notAssessed.length > 0) {
    parts.push('<h3>Not assessed</h3><p>These checks could not look at the host; no finding from them is not an all-clear.</p><ul class="not-assessed">'
      + notAssessed.map((n) => `<li><code>${h(n.check)}</code>: ${h(n.reason)}</li>`).join('') + '</ul>');
  }
  if (!fatesUnknown(t)) {
    const changing = FATE_ORDER.filter((f) => f !== 'same' && fateCount(t, f) > 0);
    if (changing.length > 0) parts.push('<h3>Packages that change</h3>');
    for (const fate of changing) {
      const list = fatesOf(t, fate);
      parts.push(`<details><summary><i class="swatch" style="background:${FATE_COLOURS[fate]}"></i>${fate} (${list.length})</summary>`
        + '<table><thead><tr><th>installed</th><th>becomes</th><th>how</th></tr></thead><tbody>'
        + list.slice(0, max).map((p) => `<tr><td><code>${h(p.installed)}</code></td><td>${(p.target ?? []).map((x) => `<code>${h(x)}</code>`).join('<br>') || '–'}</td>`
          + `<td>${h([p.via, p.reason].filter(Boolean).join(': ')) || '–'}</td></tr>`).join('')
        + (list.length > max ? `<tr><td colspan="3">… ${list.length - max} more</td></tr>` : '')
        + '</tbody></table></details>');
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

export function renderAssessmentHtml(a: Assessment, options: HtmlOptions = {}): string {
  const max = options.maxPackagesPerFate ?? 500;
  const targets = rankedTargets(a);
  const host = hostFindings(a);
  const title = `Ferry assessment: ${a.host.hostname ?? a.host.origin}`;
  const ranking = '<table><thead><tr><th class="num">rank</th><th>target</th><th class="num">score</th><th>status</th>'
    + FATE_ORDER.map((f) => `<th class="num">${f}</th>`).join('') + '</tr></thead><tbody>'
    + targets.map((t) => `<tr><td class="num">${t.rank}${tiedWith(a, t).length ? ' (tie)' : ''}</td><td><a href="#${h(`target-${t.target}`)}">${h(t.targetName)}</a> <code>${h(t.target)}</code></td><td class="num">${t.score}</td>`
      + `<td>${t.inhibitors.length > 0 ? `<span class="badge b-inhibitor">${t.inhibitors.length} inhibitor${t.inhibitors.length === 1 ? '' : 's'}</span>` : '<span class="badge b-ok">no inhibitors</span>'}</td>`
      + FATE_ORDER.map((f) => `<td class="num">${fatesUnknown(t) ? '–' : fateCount(t, f)}</td>`).join('') + '</tr>').join('')
    + '</tbody></table>';
  return renderHtmlPage(title, '', [
    `<p class="meta">${h(a.host.origin)} · facts from ${h(a.host.source)} · runs ${h(a.sourceName)}${a.sourceRelease ? ` (<code>${h(a.sourceRelease)}</code>)` : ' (release not recognised)'} · assessed ${h(a.assessedAt)} · report format ${a.formatVersion}</p>`,
    '<h2>Package fates per target</h2>',
    renderFateChart(targets),
    '<h2>Ranking</h2>',
    ranking,
    ...(host.findings.length ? [`<section id="host"><h2>Host findings (the same for every target)</h2>${
      findingsBySeverity({ ...targets[0], findings: host.findings }).map((g) => `<h4>${h(g.severity)} (${g.findings.length})</h4>${
        g.findings.map((f) => renderFinding(f, targets.every((t) => isInhibitor(f, t)), `host--${f.key}`)).join('')}`).join('')}</section>`] : []),
    ...targets.map((t) => renderTarget(t, max, host.keys)),
  ]);
}
