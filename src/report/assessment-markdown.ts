/**
 * The assessment as Markdown (GitHub-flavoured): ranking table, then per target its inhibitors first,
 * the ranking reasons, findings grouped by severity with remediation, and the packages that change.
 */
import type { Assessment, Finding, Severity, TargetAssessment } from '../assess/types.js';
import { escapeMarkdown as md, markdownCode as code } from './escape.js';
import {
  FATE_ORDER, fateCount, fatesOf, fatesUnknown, findingsBySeverity, formatCommand, formatPoints, hopSummary, hostFindings, inhibitorFindings, inhibitorHops, isInhibitor, rankedTargets, tiedWith,
  totalPackages,
} from './assessment-view.js';

export interface MarkdownOptions {
  /** Packages listed per fate per target (default 200); the rest are counted. */
  maxPackagesPerFate?: number;
}

function countsCells(t: TargetAssessment): string {
  return fatesUnknown(t) ? FATE_ORDER.map(() => '–').join(' | ') : FATE_ORDER.map((f) => String(fateCount(t, f))).join(' | ');
}

function renderFindingGroups(groups: { severity: Severity; findings: Finding[] }[], inhibitor: (f: Finding) => boolean): string[] {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`#### ${g.severity} (${g.findings.length})`, '');
    for (const f of g.findings) {
      out.push(`- **${md(f.title)}**${inhibitor(f) ? ' — **INHIBITOR**' : ''} ${code(f.key)}`);
      out.push(`  ${md(f.summary)}`);
      if (f.remediation) {
        out.push(`  - Remediation: ${md(f.remediation.hint)}`);
        for (const c of f.remediation.commands ?? []) out.push(`    - ${code(formatCommand(c))}`);
      }
    }
    out.push('');
  }
  return out;
}

function renderTarget(t: TargetAssessment, o: Required<MarkdownOptions>, hostKeys: ReadonlySet<string>): string[] {
  const out: string[] = [`## ${t.rank}. ${md(t.targetName)} (${code(t.target)})`, ''];
  out.push(`- Score: **${t.score}**`);
  out.push(`- Migration path: ${t.path ? `${code(t.path.method)} (source: ${md(t.path.source)})` : t.route ? `none direct; the route ${t.route.map((r) => code(r)).join(' → ')}` : '**none in the catalog**'}`);
  out.push(fatesUnknown(t)
    ? '- Repositories: **not compared** — no repository location was given for this target, so package fates are unknown.'
    : `- Repositories: ${t.repositories.map(code).join(', ')} (${totalPackages(t)} packages compared)`);
  out.push('');
  const inhibitors = inhibitorFindings(t);
  if (inhibitors.length > 0) {
    out.push(`> [!CAUTION]`, `> **${inhibitors.length} inhibitor${inhibitors.length === 1 ? '' : 's'}: the migration must not start.**`);
    for (const f of inhibitors) { const hops = inhibitorHops(t, f.key); out.push(`> - ${code(f.key)}${hops.length ? ` (${md(hops.join('; '))})` : ''}: ${md(f.title)}`); }
    out.push('');
  }
  if (t.hops?.length) {
    out.push('### Hops', '', 'Each hop assessed as the plan\'s gate judges it: hop 1 on the host\'s facts, every later hop on the predicted end state of the one before.', '', '| hop | assessed | verdict | fates |', '|---|---|---|---|');
    for (const x of t.hops) { const s = hopSummary(x, t.hops.length); out.push(`| ${md(s.label)} | ${md(s.on)} | ${md(s.verdict)} | ${md(s.counts) || '–'} |`); }
    out.push('');
  }
  if (t.reasons.length > 0) {
    out.push('### Why this rank', '', '| factor | points | reason |', '|---|---:|---|');
    for (const r of t.reasons) out.push(`| ${md(r.factor)} | ${formatPoints(r.points)} | ${md(r.text)} |`);
    out.push('');
  }
  out.push('### Findings', '');
  const groups = findingsBySeverity(t, hostKeys);
  if (groups.length === 0) out.push(hostKeys.size ? 'No findings of its own (see the host findings).' : 'No findings.', '');
  out.push(...renderFindingGroups(groups, (f) => isInhibitor(f, t)));
  if (groups.length > 0 && hostKeys.size) out.push('And the host findings above.', '');
  const notAssessed = t.notAssessed ?? [];
  if (notAssessed.length > 0) {
    out.push('### Not assessed', '', 'These checks could not look at the host; no finding from them is not an all-clear.', '');
    for (const n of notAssessed) out.push(`- ${code(n.check)}: ${md(n.reason)}`);
    out.push('');
  }
  if (!fatesUnknown(t)) {
    const changing = FATE_ORDER.filter((f) => f !== 'same' && fateCount(t, f) > 0);
    if (changing.length > 0) out.push('### Packages that change', '');
    for (const fate of changing) {
      const list = fatesOf(t, fate);
      out.push(`<details><summary>${fate} (${list.length})</summary>`, '', '| installed | becomes | how |', '|---|---|---|');
      for (const p of list.slice(0, o.maxPackagesPerFate)) {
        out.push(`| ${code(p.installed)} | ${(p.target ?? []).map(code).join(', ') || '–'} | ${md([p.via, p.reason].filter(Boolean).join(': ')) || '–'} |`);
      }
      if (list.length > o.maxPackagesPerFate) out.push(`| … ${list.length - o.maxPackagesPerFate} more | | |`);
      out.push('', '</details>', '');
    }
  }
  return out;
}

export function renderAssessmentMarkdown(a: Assessment, options: MarkdownOptions = {}): string {
  const o: Required<MarkdownOptions> = { maxPackagesPerFate: options.maxPackagesPerFate ?? 200 };
  const targets = rankedTargets(a);
  const out: string[] = [
    `# Ferry assessment: ${md(a.host.hostname ?? a.host.origin)}`, '',
    `- Host: ${md(a.host.origin)} (facts from: ${md(a.host.source)})`,
    `- Runs: ${md(a.sourceName)}${a.sourceRelease ? ` (${code(a.sourceRelease)})` : ' (release not recognised)'}`,
    `- Assessed: ${md(a.assessedAt)} · report format ${a.formatVersion}`, '',
    '## Ranking', '',
    `| rank | target | score | inhibitors | ${FATE_ORDER.join(' | ')} |`,
    `|---:|---|---:|---:|${FATE_ORDER.map(() => '---:').join('|')}|`,
    ...targets.map((t) => `| ${t.rank}${tiedWith(a, t).length ? ' (tie)' : ''} | ${md(t.targetName)} (${code(t.target)}) | ${t.score} | ${t.inhibitors.length > 0 ? `**${t.inhibitors.length}**` : '0'} | ${countsCells(t)} |`),
    '',
  ];
  const host = hostFindings(a);
  if (host.findings.length > 0) {
    out.push('## Host findings (the same for every target)', '');
    out.push(...renderFindingGroups(findingsBySeverity({ ...targets[0], findings: host.findings }), (f) => targets.every((t) => isInhibitor(f, t))));
  }
  if (targets.some(fatesUnknown)) out.push('“–”: no repository metadata was compared for that target; package fates are unknown.', '');
  for (const t of targets) out.push(...renderTarget(t, o, host.keys));
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
