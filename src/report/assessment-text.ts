/** The assessment as terminal text: the ranking, inhibitors first, then findings with remediation. */
import type { Assessment } from '../assess/types.js';
import { escapeTerminal as t } from './escape.js';
import { FATE_ORDER, fatesUnknown, findingsBySeverity, formatCommand, formatPoints, inhibitorFindings, isInhibitor, rankedTargets } from './assessment-view.js';

/** The host line and the ranking table: the whole text report's head, and what `assess --out` prints alone. */
export function renderAssessmentSummary(a: Assessment): string {
  const out: string[] = [
    `Host ${t(a.host.hostname ?? a.host.origin)} (${a.host.source}): ${t(a.sourceName)}${a.sourceRelease ? ` [${a.sourceRelease}]` : ' [release not recognised]'}`,
    '',
    'Ranking (1 = best):',
  ];
  for (const x of rankedTargets(a)) {
    const counts = fatesUnknown(x) ? 'fates not compared (no repository given)' : FATE_ORDER.map((f) => `${f} ${x.counts[f]}`).join(', ');
    out.push(`  ${x.rank}. ${t(x.target)}  score ${x.score}  ${x.inhibitors.length > 0 ? `BLOCKED by ${x.inhibitors.length} inhibitor(s)` : 'no inhibitors'}  (${counts})`);
  }
  return out.join('\n');
}

export function renderAssessmentText(a: Assessment): string {
  const out: string[] = [renderAssessmentSummary(a)];
  const targets = rankedTargets(a);
  for (const x of targets) {
    out.push('', `== ${x.rank}. ${t(x.targetName)} (${t(x.target)}) ==`);
    const inhibitors = inhibitorFindings(x);
    if (inhibitors.length > 0) {
      out.push(`!! ${inhibitors.length} INHIBITOR(S): the migration must not start`);
      for (const f of inhibitors) out.push(`!!   ${t(f.key)}: ${t(f.title)}`);
    }
    out.push(`path: ${x.path ? `${x.path.method} (${t(x.path.source)})` : 'none in the catalog'}`);
    if (x.reasons.length > 0) out.push(`why: ${x.reasons.map((r) => `${formatPoints(r.points)} ${t(r.text)}`).join('; ')}`);
    for (const g of findingsBySeverity(x)) {
      for (const f of g.findings) {
        out.push(`  [${g.severity}${isInhibitor(f, x) ? ', inhibitor' : ''}] ${t(f.title)}  (${t(f.key)})`);
        out.push(`      ${t(f.summary)}`);
        if (f.remediation) {
          out.push(`      fix: ${t(f.remediation.hint)}`);
          for (const c of f.remediation.commands ?? []) out.push(`        $ ${t(formatCommand(c))}`);
        }
      }
    }
    for (const n of x.notAssessed ?? []) out.push(`  [not assessed] ${t(n.check)}: ${t(n.reason)}`);
  }
  return out.join('\n') + '\n';
}
