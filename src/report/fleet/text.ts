/** The fleet report as terminal text: readiness per target, the recommendation, inhibitors, missing packages, hosts. */
import { escapeTerminal as t } from '../escape.js';
import { fleetDecision, hopLabel, type FleetReport } from './report.js';

export interface FleetTextOptions {
  /** Hosts listed with their recommended target (default 50); the rest are counted (CSV, JSON and HTML list all). */
  maxHosts?: number;
  /** Inhibitors and missing packages listed per section (default 10). */
  maxItems?: number;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
}

export function renderFleetText(r: FleetReport, o: FleetTextOptions = {}): string {
  const maxHosts = o.maxHosts ?? 50;
  const maxItems = o.maxItems ?? 10;
  const out: string[] = [`Fleet assessment ${t(r.runId)}: ${r.hostCount} host${r.hostCount === 1 ? '' : 's'} against ${r.targets.map(t).join(', ')}`, ''];
  const head = ['target', 'ready', 'risks', 'blocked', 'not assessed'];
  const body = r.readiness.map((x) => [t(x.target), String(x.ready), String(x.risks), String(x.blocked), String(x.notAssessed)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  out.push(pad(head, widths), ...body.map((b) => pad(b, widths)), '');
  const rec = r.recommendation;
  out.push(rec.target === null
    ? 'Fleet recommendation: none (no host was assessed)'
    : `Fleet recommendation: ${t(rec.target)} (${rec.ready} ready, ${rec.unblocked} not blocked, best target of ${rec.recommendedFor} host${rec.recommendedFor === 1 ? '' : 's'})`);
  const decision = fleetDecision(rec);
  if (decision !== undefined) out.push(`  ${t(decision)}`);
  out.push(`  rule: ${r.recommendation.rule}`, '');
  out.push(r.inhibitors.length === 0 ? 'Inhibitors: none' : 'Inhibitors (most frequent first):');
  for (const i of r.inhibitors.slice(0, maxItems)) {
    const some = i.hosts.slice(0, 5).map(t).join(', ');
    out.push(`  ${String(i.hostCount).padStart(6)}  ${t(i.key)} on ${t(i.target)}${i.hops ? ` (${i.hops.map(t).join('; ')})` : ''}: ${some}${i.hosts.length > 5 ? `, … ${i.hosts.length - 5} more` : ''}`);
  }
  if (r.inhibitors.length > maxItems) out.push(`  … ${r.inhibitors.length - maxItems} more`);
  for (const m of r.missing) {
    out.push('', m.packages.length === 0 ? `Missing in ${t(m.target)}: none` : `Missing in ${t(m.target)} (${m.packages.length} packages; hosts that have each):`);
    for (const p of m.packages.slice(0, maxItems)) out.push(`  ${String(p.hostCount).padStart(6)}  ${t(p.name)}`);
    if (m.packages.length > maxItems) out.push(`  … ${m.packages.length - maxItems} more`);
  }
  out.push('', 'Recommended target per host:');
  for (const h of r.hosts.slice(0, maxHosts)) {
    const best = h.results.find((x) => x.target === h.recommended);
    out.push(`  ${t(h.host)}${h.removed ? ' (removed from its inventory)' : ''}  ${h.recommended === null ? 'not assessed' : `${t(h.recommended)} (${best?.readiness ?? '?'}, score ${best?.score ?? '?'}${best?.route ? `; route ${best.route.map(t).join(' → ')}` : ''})`}`);
    // A route blocked on a later hop says so before anything runs: which hop, and by what.
    for (const x of h.results) {
      for (const hop of x.hops ?? []) if (hop.blockers.length) out.push(`      ${t(x.target)} blocked on ${t(hopLabel(hop))}: ${hop.blockers.map(t).join(', ')}`);
    }
  }
  if (r.hosts.length > maxHosts) out.push(`  … ${r.hosts.length - maxHosts} more hosts (--format csv or json lists every host)`);
  return out.join('\n') + '\n';
}
