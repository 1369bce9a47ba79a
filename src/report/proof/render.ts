/** The migration proof as text and as a self-contained HTML page; every host-provided string escaped. */
import { escapeHtml as h, escapeTerminal as t } from '../escape.js';
import { renderHtmlPage } from '../html-page.js';
import type { ExposureSummary, MigrationProof, ProofItem, ProofSection } from './model.js';

function journalLine(p: MigrationProof): string {
  const j = p.journal;
  if (j.status === 'intact') return `intact (${j.entries} entries, HMAC chain verified with this controller's key)`;
  if (j.status === 'tampered') return `TAMPERED${j.entry ? ` at entry ${j.entry.seq} (${j.entry.event}${j.entry.step ? ` ${j.entry.step}` : ''}, ${j.entry.at})` : ''}: ${j.message}`;
  return `unreadable: ${j.message}`;
}

function exposureLine(e: ExposureSummary): string {
  return e.advisories === undefined ? `not covered (${e.note})` : `${e.advisories} advisories, ${e.cves} CVEs (${e.critical} critical, ${e.important} important) — ${e.feed}, ${e.feedDate.slice(0, 10)}, ${e.coverage}`;
}

function sectionLine(s: ProofSection): string {
  if (s.status === 'not-provided') return `not provided (${s.reason})`;
  const high = s.items.filter((i) => i.severity === 'high').length;
  const from = s.source === 'store' ? 'the store' : "the host's state dir";
  return `${s.ok ? 'ok' : 'NOT OK'}: ${s.items.length} finding(s), ${high} high, from ${from}${s.notCompared.length ? `; not compared: ${s.notCompared.join('; ')}` : ''}`;
}

const itemLine = (i: ProofItem): string => `[${i.severity}] ${i.title}${i.detail ? ` — ${i.detail}` : ''}`;

function sectionLines(name: string, s: ProofSection): Array<[string, string]> {
  return [[name, sectionLine(s)], ...(s.status === 'provided' ? s.items.map((i): [string, string] => [`  ${name}`, itemLine(i)]) : [])];
}

function lines(p: MigrationProof): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  out.push(['verdict', `${p.verdict}${p.reasons.length ? `: ${p.reasons.join('; ')}` : ''}`]);
  out.push(['migration', p.migration ? `${p.migration.source ?? '?'} → ${p.migration.target}, ${p.migration.state}` : 'unknown']);
  out.push(['journal', journalLine(p)]);
  out.push(['verification', `${p.verification.status}${p.verification.checks.filter((c) => !c.ok).map((c) => `; ${c.id}: ${c.detail}`).join('')}`]);
  out.push(['packages', 'status' in p.packages ? `not computed: ${p.packages.reason}`
    : `${p.packages.before} → ${p.packages.after}: ${p.packages.added} added, ${p.packages.removed} removed, ${p.packages.changed} changed, ${p.packages.supplierChanged} supplier changed, ${p.packages.unchanged} unchanged`]);
  if ('status' in p.cve) out.push(['CVE exposure', `not computed: ${p.cve.reason}`]);
  else {
    out.push(['CVE exposure before', exposureLine(p.cve.before)]);
    out.push(['CVE exposure after', exposureLine(p.cve.after)]);
    out.push(['CVE delta', p.cve.comparable ? `${p.cve.closed.length} closed, ${p.cve.remaining.length} remaining, ${p.cve.opened.length} opened (${p.cve.note})` : p.cve.note]);
  }
  const s = p.support;
  out.push(['support', `before: ${s.before ? `${s.before.release} ${s.before.phase}, end of life ${s.before.eol ?? 'unknown'}` : 'unknown'}; after: ${s.after ? `${s.after.release} ${s.after.phase}, end of life ${s.after.eol ?? 'unknown'}` : 'unknown'}${s.daysGained !== null ? `; ${s.daysGained} days of support gained` : ''}`]);
  out.push(...sectionLines('workload', p.workload), ...sectionLines('configuration', p.configuration));
  return out;
}

export function renderProofText(p: MigrationProof): string {
  return [`migration proof of ${t(p.host)}, execution ${t(p.executionId)} (${p.generatedAt})`, ...lines(p).map(([k, v]) => `  ${k}: ${t(v)}`)].join('\n') + '\n';
}

export function renderProofHtml(p: MigrationProof): string {
  const rows = lines(p).map(([k, v]) => `<tr><th>${h(k)}</th><td${k === 'journal' && p.journal.status !== 'intact' ? ' class="neg"' : ''}>${h(v)}</td></tr>`);
  const body = [`<p>Host <b>${h(p.host)}</b>, execution <code>${h(p.executionId)}</code>, generated ${h(p.generatedAt)}.</p>`, `<table>${rows.join('')}</table>`];
  if (!('status' in p.packages)) {
    const d = p.packages.diff;
    const list = (title: string, items: string[]): string => `<details><summary>${h(title)} (${items.length})</summary><ul>${items.map((x) => `<li><code>${h(x)}</code></li>`).join('')}</ul></details>`;
    body.push(list('added', d.added.map((x) => `${x.name}.${x.arch} ${x.evr}`)), list('removed', d.removed.map((x) => `${x.name}.${x.arch} ${x.evr}`)),
      list('changed', d.changed.map((x) => `${x.name}.${x.arch} ${x.before.evr} → ${x.after.evr}`)),
      list('supplier changed', d.supplierChanged.map((x) => `${x.name}.${x.arch}: ${x.before.supplier ?? '(none)'} → ${x.after.supplier ?? '(none)'}`)));
  }
  return renderHtmlPage(`Migration proof: ${p.host}`, '', body);
}
