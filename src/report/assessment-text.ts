/** The assessment as terminal text: the ranking, inhibitors first, then findings with remediation. */
import type { Assessment } from '../assess/types.js';
import { escapeTerminal as t } from './escape.js';
import type { Finding, TargetAssessment } from '../assess/types.js';
import {
  FATE_ORDER, fateCount, fatesUnknown, findingsBySeverity, formatCommand, formatPoints, hopSummary, hostFindings, inhibitorFindings, inhibitorHops, isInhibitor, rankedTargets, tiedWith,
} from './assessment-view.js';

/** The host line and the ranking table: the whole text report's head, and what `assess --out` prints alone. */
export function renderAssessmentSummary(a: Assessment): string {
  const out: string[] = [
    `Host ${t(a.host.hostname ?? a.host.origin)} (${a.host.source}): ${t(a.sourceName)}${a.sourceRelease ? ` [${a.sourceRelease}]` : ' [release not recognised]'}`,
    '',
    'Ranking (1 = best):',
  ];
  for (const x of rankedTargets(a)) {
    const counts = fatesUnknown(x) ? 'fates not compared (no repository given)' : FATE_ORDER.map((f) => `${f} ${fateCount(x, f)}`).join(', ');
    const tie = tiedWith(a, x);
    out.push(`  ${x.rank}. ${t(x.target)}  score ${x.score}${tie.length ? `  TIE with ${tie.map(t).join(', ')}` : ''}  ${x.inhibitors.length > 0 ? `BLOCKED by ${x.inhibitors.length} inhibitor(s)` : 'no inhibitors'}  (${counts})`);
  }
  return out.join('\n');
}

function pushFinding(out: string[], f: Finding, inhibitor: boolean): void {
  out.push(`  [${f.severity}${inhibitor ? ', inhibitor' : ''}] ${t(f.title)}  (${t(f.key)})`);
  out.push(`      ${t(f.summary)}`);
  if (f.remediation) {
    out.push(`      fix: ${t(f.remediation.hint)}`);
    for (const c of f.remediation.commands ?? []) out.push(`        $ ${t(formatCommand(c))}`);
  }
}

const inhibitsEvery = (f: Finding, targets: readonly TargetAssessment[]): boolean => targets.every((x) => isInhibitor(f, x));

export function renderAssessmentText(a: Assessment): string {
  const out: string[] = [renderAssessmentSummary(a)];
  const targets = rankedTargets(a);
  const host = hostFindings(a);
  if (host.findings.length > 0) {
    out.push('', `== Host: ${host.findings.length} finding(s) the same for every target ==`);
    for (const f of host.findings) pushFinding(out, f, inhibitsEvery(f, targets));
  }
  for (const x of targets) {
    out.push('', `== ${x.rank}. ${t(x.targetName)} (${t(x.target)}) ==`);
    const inhibitors = inhibitorFindings(x);
    if (inhibitors.length > 0) {
      out.push(`!! ${inhibitors.length} INHIBITOR(S): the migration must not start`);
      for (const f of inhibitors) { const hops = inhibitorHops(x, f.key); out.push(`!!   ${t(f.key)}${hops.length ? ` (${hops.map(t).join('; ')})` : ''}: ${t(f.title)}`); }
    }
    out.push(`path: ${x.path ? `${x.path.method} (${t(x.path.source)})` : x.route ? `none direct; the route ${x.route.map(t).join(' → ')}, assessed hop by hop (ferry plan plans it so)` : 'none in the catalog'}`);
    for (const hop of x.hops ?? []) {
      const s = hopSummary(hop, x.hops?.length ?? 0);
      out.push(`  ${t(s.label)} (${s.on}): ${t(s.verdict)}${s.counts ? ` (${t(s.counts)})` : ''}`);
    }
    if (x.reasons.length > 0) out.push(`why: ${x.reasons.map((r) => `${formatPoints(r.points)} ${t(r.text)}`).join('; ')}`);
    for (const g of findingsBySeverity(x, host.keys)) for (const f of g.findings) pushFinding(out, f, isInhibitor(f, x));
    if (host.findings.length > 0) out.push(`  (and the ${host.findings.length} host finding(s) above)`);
    for (const n of x.notAssessed ?? []) out.push(`  [not assessed] ${t(n.check)}: ${t(n.reason)}`);
    const erased = x.fates.filter((f) => f.fate === 'erased');
    if (erased.length > 0) out.push(`erased by the predicted transaction (${erased.length}):`);
    for (const f of erased) out.push(`  ${t(f.installed)}: ${(f.chain ?? []).map(t).join(' <- ')}`);
  }
  return out.join('\n') + '\n';
}
