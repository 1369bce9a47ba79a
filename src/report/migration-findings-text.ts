/**
 * Text of what a migration found besides verification: the workload diff (findings by severity, each with
 * its remediation) and the configuration drift (.rpmnew/.rpmsave with their diffs, the three-way merge and
 * the merge guidance). Host text is terminal-escaped.
 */
import type { DriftReport } from '../exec/config-drift.js';
import type { WorkloadReport } from '../exec/workload.js';
import { escapeTerminal as t } from './escape.js';

const indent = (text: string, by: string): string[] => text.replace(/\n$/, '').split('\n').map((l) => `${by}${t(l)}`);

export function renderMigrationFindings(r: { workload?: WorkloadReport; drift?: DriftReport; problems?: string[] }): string[] {
  const lines: string[] = [];
  const w = r.workload;
  if (w) {
    lines.push(`Workload diff: ${w.findings.length ? `${w.findings.length} finding(s)${w.ok ? '' : ', HIGH among them'}` : 'no change'} (before ${w.before}, after ${w.after})`);
    for (const f of w.findings) {
      lines.push(`  ${f.severity.toUpperCase().padEnd(6)} ${t(f.title)}`, `         ${t(f.summary)}`);
      if (f.remediation) lines.push(`         fix: ${t(f.remediation.hint)}${f.remediation.commands?.length ? ` (${f.remediation.commands.map((c) => c.map(t).join(' ')).join('; ')})` : ''}`);
    }
    for (const why of [...new Set(w.notCompared.map((n) => n.why))]) lines.push(`  not compared (${why}): ${w.notCompared.filter((n) => n.why === why).map((n) => n.item).join(', ')}`);
  }
  const d = r.drift;
  if (d) {
    lines.push(`Configuration drift: ${d.items.length ? `${d.items.length} file(s) to merge` : 'no new .rpmnew or .rpmsave'}`);
    for (const i of d.items) {
      lines.push(`  ${t(i.path)}${i.package ? ` (${t(i.package)}${i.oldNevra ? `, was ${t(i.oldNevra)}` : ''})` : ''}`, `    ${t(i.guidance)}`);
      if (i.diff) lines.push(...indent(i.diff, '    '));
      if (i.merge) lines.push(`    three-way merge with the original from ${t(i.originalFrom ?? '?')}: ${i.merge.clean ? 'clean' : `${i.merge.conflicts} conflict(s)`}`, ...indent(i.merge.text, '    | '));
    }
  }
  for (const p of r.problems ?? []) lines.push(`Not computed: ${t(p)}`);
  return lines;
}
